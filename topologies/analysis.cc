#include "ofab/topologies/analysis.h"

#include "ofab/topologies/shortest-paths.h"

namespace ofab::topo
{

GraphCounts
Count(const Graph& g)
{
    GraphCounts c;
    c.nodes = g.NumNodes();
    c.accelerators = g.NumAccelerators();
    c.switches = g.NumSwitches();
    c.links = g.NumLinks();
    for (const Link& l : g.GetLinks())
    {
        ++c.linksByClass[l.linkClass];
    }
    return c;
}

HopStats
HopStatsBetween(const Graph& g, const std::vector<uint32_t>& endpoints, const LinkMask& mask)
{
    ValidateLinkState(g, mask, {});
    std::vector<bool> isEndpoint(g.NumNodes(), false);
    for (uint32_t e : endpoints)
    {
        if (e >= g.NumNodes())
        {
            throw TopologyError("hop stats: endpoint " + std::to_string(e) + " is not a node (graph has " +
                                std::to_string(g.NumNodes()) + ")");
        }
        isEndpoint[e] = true;
    }
    HopStats s;
    long double sum = 0;
    std::vector<uint32_t> dist;
    for (uint32_t src : endpoints)
    {
        detail::BfsInto(g, src, mask, dist);
        for (uint32_t dst : endpoints)
        {
            if (dst == src)
            {
                continue;
            }
            if (dist[dst] == kUnreachableHops)
            {
                ++s.unreachablePairs;
                continue;
            }
            ++s.reachablePairs;
            sum += dist[dst];
            if (dist[dst] > s.diameter)
            {
                s.diameter = dist[dst];
            }
        }
    }
    s.averageHops = s.reachablePairs ? static_cast<double>(sum / s.reachablePairs) : 0.0;
    return s;
}

HopStats
AcceleratorHopStats(const Graph& g, const LinkMask& mask)
{
    return HopStatsBetween(g, g.GetAccelerators(), mask);
}

} // namespace ofab::topo
