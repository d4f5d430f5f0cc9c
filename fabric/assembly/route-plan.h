#ifndef OFAB_FABRIC_ASSEMBLY_ROUTE_PLAN_H
#define OFAB_FABRIC_ASSEMBLY_ROUTE_PLAN_H

#include "ofab/protocols/model/forwarding-table.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace ofab
{

class UalinkRouter;

/**
 * Forwarding tables for every router of a fabric, computed for a link state but not installed:
 * what a route planner (PlanRoutes in fabric/routing/route-planner.h, or an external controller)
 * hands the fabric, and what Fabric::InstallRoutes writes into the routers.
 */
struct RoutePlan
{
    std::vector<ForwardingTable> tables; ///< by node id
    /// Accelerator pairs (src, dst) with no path at all in the link state: a partition.
    std::vector<std::pair<uint32_t, uint32_t>> partitioned;
    /// Destinations routed by shortest paths because dimension order could not reach them.
    std::vector<uint32_t> fallbackDestinations;
    bool deadlockFree = true; ///< guaranteed by construction (dimension order and dateline rule)
    /// On an OCS fabric: the configuration whose slice the plan routes (-1 elsewhere).
    int64_t ocsConfiguration = -1;
};

/// Destinations whose entry at a router differs from the plan's (a plan without a path for one writes nothing).
std::vector<uint16_t> ChangedDestinations(const UalinkRouter& router, const ForwardingTable& planned);

/// Writes the plan's entries for `destinations` into the router; a destination the plan cannot reach
/// from it keeps its old (dead) entry.
void InstallEntries(UalinkRouter& router, const ForwardingTable& planned, const std::vector<uint16_t>& destinations);

} // namespace ofab

#endif
