#ifndef OFAB_FABRIC_CONFIG_KEY_DOC_H
#define OFAB_FABRIC_CONFIG_KEY_DOC_H

// What `ofab keys` prints and docs/keys.md holds: the keys of one section of an experiment file with
// default, range (unit included) and meaning, from the ns-3 TypeIds (AttributeKeys in
// attribute-binder.h) or from the loader's own table (experiment/section-keys.h).

#include <string>
#include <vector>

namespace ofab
{

struct KeyDoc
{
    std::string key;
    std::string defaultText; ///< "" when the key is required or has no default
    std::string expected;    ///< type, unit and range, as the error messages say them
    std::string meaning;
};

struct SectionDoc
{
    std::string name;  ///< as `ofab keys` takes it: "topology", "port", "workload:traffic", ...
    std::string intro; ///< where the section sits and what picks its keys ("(ofab::UalinkPort)")
    std::vector<KeyDoc> keys;
};

/// `name:   intro`, then per key `  key: default` and its meaning with [range] below.
std::string FormatKeysText(const SectionDoc& section);
/// A `## name` heading, the intro, and a table | key | default | range | meaning |.
std::string FormatKeysMarkdown(const SectionDoc& section);

/// The section called `name` among `sections`; std::out_of_range naming it when there is none.
const SectionDoc& FindSection(const std::vector<SectionDoc>& sections, const std::string& name);
/// A section's key names in order: what ExpectOnlyKeys accepts for it.
std::vector<std::string> KeyNames(const SectionDoc& section);

} // namespace ofab

#endif
