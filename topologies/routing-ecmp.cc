#include "ofab/topologies/routing-ecmp.h"

namespace ofab::topo
{
namespace detail
{

std::vector<double>
DistancesToAccelerators(const Graph& g, const LinkMask& mask, const LinkWeights& weights)
{
    const std::size_t V = g.NumNodes(), A = g.NumAccelerators();
    std::vector<double> dist(V * A);
    std::vector<double> column;
    // Undirected links: the distance from dst to n equals the one from n to dst, and the transit
    // rule (only interior nodes must forward) is symmetric too.
    for (std::size_t d = 0; d < A; ++d)
    {
        DijkstraInto(g, g.AcceleratorNode(static_cast<uint32_t>(d)), mask, weights, column);
        for (std::size_t n = 0; n < V; ++n)
        {
            dist[n * A + d] = column[n];
        }
    }
    return dist;
}

} // namespace detail

NextHopTable
BuildShortestPathTable(const Graph& g, const LinkMask& mask, const LinkWeights& weights)
{
    ValidateLinkState(g, mask, weights);
    const auto V = static_cast<uint32_t>(g.NumNodes());
    const auto A = static_cast<uint32_t>(g.NumAccelerators());
    detail::CheckTableSize("shortest-path table", V, A);
    g.Finalize();
    std::vector<double> dist = detail::DistancesToAccelerators(g, mask, weights);

    detail::TableWriter table(V, A);
    for (uint32_t n = 0; n < V; ++n)
    {
        const Span<Adjacency> adj = g.GetNeighbours(n);
        const double* rowN = dist.data() + static_cast<std::size_t>(n) * A;
        for (uint32_t d = 0; d < A; ++d)
        {
            const double dn = rowN[d];
            if (dn != 0.0 && dn != kUnreachable)
            {
                const uint32_t dstNode = g.AcceleratorNode(d);
                for (const Adjacency& e : adj)
                {
                    const double dv = dist[static_cast<std::size_t>(e.neighbour) * A + d];
                    if (detail::OnShortestPath(g, e, dstNode, dn, dv, mask, weights))
                    {
                        table.Add(e.port);
                    }
                }
            }
            table.EndEntry();
        }
    }
    return table.Finish(dist);
}

} // namespace ofab::topo
