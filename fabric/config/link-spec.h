#ifndef OFAB_FABRIC_LINK_SPEC_H
#define OFAB_FABRIC_LINK_SPEC_H

#include "fabric/config/config-document.h"

#include "photonics/model/laser-source.h"
#include "photonics/model/photonic-link.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace ofab
{

/**
 * A photonic link described in YAML: a `laser:` section (ofab::LaserSource attributes) and a
 * `link:` section (ofab::PhotonicLink attributes), plus an optional name and description.
 * Used by the link files in experiments/links/ and by the link classes of an experiment.
 */
struct LinkSpec
{
    std::string name;
    std::string description;
    ns3::Ptr<LaserSource> laser;
    ns3::Ptr<PhotonicLink> link;

    /// Every attribute of both sections with its value (defaults filled in).
    YAML::Node Resolved() const;
};

/// Builds and validates the link described at `keyPath` (empty for a whole link file).
LinkSpec BuildLinkSpec(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath);

/// Keys a link description may hold besides nothing else: name, description, laser, link.
const std::vector<std::string>& LinkSpecKeys();

} // namespace ofab

#endif
