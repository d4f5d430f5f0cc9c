#ifndef OFAB_FABRIC_REGIONAL_MESH_CONFIG_H
#define OFAB_FABRIC_REGIONAL_MESH_CONFIG_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/photonics/model/long-haul-optics.h"
#include "ofab/topologies/lightpath-routing.h"
#include "ofab/topologies/optical-mesh.h"

#include <string>
#include <vector>

namespace ofab
{

/// A lightpath demand as written, kept with its key so later checks can point at it.
struct LightpathDemand
{
    topo::LightpathRequest request; ///< one lightpath of the demand (label "A-C#k" per copy)
    std::string keyPath;            ///< "optical_mesh.lightpaths.2"
};

/// An `optical_mesh:` section, read and checked: the graph, its optics, and the lightpaths wanted.
struct OpticalMeshSpec
{
    topo::OpticalMesh mesh;
    LineSystemSpec line;
    TransceiverSpec transceiver;
    unsigned kPaths = 4;
    std::vector<LightpathDemand> lightpaths; ///< one entry per lightpath (a count of 3 gives 3)
};

/**
 * Reads `section` (at `keyPath`, "optical_mesh" in a file) and refuses, with a ConfigError at the
 * key (file:line:column, key path, what was expected): unknown keys (naming the valid ones), a
 * duplicate or missing node, a route naming an unknown node or joining a node to itself, lengths not
 * above 0, more wavelengths on a route than the C-band holds at the transceiver's slot width,
 * lightpath endpoints that are not nodes, equal endpoints, and endpoints no route joins.
 */
OpticalMeshSpec LoadOpticalMesh(const ConfigDocument& doc, const YAML::Node& section,
                                const std::string& keyPath = "optical_mesh");

/// The section as resolved (every default written out), for --resolved and traces.
YAML::Node ResolvedOpticalMesh(const OpticalMeshSpec& spec);

} // namespace ofab

#endif
