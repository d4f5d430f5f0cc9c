#include "ofab/fabric/routing/route-planner.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/topologies/connectivity.h"
#include "ofab/topologies/routing-dor.h"
#include "ofab/topologies/routing-ecmp.h"

#include <algorithm>
#include <memory>

namespace ofab
{

namespace
{

/// Shortest-path choices of `node` toward accelerator `dst`; grid wrap links keep the dateline flag
/// so the VC classes still break the rings where they can.
void
SetShortestPathEntry(const Fabric& f, const topo::NextHopTable& sp, uint32_t node, uint32_t dst, ForwardingTable& table)
{
    uint32_t count = 0;
    const uint32_t* ports = sp.NextHops(node, dst, &count);
    std::vector<ForwardingChoice> choices;
    for (uint32_t i = 0; i < count && i < ForwardingTable::kMaxChoices; ++i)
    {
        const uint32_t link = f.Graph().GetNeighbours(node)[ports[i]].link;
        choices.push_back(ForwardingChoice{f.RouterPort(node, ports[i]), f.Graph().GetLink(link).wrap});
    }
    table.SetEntry(static_cast<uint16_t>(dst), choices);
}

void
PlanDimensionOrder(const Fabric& f, const topo::LinkMask& mask, const topo::LinkWeights& weights,
                   const std::vector<uint8_t>& partitionedDst, RoutePlan& plan)
{
    const topo::Graph& g = f.Graph();
    const topo::DimensionOrderRouter dor(g);
    const uint32_t accelerators = f.AcceleratorCount();
    std::vector<uint8_t> fallback(accelerators, 0);
    for (uint32_t src = 0; src < accelerators; ++src)
    {
        const uint32_t node = g.AcceleratorNode(src);
        for (uint32_t dst = 0; dst < accelerators; ++dst)
        {
            if (dst == src)
            {
                continue;
            }
            // Both ways round on a tie: the routers spread requests over them by 256 B region
            // (one region, one way: ordering holds) and responses by tag.
            const std::vector<topo::DorStep> steps = dor.Steps(node, g.AcceleratorNode(dst), mask, weights);
            if (steps.front().blocked)
            {
                fallback[dst] = 1;
                continue;
            }
            std::vector<ForwardingChoice> choices;
            for (const topo::DorStep& step : steps)
            {
                choices.push_back(ForwardingChoice{f.RouterPort(node, step.port), step.crossesDateline});
            }
            plan.tables[node].SetEntry(static_cast<uint16_t>(dst), choices);
        }
    }
    // A destination some node cannot reach in dimension order goes by shortest paths everywhere:
    // mixing the two for one destination could loop.
    std::unique_ptr<topo::NextHopTable> sp;
    for (uint32_t dst = 0; dst < accelerators; ++dst)
    {
        if (!fallback[dst] || partitionedDst[dst] == 2)
        {
            continue;
        }
        if (!sp)
        {
            sp = std::make_unique<topo::NextHopTable>(topo::BuildShortestPathTable(g, mask, weights));
        }
        plan.fallbackDestinations.push_back(dst);
        plan.deadlockFree = false;
        for (uint32_t src = 0; src < accelerators; ++src)
        {
            if (src != dst)
            {
                SetShortestPathEntry(f, *sp, g.AcceleratorNode(src), dst, plan.tables[g.AcceleratorNode(src)]);
            }
        }
    }
}

} // namespace

RoutePlan
PlanRoutes(const Fabric& f, const topo::LinkMask& mask, const topo::LinkWeights& weights)
{
    const topo::Graph& g = f.Graph();
    const uint32_t accelerators = f.AcceleratorCount();
    RoutePlan plan;
    plan.tables.resize(g.NumNodes());
    for (auto& t : plan.tables)
    {
        t.Resize(accelerators);
    }
    plan.partitioned = topo::AffectedPairs(g, mask);
    // 2: nobody reaches this destination (no fallback can help); 1: some sources do not.
    std::vector<uint8_t> partitionedDst(accelerators, 0);
    {
        std::vector<uint32_t> unreachedBy(accelerators, 0);
        for (const auto& [src, dst] : plan.partitioned)
        {
            ++unreachedBy[dst];
        }
        for (uint32_t d = 0; d < accelerators; ++d)
        {
            partitionedDst[d] = unreachedBy[d] == 0 ? 0 : (unreachedBy[d] + 1 == accelerators ? 2 : 1);
        }
    }
    if (f.Routing() == RoutingMode::DimensionOrder)
    {
        PlanDimensionOrder(f, mask, weights, partitionedDst, plan);
        return plan;
    }
    const topo::NextHopTable sp = topo::BuildShortestPathTable(g, mask, weights);
    for (const topo::Node& n : g.GetNodes())
    {
        const int32_t self = g.AcceleratorIndex(n.id);
        for (uint32_t dst = 0; dst < accelerators; ++dst)
        {
            if (self < 0 || static_cast<uint32_t>(self) != dst)
            {
                SetShortestPathEntry(f, sp, n.id, dst, plan.tables[n.id]);
            }
        }
    }
    return plan;
}

void
InstallInitialRoutes(Fabric& fabric)
{
    const std::vector<std::pair<uint32_t, uint32_t>> partitioned = fabric.InstallRoutes(PlanRoutes(fabric));
    if (!partitioned.empty())
    {
        throw ParameterError("Topology", "the topology is disconnected: accelerator " +
                                             std::to_string(partitioned.front().first) + " cannot reach " +
                                             std::to_string(partitioned.front().second));
    }
}

} // namespace ofab
