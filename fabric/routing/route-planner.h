#ifndef OFAB_FABRIC_ROUTING_ROUTE_PLANNER_H
#define OFAB_FABRIC_ROUTING_ROUTE_PLANNER_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/assembly/route-plan.h"
#include "ofab/topologies/graph.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * The routes ofab computes for a link state (tables for every router of `fabric`, not installed).
 *
 * Tori and meshes (dimension-order mode): fault-tolerant dimension order (topo::DimensionOrderRouter
 * masked Steps): in each dimension the open way round with the lower summed weight, both ways on a
 * tie (the routers spread the traffic over them), so a ring with one cut becomes a line and the routes stay deadlock-free. A destination that some node cannot reach
 * that way (two cuts in one ring) is routed by shortest paths at every node (loop-free for that
 * destination), and the plan is then no longer deadlock-free by construction.
 * Other fabrics: shortest paths with every equal-cost next hop (weighted).
 *
 * Weights make routing capacity-aware: a link that lost lines costs nominal / remaining capacity, so
 * routes leave it where an equally short alternative exists instead of treating it as cut.
 */
RoutePlan PlanRoutes(const Fabric& fabric, const topo::LinkMask& mask = {}, const topo::LinkWeights& weights = {});

/// Plans the routes of a fabric with every link up and installs them: what a fabric needs before it
/// carries traffic. ParameterError("Topology") when some accelerator cannot reach another.
void InstallInitialRoutes(Fabric& fabric);

} // namespace ofab

#endif
