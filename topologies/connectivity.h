// Connectivity under a link mask: the questions a reroute controller asks after a failure.
#ifndef OFAB_TOPOLOGIES_CONNECTIVITY_H
#define OFAB_TOPOLOGIES_CONNECTIVITY_H

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

struct Components
{
    std::vector<uint32_t> componentOf; // per node, 0 .. count-1 in order of lowest node id
    uint32_t count = 0;
};

// Plain graph connectivity over the up links (transit flags ignored: cables, not routes).
Components ConnectedComponents(const Graph& g, const LinkMask& mask = {});
bool IsConnected(const Graph& g, const LinkMask& mask = {});
// A node that node 0 cannot reach over up links, if any (used for "disconnected" messages).
std::optional<uint32_t> FirstUnreachableNode(const Graph& g, const LinkMask& mask = {});

// Accelerator pairs (i < j, dense accelerator indices) with no routable path: paths may only pass
// through transit nodes, so two UALink endpoints whose only common neighbour is a third
// accelerator count as affected even though the cable graph is connected.
std::vector<std::pair<uint32_t, uint32_t>> AffectedPairs(const Graph& g, const LinkMask& mask = {});
// True when AffectedPairs would be empty (stops at the first affected pair).
bool AllAcceleratorsReachable(const Graph& g, const LinkMask& mask = {});

} // namespace ofab::topo

#endif
