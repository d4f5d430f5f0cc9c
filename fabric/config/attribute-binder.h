#ifndef OFAB_FABRIC_CONFIG_ATTRIBUTE_BINDER_H
#define OFAB_FABRIC_CONFIG_ATTRIBUTE_BINDER_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/config/key-doc.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/attribute.h"
#include "ns3/nstime.h"
#include "ns3/object-base.h"
#include "ns3/object-factory.h"
#include "ns3/type-id.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace ofab
{

/**
 * YAML keys map onto ns-3 attributes generically: a key is the attribute name in snake_case
 * (FibreLengthM <-> fibre_length_m), so a new attribute in a model is a new YAML key with no parser
 * change. Values are checked against the attribute's type and checker before ns-3 sees them (ns-3
 * aborts on some malformed strings; a user's typo must be an error message, not a crash).
 */
std::string AttributeKey(const std::string& attributeName);

/// The settable attributes of a TypeId and its parents, in declaration order.
std::vector<ns3::TypeId::AttributeInformation> SettableAttributes(ns3::TypeId tid);

/// The YAML keys of those attributes.
std::vector<std::string> SettableKeys(ns3::TypeId tid);

/**
 * What one YAML section set on one factory: remembers which key set which attribute so that an
 * error found later (Validate() throwing ParameterError) points at the line the user wrote.
 */
class BoundSection
{
  public:
    BoundSection(const ConfigDocument* doc, std::string keyPath, YAML::Mark sectionMark);

    const std::string& KeyPath() const { return m_keyPath; }

    /// The error for `attribute`: at its key when the section set it, else at the section (default value).
    ConfigError ErrorFor(const std::string& attribute, const std::string& message) const;

    /// Runs fn(); a ParameterError from it becomes the ConfigError at the offending key.
    template <class Fn>
    void Guard(Fn&& fn) const
    {
        try
        {
            fn();
        }
        catch (const ParameterError& e)
        {
            throw ErrorFor(e.Attribute(), e.Message());
        }
    }

    void Remember(const std::string& attribute, const std::string& keyPath, const YAML::Mark& mark,
                  ns3::Ptr<ns3::AttributeValue> value);

    /// True when this section set `attribute`.
    bool Sets(const std::string& attribute) const { return m_set.count(attribute) > 0; }

    /// Replays every value the section set, in the order written, e.g. onto an ns-3 helper.
    template <class Setter>
    void ApplyTo(Setter&& set) const
    {
        for (const auto& [attribute, value] : m_values)
        {
            set(attribute, *value);
        }
    }

  private:
    const ConfigDocument* m_doc;
    std::string m_keyPath;
    YAML::Mark m_sectionMark;
    std::map<std::string, std::pair<std::string, YAML::Mark>> m_set; ///< attribute -> (key path, mark)
    std::vector<std::pair<std::string, ns3::Ptr<ns3::AttributeValue>>> m_values;
};

/**
 * Several sections layered on one object (a link file, then the experiment's overrides): the error
 * for an attribute points at the last section that set it, or at the last section for a default.
 */
ConfigError ErrorForLayered(const std::vector<const BoundSection*>& layers, const std::string& attribute,
                            const std::string& message);

/// Runs fn(); a ParameterError from it becomes the ConfigError of ErrorForLayered.
template <class Fn>
void
GuardLayered(const std::vector<const BoundSection*>& layers, Fn&& fn)
{
    try
    {
        fn();
    }
    catch (const ParameterError& e)
    {
        throw ErrorForLayered(layers, e.Attribute(), e.Message());
    }
}

/**
 * Sets the attributes of `factory` (its TypeId already chosen) from the YAML mapping `section` at
 * `keyPath`. Keys in `reserved` belong to the caller and are skipped. Unknown keys, wrong types and
 * out-of-range values are ConfigErrors naming file, line and key.
 */
BoundSection BindAttributes(ns3::ObjectFactory& factory, const ConfigDocument& doc, const YAML::Node& section,
                            const std::string& keyPath, const std::vector<std::string>& reserved = {});

/// Every settable attribute of `object` with its current value: the resolved configuration of that section.
YAML::Node ResolvedAttributes(const ns3::ObjectBase& object);

/// Every settable attribute of the model as a key: name, default, type and range, help text (`ofab keys`).
std::vector<KeyDoc> AttributeKeys(ns3::TypeId tid);

} // namespace ofab

#endif
