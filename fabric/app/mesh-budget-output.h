#ifndef OFAB_FABRIC_APP_MESH_BUDGET_OUTPUT_H
#define OFAB_FABRIC_APP_MESH_BUDGET_OUTPUT_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/regional/mesh-planner.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>

namespace ofab
{

/// `ofab link-budget` on a file with an `optical_mesh:` section: one row per lightpath (path, km,
/// spans, wavelength, OSNR, SNR, BER, margin, closes, one-way latency), its protection below it,
/// then the shared-risk groups.
void PrintMeshBudget(const MeshPlanner& planner, const std::string& title, std::ostream& out);

/// The same as JSON.
nlohmann::ordered_json MeshBudgetJson(const MeshPlanner& planner, const std::string& file, const std::string& name);

} // namespace ofab

#endif
