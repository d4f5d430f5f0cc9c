// Loop-free alternates (RFC 5286): precomputed backup ports a node can switch to the moment its
// primary next hops fail, before any controller recomputes routes.
#ifndef OFAB_TOPOLOGIES_ROUTING_LFA_H
#define OFAB_TOPOLOGIES_ROUTING_LFA_H

#include <cstdint>
#include <vector>

#include "ofab/topologies/next-hop-table.h"

namespace ofab::topo
{

// Ports p of `node` toward accelerator index `dstIndex` that are not primary (not in the ECMP
// set) and whose neighbour N satisfies the RFC 5286 loop-free condition
//     dist(N, D) < dist(N, S) + dist(S, D)
// with S = node and shortest distances over the up links; N must be able to forward (transit) or
// be D itself. Ascending port order; a parallel link to a primary neighbour qualifies (it
// protects against the loss of that one link).
std::vector<uint32_t> LoopFreeAlternates(const Graph& g, uint32_t node, uint32_t dstIndex, const LinkMask& mask = {},
                                         const LinkWeights& weights = {});

// The same for every (node, dst) in NextHopTable layout; Distance() holds the primary distance.
// With weights, dist(N, S) needs one extra shortest-path run per node.
NextHopTable BuildLoopFreeAlternateTable(const Graph& g, const LinkMask& mask = {}, const LinkWeights& weights = {});

} // namespace ofab::topo

#endif
