#ifndef OFAB_FABRIC_ASSEMBLY_FABRIC_H
#define OFAB_FABRIC_ASSEMBLY_FABRIC_H

#include "ofab/fabric/assembly/ocs-layer.h"
#include "ofab/fabric/assembly/route-plan.h"
#include "ofab/photonics/helper/photonic-link-helper.h"
#include "ofab/protocols/helper/ualink-helper.h"
#include "ofab/topologies/graph.h"

#include "ns3/ptr.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/// How the fabric fills its forwarding tables.
enum class RoutingMode : uint8_t
{
    Auto,           ///< dimension order on tori and meshes, shortest paths with ECMP elsewhere
    DimensionOrder, ///< tori / meshes only: deadlock-free with the dateline VC classes
    ShortestPath,   ///< every equal-cost next hop; requests spread by 256 B region
};

const char* ToString(RoutingMode m);

/// Everything needed to turn a graph into ns-3 objects.
struct FabricSpec
{
    RoutingMode routing = RoutingMode::Auto;
    /// Port, endpoint and switch attributes, and (Photonics()) the laser and link of every link class
    /// not in photonicsByClass. A link's fibre length comes from the graph, whatever the link says.
    UalinkHelper protocol;
    std::map<std::string, PhotonicLinkHelper> photonicsByClass; ///< graph link class -> its own link, if it differs
    /// A fabric of cubes joined through optical circuit switches: the layout the graph came from
    /// (its `graph` is the one built) and the switches' attributes (ofab::OpticalCircuitSwitch).
    std::shared_ptr<const topo::OcsCubes> ocs;
    ns3::ObjectFactory ocsSwitch;
};

/// One graph link as built: a port at each end and the duplex optical channel (end 0 = node a).
struct FabricLink
{
    uint32_t id = 0;
    uint32_t a = 0;
    uint32_t b = 0;
    ns3::Ptr<UalinkPort> portA;
    ns3::Ptr<UalinkPort> portB;
    ns3::Ptr<OpticalChannel> channel;
};

/**
 * A fabric built from a topology graph: accelerator endpoints (accelerator id = the graph's
 * accelerator index), switches, ports and photonic channels, all indexed the graph's way. Built
 * through UalinkHelper; it carries no traffic until routes are installed (InstallRoutes, e.g. with
 * InstallInitialRoutes of fabric/routing/route-planner.h).
 *
 * Laser sources: each node's transmitters draw from its own sources; a source with PortCount = k
 * feeds k consecutive ports of that node with links of the same class (k = 1: a source per port).
 * One source is one shared failure domain: failing it takes the lines of every link it feeds.
 */
class Fabric
{
  public:
    /// ParameterError on a graph ofab cannot build (fewer than 2 or more than 1024 accelerators,
    /// dimension-order routing without a grid) or an attribute a model refuses.
    Fabric(topo::Graph graph, const FabricSpec& spec);

    const topo::Graph& Graph() const { return m_graph; }
    RoutingMode Routing() const { return m_routing; }
    uint32_t AcceleratorCount() const { return static_cast<uint32_t>(m_endpoints.size()); }
    const std::vector<ns3::Ptr<AcceleratorEndpoint>>& Endpoints() const { return m_endpoints; }
    ns3::Ptr<UalinkRouter> Router(uint32_t node) const { return m_routers[node]; }
    const std::vector<FabricLink>& Links() const { return m_links; }
    const std::vector<ns3::Ptr<LaserSource>>& LaserSources() const { return m_sources; }
    /// The router port index behind graph port `graphPort` of `node`.
    uint16_t RouterPort(uint32_t node, uint32_t graphPort) const { return m_routerPort[node][graphPort]; }
    /// The circuit switches of a fabric built from OCS cubes; null for every other fabric.
    OcsLayer* Ocs() const { return m_ocs.get(); }
    /// Sum of the accelerator's port capacities now (bit/s): the rate it can inject at.
    double InjectionRateBps(uint32_t accelerator) const;

    /// Writes the plan's entries into every router whose table differs. Returns the plan's
    /// accelerator pairs without a path (a partition), empty when every pair is reachable. On an OCS
    /// fabric a plan for the configuration in force with no partition makes its slice ready.
    std::vector<std::pair<uint32_t, uint32_t>> InstallRoutes(const RoutePlan& plan);
    /// Whoever writes a whole plan into the routers itself (the reroute controller) says so here.
    void NoteInstalled(const RoutePlan& plan);

    /// Fixed random streams for every channel (ns-3 convention); returns how many were used.
    int64_t AssignStreams(int64_t stream);

  private:
    void Build(const FabricSpec& spec);

    topo::Graph m_graph;
    RoutingMode m_routing;
    std::vector<ns3::Ptr<UalinkRouter>> m_routers;          ///< by node id
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_endpoints; ///< by accelerator index
    std::vector<std::vector<uint16_t>> m_routerPort;        ///< [node][graph port] -> router port
    std::vector<FabricLink> m_links;                        ///< by graph link id
    std::vector<ns3::Ptr<LaserSource>> m_sources;
    UalinkHelper m_builder; ///< what built the ports and wired them (it assigns the channels' streams)
    std::unique_ptr<OcsLayer> m_ocs;
};

} // namespace ofab

#endif
