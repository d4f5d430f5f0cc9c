// Shortest-path routing with equal-cost multipath: every next hop on some shortest path.
#ifndef OFAB_TOPOLOGIES_ROUTING_ECMP_H
#define OFAB_TOPOLOGIES_ROUTING_ECMP_H

#include "ofab/topologies/next-hop-table.h"

namespace ofab::topo
{

// For every node and every destination accelerator (dense index), the ports whose neighbour is
// strictly closer and on a shortest path: dist(neighbour, dst) + w(link) == dist(node, dst).
// Honours the mask (down links never appear), weights (default 1 = hops) and transit flags (a
// neighbour that may not forward only appears as the destination itself). Ports are listed in
// ascending order. One BFS/Dijkstra per destination: O(A * (N + L) log N).
NextHopTable BuildShortestPathTable(const Graph& g, const LinkMask& mask = {}, const LinkWeights& weights = {});

namespace detail
{
// dist[node * A + dstIndex] for every node and destination accelerator.
std::vector<double> DistancesToAccelerators(const Graph& g, const LinkMask& mask, const LinkWeights& weights);
// Is (the link behind) adjacency e of node n on a shortest path to the destination node?
inline bool
OnShortestPath(const Graph& g, const Adjacency& e, uint32_t dstNode, double distN, double distV, const LinkMask& mask,
               const LinkWeights& weights)
{
    if (!IsUp(mask, e.link) || !(distV < distN))
    {
        return false;
    }
    if (e.neighbour != dstNode && !g.GetNode(e.neighbour).transit)
    {
        return false;
    }
    return distV + WeightOf(weights, e.link) <= distN + 1e-9 * (distN > 1.0 ? distN : 1.0);
}
} // namespace detail

} // namespace ofab::topo

#endif
