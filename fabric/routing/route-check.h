#ifndef OFAB_FABRIC_ROUTING_ROUTE_CHECK_H
#define OFAB_FABRIC_ROUTING_ROUTE_CHECK_H

#include "ofab/protocols/model/forwarding-table.h"
#include "ofab/topologies/channel-dependency.h"
#include "ofab/topologies/graph.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ofab
{

class Fabric;

/// [node][router port] -> the graph link behind it (kNoLink: a port with no link, e.g. the endpoint's).
std::vector<std::vector<uint32_t>> RouterPortLinks(const Fabric& fabric);
constexpr uint32_t kNoLink = UINT32_MAX;

/// [accelerator][node]: 1 when `node` can reach the accelerator over links up in `mask`, passing
/// only through forwarding (transit) nodes. The accelerator's own node counts as reaching it.
std::vector<std::vector<uint8_t>> Reachability(const Fabric& fabric, const topo::LinkMask& mask);

/// The first entry that breaks a table set (see CheckTables).
struct RouteProblem
{
    uint32_t node = 0; ///< the router whose entry is wrong
    uint32_t dst = 0;  ///< accelerator index
    std::string what;  ///< what is wrong with it, for a person
};

/**
 * Checks forwarding tables (by node id) before they are installed: from every node that can reach a
 * destination over the up links of `mask`, following every equal-cost choice of the tables must
 * reach it: no node on the way without an entry, no choice over a port without a link or over a
 * link that is down, no hop into a node that does not forward (an accelerator of a switched
 * fabric), no loop. Nodes that cannot reach a destination (a partition) are not checked for it.
 * Returns the first problem (by destination, then node id), or nothing when the tables are sound.
 */
std::optional<RouteProblem> CheckTables(const Fabric& fabric, const std::vector<ForwardingTable>& tables,
                                        const topo::LinkMask& mask);

/**
 * A cycle of the channel dependency graph of the tables in force (empty: none, the routes cannot
 * deadlock). A channel is one direction of a link on one VC class; the classes follow the routers'
 * rule (a message keeps its class within a routing group, restarts at 0 when it changes group, moves
 * to 1 on a dateline choice). Every live equal-cost choice counts. Linear in destinations x channels.
 */
std::vector<topo::Channel> FindDependencyCycle(const Fabric& fabric, const topo::LinkMask& mask);
/// The same for a table set (by node id) before it is installed.
std::vector<topo::Channel> FindDependencyCycle(const Fabric& fabric, const std::vector<ForwardingTable>& tables,
                                               const topo::LinkMask& mask);
/// ... and for any tables by node (what the two above share).
std::vector<topo::Channel> FindDependencyCycle(const Fabric& fabric, const std::vector<const ForwardingTable*>& tables,
                                               const topo::LinkMask& mask);
/// "a credit loop of N channels is possible: a->b vc0 ..." (the first three channels), for a person.
std::string DescribeCycle(const topo::Graph& g, const std::vector<topo::Channel>& cycle);

} // namespace ofab

#endif
