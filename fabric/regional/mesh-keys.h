#ifndef OFAB_FABRIC_REGIONAL_MESH_KEYS_H
#define OFAB_FABRIC_REGIONAL_MESH_KEYS_H

// The keys of an `optical_mesh:` section, their one description: `ofab keys optical_mesh...` prints
// them, docs/keys.md holds them, and the loader (mesh-config.h) takes its lists of valid keys from
// here, so a key cannot be accepted without being documented.

#include "ofab/fabric/config/key-doc.h"

#include <string>
#include <vector>

namespace ofab
{

/// optical_mesh, then its sub-sections (optical_mesh.routes, .fibre, .amplifiers, .roadm,
/// .transceiver, .lightpaths).
const std::vector<SectionDoc>& OpticalMeshSections();
/// The key names of one of them, in table order; std::out_of_range for an unknown name.
std::vector<std::string> OpticalMeshKeys(const std::string& section);

} // namespace ofab

#endif
