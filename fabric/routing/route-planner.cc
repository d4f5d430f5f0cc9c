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

/**
 * The graph routes are computed on, and where its nodes and links are in the fabric: the fabric's
 * own graph, or the torus of an OCS fabric's slice (whose nodes and links are some of the fabric's).
 */
struct RoutingView
{
    const topo::Graph& graph;
    const std::vector<uint32_t>* node = nullptr; ///< view node -> fabric node (null: the same)
    const std::vector<uint32_t>* link = nullptr; ///< view link -> fabric link (null: the same)

    uint32_t Node(uint32_t v) const { return node ? (*node)[v] : v; }
    uint32_t Link(uint32_t v) const { return link ? (*link)[v] : v; }
    /// The fabric accelerator id of view accelerator `index`.
    uint32_t Accelerator(const Fabric& f, uint32_t index) const
    {
        return static_cast<uint32_t>(f.Graph().AcceleratorIndex(Node(graph.AcceleratorNode(index))));
    }
    /// The fabric router port of view link `viewLink` at view node `viewNode`.
    uint16_t RouterPort(const Fabric& f, uint32_t viewNode, uint32_t viewLink) const
    {
        const uint32_t n = Node(viewNode);
        return f.RouterPort(n, f.Graph().PortAt(Link(viewLink), n));
    }
};

/// Shortest-path choices of `node` toward view accelerator `dst`; grid wrap links keep the dateline
/// flag so the VC classes still break the rings where they can.
void
SetShortestPathEntry(const Fabric& f, const RoutingView& v, const topo::NextHopTable& sp, uint32_t node, uint32_t dst,
                     ForwardingTable& table)
{
    uint32_t count = 0;
    const uint32_t* ports = sp.NextHops(node, dst, &count);
    std::vector<ForwardingChoice> choices;
    for (uint32_t i = 0; i < count && i < ForwardingTable::kMaxChoices; ++i)
    {
        const uint32_t link = v.graph.GetNeighbours(node)[ports[i]].link;
        choices.push_back(ForwardingChoice{v.RouterPort(f, node, link), v.graph.GetLink(link).wrap});
    }
    table.SetEntry(static_cast<uint16_t>(v.Accelerator(f, dst)), choices);
}

void
PlanDimensionOrder(const Fabric& f, const RoutingView& v, const topo::LinkMask& mask, const topo::LinkWeights& weights,
                   const std::vector<uint8_t>& partitionedDst, RoutePlan& plan)
{
    const topo::Graph& g = v.graph;
    const topo::DimensionOrderRouter dor(g);
    const auto accelerators = static_cast<uint32_t>(g.NumAccelerators());
    std::vector<uint8_t> fallback(accelerators, 0);
    for (uint32_t src = 0; src < accelerators; ++src)
    {
        const uint32_t node = g.AcceleratorNode(src);
        ForwardingTable& table = plan.tables[v.Node(node)];
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
                choices.push_back(ForwardingChoice{v.RouterPort(f, node, step.link), step.crossesDateline});
            }
            table.SetEntry(static_cast<uint16_t>(v.Accelerator(f, dst)), choices);
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
        plan.fallbackDestinations.push_back(v.Accelerator(f, dst));
        plan.deadlockFree = false;
        for (uint32_t src = 0; src < accelerators; ++src)
        {
            if (src != dst)
            {
                SetShortestPathEntry(f, v, *sp, g.AcceleratorNode(src), dst,
                                     plan.tables[v.Node(g.AcceleratorNode(src))]);
            }
        }
    }
}

/// The view's accelerator pairs without a path, as fabric ids; and per view destination 2 when
/// nobody reaches it (no fallback can help), 1 when some sources do not.
std::vector<uint8_t>
FindPartitions(const Fabric& f, const RoutingView& v, const topo::LinkMask& mask, RoutePlan& plan)
{
    const auto accelerators = static_cast<uint32_t>(v.graph.NumAccelerators());
    std::vector<uint32_t> unreachedBy(accelerators, 0);
    for (const auto& [src, dst] : topo::AffectedPairs(v.graph, mask))
    {
        ++unreachedBy[dst];
        plan.partitioned.emplace_back(v.Accelerator(f, src), v.Accelerator(f, dst));
    }
    std::vector<uint8_t> partitionedDst(accelerators, 0);
    for (uint32_t d = 0; d < accelerators; ++d)
    {
        partitionedDst[d] = unreachedBy[d] == 0 ? 0 : (unreachedBy[d] + 1 == accelerators ? 2 : 1);
    }
    return partitionedDst;
}

/// Routes of an OCS fabric: its slice's torus in dimension order, with the fabric's link state
/// carried over to the torus links; accelerators outside the slice get no routes.
void
PlanSlice(const Fabric& f, const topo::LinkMask& mask, const topo::LinkWeights& weights, RoutePlan& plan)
{
    const OcsLayer& ocs = *f.Ocs();
    const topo::SliceView& slice = ocs.View();
    const RoutingView v{slice.torus, &slice.node, &slice.link};
    topo::LinkMask sliceMask(slice.link.size(), true);
    topo::LinkWeights sliceWeights;
    for (std::size_t i = 0; i < slice.link.size(); ++i)
    {
        sliceMask[i] = topo::IsUp(mask, slice.link[i]) && ocs.SliceMask()[slice.link[i]];
    }
    if (!weights.empty())
    {
        sliceWeights.resize(slice.link.size());
        for (std::size_t i = 0; i < slice.link.size(); ++i)
        {
            sliceWeights[i] = weights[slice.link[i]];
        }
    }
    plan.ocsConfiguration = static_cast<int64_t>(ocs.Current());
    PlanDimensionOrder(f, v, sliceMask, sliceWeights, FindPartitions(f, v, sliceMask, plan), plan);
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
    if (f.Ocs())
    {
        PlanSlice(f, mask, weights, plan);
        return plan;
    }
    const RoutingView v{g};
    const std::vector<uint8_t> partitionedDst = FindPartitions(f, v, mask, plan);
    if (f.Routing() == RoutingMode::DimensionOrder)
    {
        PlanDimensionOrder(f, v, mask, weights, partitionedDst, plan);
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
                SetShortestPathEntry(f, v, sp, n.id, dst, plan.tables[n.id]);
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
