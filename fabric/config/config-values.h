#ifndef OFAB_FABRIC_CONFIG_CONFIG_VALUES_H
#define OFAB_FABRIC_CONFIG_CONFIG_VALUES_H

#include "ofab/fabric/config/config-document.h"

#include "ns3/nstime.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/**
 * Typed reads of the keys that are not model attributes (seed, duration, topology shape, ...).
 * Each returns `fallback` when the key is absent and throws a ConfigError at the key's line when
 * the value does not fit.
 */
class SectionReader
{
  public:
    SectionReader(const ConfigDocument& doc, const YAML::Node& section, std::string keyPath);

    bool Has(const std::string& key) const;
    const YAML::Node& Node() const { return m_section; }
    const std::string& KeyPath() const { return m_keyPath; }

    uint64_t Unsigned(const std::string& key, uint64_t fallback, uint64_t min = 0, uint64_t max = UINT64_MAX) const;
    double Number(const std::string& key, double fallback, double min, double max) const;
    ns3::Time Duration(const std::string& key, ns3::Time fallback, ns3::Time min) const;
    std::string Text(const std::string& key, const std::string& fallback) const;
    std::string Choice(const std::string& key, const std::string& fallback,
                       const std::vector<std::string>& choices) const;
    /// A list of whole numbers, e.g. torus dims [4, 4].
    std::vector<int> IntList(const std::string& key, int min, int max) const;

    /// A required key that is missing.
    ConfigError Missing(const std::string& key, const std::string& what) const;
    ConfigError ErrorAt(const std::string& key, const std::string& message) const;

  private:
    const YAML::Node& Scalar(const std::string& key, const std::string& expected) const;

    const ConfigDocument& m_doc;
    YAML::Node m_section;
    std::string m_keyPath;
    mutable YAML::Node m_scratch;
};

} // namespace ofab

#endif
