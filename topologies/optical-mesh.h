// The wide-area optical mesh between sites: ROADM nodes joined by amplified fibre routes, each route
// with its own wavelength count and the duct it is laid in (routes in one duct share its risk: a
// backhoe cuts them together). Pure graph, no optics: what a route does to the light belongs to
// photonics/model/long-haul-optics.h, and the two meet in fabric/regional.
#ifndef OFAB_TOPOLOGIES_OPTICAL_MESH_H
#define OFAB_TOPOLOGIES_OPTICAL_MESH_H

#include "ofab/topologies/graph.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ofab::topo
{

/// A fibre route between two ROADMs (a fibre pair, one direction each way, same wavelengths).
struct MeshRoute
{
    uint32_t id = 0;
    uint32_t a = 0;
    uint32_t b = 0;
    double lengthKm = 0;
    uint32_t wavelengths = 0; ///< channels the route's fibre carries (indices 0 .. wavelengths-1)
    std::string duct;         ///< shared-risk name; a route given none is alone in duct "route:<id>"
};

/// A loopless path over the mesh: nodes[0] .. nodes[n] joined by routes[0] .. routes[n-1].
struct MeshPath
{
    std::vector<uint32_t> nodes;
    std::vector<uint32_t> routes;
    double lengthKm = 0;

    bool Empty() const { return routes.empty(); }
    bool operator==(const MeshPath& o) const { return nodes == o.nodes && routes == o.routes; }
};

class OpticalMesh
{
  public:
    /// A ROADM (at a site or a junction). TopologyError on an empty, duplicate or whitespace name.
    uint32_t AddNode(const std::string& name);
    /// A fibre route. TopologyError on an unknown node, a route from a node to itself, a length that
    /// is not above 0 km (or not finite), or no wavelength.
    uint32_t AddRoute(uint32_t a, uint32_t b, double lengthKm, uint32_t wavelengths, std::string duct = "");

    std::size_t NumNodes() const { return m_graph.NumNodes(); }
    std::size_t NumRoutes() const { return m_routes.size(); }
    const std::string& NodeName(uint32_t node) const { return m_graph.GetNode(node).name; }
    std::optional<uint32_t> FindNode(const std::string& name) const { return m_graph.FindNode(name); }
    const MeshRoute& GetRoute(uint32_t route) const { return m_routes.at(route); }
    const std::vector<MeshRoute>& GetRoutes() const { return m_routes; }
    /// Every duct name, sorted.
    std::vector<std::string> Ducts() const;
    /// The routes laid in `duct` (empty for an unknown name).
    std::vector<uint32_t> RoutesInDuct(const std::string& duct) const;
    /// Routes that end at `node`.
    std::vector<uint32_t> RoutesAt(uint32_t node) const;
    /// "A-B-C" for messages and tables.
    std::string Describe(const MeshPath& path) const;

    /// The mesh as a plain graph: node i is ROADM i (a transit switch), link i is route i with
    /// lengthM = 1000 x lengthKm, so every algorithm of this module applies.
    const Graph& GetGraph() const { return m_graph; }

  private:
    Graph m_graph;
    std::vector<MeshRoute> m_routes;
};

/**
 * Up to k loopless paths from a to b, shortest (in km) first: Yen's algorithm over Dijkstra. Only
 * routes with routeUp[r] (empty: all) and nodes with nodeUp[n] (empty: all) are used; a path never
 * starts or ends at a node that is down. Paths of equal length come in the order Dijkstra's
 * tie-break (lower port numbers) and Yen's candidate list (lower route ids) give: the same on every run. TopologyError for unknown nodes, a == b, k == 0
 * or masks of the wrong size.
 */
std::vector<MeshPath> KShortestMeshPaths(const OpticalMesh& mesh, uint32_t a, uint32_t b, unsigned k,
                                         const std::vector<bool>& routeUp = {}, const std::vector<bool>& nodeUp = {});

} // namespace ofab::topo

#endif
