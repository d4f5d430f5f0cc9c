#ifndef OFAB_FABRIC_REGIONAL_WAN_CONFIG_H
#define OFAB_FABRIC_REGIONAL_WAN_CONFIG_H

// The `wide_area:` section: WideAreaNetwork's attributes as YAML keys (the attribute names in
// snake_case: `packet_reroute_time: 50ms`, `gateway_buffer_bytes: 16MiB`), bound by the project's
// attribute binder, so a new attribute is a new key and `ofab keys wide_area` lists them all.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/config/key-doc.h"

#include "ns3/object-factory.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace ofab
{

/**
 * A factory of ofab::WideAreaNetwork with the attributes `section` (at `keyPath`, "wide_area" in a
 * file) sets; an absent or null section leaves every default. ConfigError at file:line:key for an
 * unknown key (naming the valid ones), a value of the wrong type or unit, one out of range, and
 * attributes that contradict each other (WideAreaNetwork::Validate).
 */
ns3::ObjectFactory LoadWideArea(const ConfigDocument& doc, const YAML::Node& section,
                                const std::string& keyPath = "wide_area");

/// Every key of the section with the value the factory gives it (defaults written out), for
/// --resolved and traces; LoadWideArea reads it back to the same attributes.
YAML::Node ResolvedWideArea(const ns3::ObjectFactory& factory);

/// The keys of the section, for `ofab keys wide_area` and docs/keys.md.
SectionDoc WideAreaKeys();

} // namespace ofab

#endif
