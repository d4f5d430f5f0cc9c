// A small text format for hand-written or exported topologies (format in README.md):
//
//   # comment (also after a statement)
//   node <name> accelerator|switch [transit=yes|no] [plane=<int>] [coord=<int>,<int>,...]
//   link <nameA> <nameB> [length_m=<metres>] [class=<word>]
//
// Nodes are declared before the links that use them; links take ports in file order. Accelerators
// forward traffic (transit) by default only when the file declares no switch.
#ifndef OFAB_TOPOLOGIES_EDGE_LIST_H
#define OFAB_TOPOLOGIES_EDGE_LIST_H

#include <istream>
#include <ostream>
#include <string>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

// Reads a file; errors carry "<path>:<line>: ..." and a disconnected graph is rejected.
Graph EdgeList(const std::string& path);
// Same from a stream; nameForErrors stands in for the file name in messages.
Graph ParseEdgeList(std::istream& in, const std::string& nameForErrors);
// Writes g in the same format. Reading it back rebuilds nodes (role, transit, plane, coord) and
// links (ends, length, class) in the same id order; ports are re-assigned in file order, so a
// generator's custom port layout (torus, dragonfly) and grid metadata are not preserved.
void WriteEdgeList(const Graph& g, std::ostream& out);

} // namespace ofab::topo

#endif
