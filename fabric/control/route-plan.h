#ifndef OFAB_FABRIC_ROUTE_PLAN_H
#define OFAB_FABRIC_ROUTE_PLAN_H

#include "protocols/model/forwarding-table.h"
#include "topologies/graph.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace ofab
{

class Fabric;
class UalinkRouter;

/**
 * Forwarding tables for every router of a fabric, computed for a link state but not installed.
 *
 * Tori and meshes (dimension-order mode): fault-tolerant dimension order (topo::DimensionOrderRouter
 * masked Step): in each dimension the open way round with the lower summed weight, so a ring with one
 * cut becomes a line and the routes stay deadlock-free. A destination that some node cannot reach
 * that way (two cuts in one ring) is routed by shortest paths at every node (loop-free for that
 * destination), and the plan is then no longer deadlock-free by construction.
 * Other fabrics: shortest paths with every equal-cost next hop (weighted).
 *
 * Weights make routing capacity-aware: a link that lost lines costs nominal / remaining capacity, so
 * routes leave it where an equally short alternative exists instead of treating it as cut.
 */
struct RoutePlan
{
    std::vector<ForwardingTable> tables; ///< by node id
    /// Accelerator pairs (src, dst) with no path at all in the link state: a partition.
    std::vector<std::pair<uint32_t, uint32_t>> partitioned;
    /// Destinations routed by shortest paths because dimension order could not reach them.
    std::vector<uint32_t> fallbackDestinations;
    bool deadlockFree = true; ///< guaranteed by construction (dimension order and dateline rule)
};

RoutePlan PlanRoutes(const Fabric& fabric, const topo::LinkMask& mask = {}, const topo::LinkWeights& weights = {});

/// Destinations whose entry at a router differs from the plan's (a plan without a path for one writes nothing).
std::vector<uint16_t> ChangedDestinations(const UalinkRouter& router, const ForwardingTable& planned);

/// Writes the plan's entries for `destinations` into the router; a destination the plan cannot reach
/// from it keeps its old (dead) entry.
void InstallEntries(UalinkRouter& router, const ForwardingTable& planned, const std::vector<uint16_t>& destinations);

} // namespace ofab

#endif
