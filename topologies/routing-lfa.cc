#include "ofab/topologies/routing-lfa.h"

#include <string>

#include "ofab/topologies/routing-ecmp.h"

namespace ofab::topo
{
namespace
{

// The condition with a small tolerance so that equality (a path back through S) never passes.
bool
LoopFree(double distND, double distNS, double distSD)
{
    if (distND == kUnreachable || distNS == kUnreachable)
    {
        return false;
    }
    const double scale = distNS + distSD;
    return distND < scale - 1e-9 * (scale > 1.0 ? scale : 1.0);
}

// Alternates of node s toward destination node dNode, given per-node distances to dNode
// (distToD(v)) and distances from s to each of its neighbours (distToNeighbour(entry index)).
template <class DistToD, class DistNS, class Emit>
void
Alternates(const Graph& g, uint32_t s, uint32_t dNode, const LinkMask& mask, const LinkWeights& weights,
           DistToD distToD, DistNS distNS, Emit emit)
{
    const double dS = distToD(s);
    if (dS == 0.0 || dS == kUnreachable)
    {
        return;
    }
    const Span<Adjacency> adj = g.GetNeighbours(s);
    for (std::size_t i = 0; i < adj.size(); ++i)
    {
        const Adjacency& e = adj[i];
        if (!IsUp(mask, e.link))
        {
            continue;
        }
        if (e.neighbour != dNode && !g.GetNode(e.neighbour).transit)
        {
            continue;
        }
        const double dN = distToD(e.neighbour);
        if (detail::OnShortestPath(g, e, dNode, dS, dN, mask, weights))
        {
            continue; // primary
        }
        if (LoopFree(dN, distNS(i), dS))
        {
            emit(e.port);
        }
    }
}

} // namespace

std::vector<uint32_t>
LoopFreeAlternates(const Graph& g, uint32_t node, uint32_t dstIndex, const LinkMask& mask, const LinkWeights& weights)
{
    ValidateLinkState(g, mask, weights);
    if (node >= g.NumNodes() || dstIndex >= g.NumAccelerators())
    {
        throw TopologyError("loop-free alternates: node " + std::to_string(node) + " / dst " +
                            std::to_string(dstIndex) + " out of range (" + std::to_string(g.NumNodes()) + " nodes, " +
                            std::to_string(g.NumAccelerators()) + " accelerators)");
    }
    const uint32_t dNode = g.AcceleratorNode(dstIndex);
    std::vector<double> toD, fromS;
    detail::DijkstraInto(g, dNode, mask, weights, toD);
    detail::DijkstraInto(g, node, mask, weights, fromS);
    const Span<Adjacency> adj = g.GetNeighbours(node);
    std::vector<uint32_t> out;
    Alternates(
        g, node, dNode, mask, weights, [&](uint32_t v) { return toD[v]; },
        [&](std::size_t i) { return fromS[adj[i].neighbour]; }, [&](uint32_t p) { out.push_back(p); });
    return out;
}

NextHopTable
BuildLoopFreeAlternateTable(const Graph& g, const LinkMask& mask, const LinkWeights& weights)
{
    ValidateLinkState(g, mask, weights);
    const auto V = static_cast<uint32_t>(g.NumNodes());
    const auto A = static_cast<uint32_t>(g.NumAccelerators());
    detail::CheckTableSize("loop-free alternate table", V, A);
    g.Finalize();
    std::vector<double> dist = detail::DistancesToAccelerators(g, mask, weights);

    detail::TableWriter table(V, A);
    std::vector<double> fromS, neighbourDist;
    for (uint32_t s = 0; s < V; ++s)
    {
        const Span<Adjacency> adj = g.GetNeighbours(s);
        // dist(S, N) for each neighbour: with unit weights an up link makes it exactly 1 hop.
        neighbourDist.assign(adj.size(), 1.0);
        if (!weights.empty())
        {
            detail::DijkstraInto(g, s, mask, weights, fromS);
            for (std::size_t i = 0; i < adj.size(); ++i)
            {
                neighbourDist[i] = fromS[adj[i].neighbour];
            }
        }
        for (uint32_t d = 0; d < A; ++d)
        {
            Alternates(
                g, s, g.AcceleratorNode(d), mask, weights,
                [&](uint32_t v) { return dist[static_cast<std::size_t>(v) * A + d]; },
                [&](std::size_t i) { return neighbourDist[i]; }, [&](uint32_t p) { table.Add(p); });
            table.EndEntry();
        }
    }
    return table.Finish(dist);
}

} // namespace ofab::topo
