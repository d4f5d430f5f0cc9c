// Structural figures of a topology: counts, hop distances between accelerators, and (via the
// included headers) connectivity, spectral figures and bisection width.
#ifndef OFAB_TOPOLOGIES_ANALYSIS_H
#define OFAB_TOPOLOGIES_ANALYSIS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ofab/topologies/bisection.h"
#include "ofab/topologies/connectivity.h"
#include "ofab/topologies/graph.h"
#include "ofab/topologies/spectral.h"

namespace ofab::topo
{

struct GraphCounts
{
    std::size_t nodes = 0, accelerators = 0, switches = 0, links = 0;
    std::map<std::string, std::size_t> linksByClass; // "" for links without a class
};
GraphCounts Count(const Graph& g);

// Hop statistics over ordered pairs of distinct endpoints (a,b), a != b. Hops count every link,
// including the access links of switched topologies.
struct HopStats
{
    uint32_t diameter = 0;         // largest finite hop count
    double averageHops = 0.0;      // mean over reachable pairs
    uint64_t reachablePairs = 0;   // ordered pairs with a path
    uint64_t unreachablePairs = 0; // ordered pairs without one
};
// Between all accelerators: one BFS per accelerator, O(A * (N + L)).
HopStats AcceleratorHopStats(const Graph& g, const LinkMask& mask = {});
// Between an arbitrary set of nodes (e.g. the routers of a dragonfly).
HopStats HopStatsBetween(const Graph& g, const std::vector<uint32_t>& endpoints, const LinkMask& mask = {});

} // namespace ofab::topo

#endif
