#ifndef OFAB_FABRIC_REGIONAL_MESH_PLANNER_H
#define OFAB_FABRIC_REGIONAL_MESH_PLANNER_H

// Where the optics meet the graph: the topologies' routing and wavelength assignment with the
// photonics' OSNR budget as its feasibility check (a path is used only if a lightpath over it
// closes). The next layer (sites, gateways, transport) reads lightpaths, their capacity and their
// one-way latency from here, and drives failures and restoration through Plan().

#include "ofab/fabric/regional/mesh-config.h"
#include "ofab/photonics/model/long-haul-optics.h"
#include "ofab/topologies/lightpath-routing.h"

#include <optional>
#include <string>
#include <vector>

namespace ofab
{

/// One channel of a lightpath as a table shows it.
struct ChannelReport
{
    std::string path; ///< "A-B-C"
    std::optional<uint32_t> wavelength;
    LightpathBudget budget;
};

/// One lightpath: its working channel (or, when down, the path it last had or was refused on) and
/// its protection channel when it has one.
struct LightpathReport
{
    uint32_t id = 0;
    std::string label;
    bool up = false;
    std::string state; ///< "up", or why it is down
    ChannelReport working;
    std::optional<ChannelReport> protection;
    std::string protectionState; ///< "" when none was asked for; "standby", or why it is missing
};

class MeshPlanner
{
  public:
    /// Provisions every lightpath of the spec, in order.
    explicit MeshPlanner(OpticalMeshSpec spec);
    MeshPlanner(const MeshPlanner&) = delete; // the plan and its predicate refer to this object
    MeshPlanner& operator=(const MeshPlanner&) = delete;

    const OpticalMeshSpec& Spec() const { return m_spec; }
    const topo::OpticalMesh& Mesh() const { return m_spec.mesh; }
    /// The lightpaths, failures and restoration (LightpathPlan's API, with the OSNR check plugged in).
    topo::LightpathPlan& Plan() { return m_plan; }
    const topo::LightpathPlan& Plan() const { return m_plan; }

    /// The optical budget of a lightpath over a path of this mesh.
    LightpathBudget Budget(const topo::MeshPath& path) const;
    /// Whether a lightpath over the path closes (BER at or below the threshold).
    bool Closes(const topo::MeshPath& path) const { return Budget(path).closes; }
    /// One-way fibre latency of a lightpath, ms (what a gateway's transport sees as half its RTT).
    double LatencyMs(uint32_t lightpath) const;
    /// Payload rate of a lightpath that is up, else 0.
    double CapacityGbps(uint32_t lightpath) const;

    /// Every lightpath, by id.
    std::vector<LightpathReport> Report() const;

  private:
    ChannelReport ChannelOf(const topo::MeshPath& path, std::optional<uint32_t> wavelength) const;

    OpticalMeshSpec m_spec;
    topo::LightpathPlan m_plan;
};

} // namespace ofab

#endif
