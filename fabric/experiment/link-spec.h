#ifndef OFAB_FABRIC_EXPERIMENT_LINK_SPEC_H
#define OFAB_FABRIC_EXPERIMENT_LINK_SPEC_H

#include "ofab/fabric/config/attribute-binder.h"
#include "ofab/fabric/config/config-document.h"

#include "ofab/photonics/helper/photonic-link-helper.h"
#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/photonic-link.h"

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/**
 * A photonic link described in YAML: a `laser:` section (ofab::LaserSource attributes) and a
 * `link:` section (ofab::PhotonicLink attributes), plus an optional name and description.
 * Used by the link files in experiments/links/ and by an experiment's `links:` section, which may
 * name a link file and override some of its keys (the layers apply in order, the last one wins).
 */
/// One YAML place that sets laser / link attributes (a link file, or a `links:` section).
struct LinkLayer
{
    const ConfigDocument* doc;
    YAML::Node node;
    std::string keyPath;
};

struct LinkSpec
{
    std::string name;
    std::string description;
    ns3::Ptr<LaserSource> laser; ///< built and validated: one example of what the fabric will build
    ns3::Ptr<PhotonicLink> link;
    std::vector<std::shared_ptr<const ConfigDocument>> files; ///< link files the layers came from
    std::vector<LinkLayer> layers;                            ///< in the order applied
    std::vector<BoundSection> laserLayers;
    std::vector<BoundSection> linkLayers;

    /// Every attribute of both sections with its value (defaults filled in).
    YAML::Node Resolved() const;
    /// Sets every configured laser and link attribute on a helper that builds the fabric's links.
    void ApplyTo(PhotonicLinkHelper& helper) const;
};

/// A link file (its whole document describes one link).
LinkSpec BuildLinkSpec(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath);

/**
 * An experiment's `links:` section (or one of its `classes:`): optional `file` (a link file,
 * relative to `baseDir`) and optional `laser:` / `link:` sections layered on top of it, all on top
 * of `base` when given (a class starts from the experiment's default link).
 */
LinkSpec BuildExperimentLinks(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath,
                              const std::string& baseDir, const LinkSpec* base = nullptr,
                              const std::vector<std::string>& extraKeys = {});

/// The keys of a link file: name, description, laser, link.
const std::vector<std::string>& LinkSpecKeys();

} // namespace ofab

#endif
