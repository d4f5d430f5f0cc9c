// Single-source shortest paths that honour the link mask, link weights and transit rules: a path
// may start or end at any node but pass only through nodes with transit = true (switches, and the
// accelerators of direct topologies). Everything else in the module builds on these.
#ifndef OFAB_TOPOLOGIES_SHORTEST_PATHS_H
#define OFAB_TOPOLOGIES_SHORTEST_PATHS_H

#include <cstdint>
#include <limits>
#include <vector>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

inline constexpr uint32_t kUnreachableHops = std::numeric_limits<uint32_t>::max();
inline constexpr double kUnreachable = std::numeric_limits<double>::infinity();

// A path as the fabric walks it: nodes[0] = source, links[i] leaves nodes[i] on local port
// ports[i] and arrives at nodes[i+1].
struct Path
{
    std::vector<uint32_t> nodes;
    std::vector<uint32_t> links;
    std::vector<uint32_t> ports;
    double cost = 0.0; // sum of link weights (= hops with unit weights)
    std::size_t hops() const { return links.size(); }
};

// Hop counts from src (BFS); kUnreachableHops where no path exists.
std::vector<uint32_t> HopDistances(const Graph& g, uint32_t src, const LinkMask& mask = {});
// Weighted distances from src (Dijkstra; BFS when weights is empty); kUnreachable where none.
std::vector<double> Distances(const Graph& g, uint32_t src, const LinkMask& mask = {}, const LinkWeights& weights = {});
// One shortest path (lowest cost, ties to lower port numbers); empty nodes if dst is unreachable.
Path ShortestPath(const Graph& g, uint32_t src, uint32_t dst, const LinkMask& mask = {},
                  const LinkWeights& weights = {});

namespace detail
{
// Unchecked kernels (mask/weights already validated); `out` is resized to the node count.
void BfsInto(const Graph& g, uint32_t src, const LinkMask& mask, std::vector<uint32_t>& out);
void DijkstraInto(const Graph& g, uint32_t src, const LinkMask& mask, const LinkWeights& weights,
                  std::vector<double>& out);
} // namespace detail

} // namespace ofab::topo

#endif
