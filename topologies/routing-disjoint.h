// Link-disjoint backup paths, for protection switching and multi-path transfers.
#ifndef OFAB_TOPOLOGIES_ROUTING_DISJOINT_H
#define OFAB_TOPOLOGIES_ROUTING_DISJOINT_H

#include <cstdint>
#include <vector>

#include "ofab/topologies/shortest-paths.h"

namespace ofab::topo
{

// Up to k pairwise link-disjoint paths from node src to node dst (node ids), minimising their
// total weight (successive shortest paths on the unit-capacity flow network, i.e. Suurballe's
// method generalised to k), returned shortest first. Fewer come back when fewer exist (the
// minimum src-dst cut); paths pass only through transit nodes. Nodes may repeat across paths,
// never links. Throws TopologyError for k < 1, src == dst or unknown nodes.
std::vector<Path> KDisjointPaths(const Graph& g, uint32_t src, uint32_t dst, int k, const LinkMask& mask = {},
                                 const LinkWeights& weights = {});

} // namespace ofab::topo

#endif
