#ifndef OFAB_FABRIC_EXPERIMENT_SECTION_KEYS_H
#define OFAB_FABRIC_EXPERIMENT_SECTION_KEYS_H

// The keys of the experiment file that are not ns-3 attributes: the sections the loader reads itself
// (the file's top level, topology, links, faults, outputs, variants). This table is their one
// description: `ofab keys <section>` prints it, docs/keys.md is generated from it (`ofab keys
// --markdown`), and the loaders take their lists of valid keys from it, so a key cannot be accepted
// without being documented. A test checks the documented defaults against what the loader resolves.

#include "ofab/fabric/config/key-doc.h"

#include <string>
#include <vector>

namespace ofab
{

/// Every loader section, in the order of an experiment file.
const std::vector<SectionDoc>& LoaderSections();
/// The section called `name`; std::out_of_range when there is none.
const SectionDoc& LoaderSection(const std::string& name);
/// The key names of a section, in table order (for ExpectOnlyKeys).
std::vector<std::string> LoaderKeys(const std::string& section);

} // namespace ofab

#endif
