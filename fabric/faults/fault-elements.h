#ifndef OFAB_FABRIC_FAULTS_FAULT_ELEMENTS_H
#define OFAB_FABRIC_FAULTS_FAULT_ELEMENTS_H

#include "ofab/fabric/config/config-document.h"

#include "ofab/topologies/graph.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>

namespace ofab
{

/**
 * Fabric elements named the way a user knows them, resolved against the graph with errors at the
 * key. A node is its name (`a(1,2)` on a torus, `sw.p0` in a switched pod), its graph id, or its
 * coordinates as a list (`[1, 2]`, handy because a torus name holds commas that YAML's flow syntax
 * splits unless quoted). `role` restricts which nodes are accepted.
 */
uint32_t ResolveNode(const ConfigDocument& doc, const YAML::Node& value, const std::string& keyPath,
                     const topo::Graph& graph, std::optional<topo::NodeRole> role = std::nullopt);

/// A link by id: a whole number below the link count.
uint32_t ResolveLinkId(const ConfigDocument& doc, const YAML::Node& value, const std::string& keyPath,
                       const topo::Graph& graph);

/// The one link joining two nodes, `[n0, n1]`; an error when none or several (parallel links) do.
/// `first` receives the first node named.
uint32_t ResolveLinkBetween(const ConfigDocument& doc, const YAML::Node& value, const std::string& keyPath,
                            const topo::Graph& graph, uint32_t* first = nullptr);

/// "a(0,0) - a(1,0)": a link by the names of its ends.
std::string LinkEnds(const topo::Graph& graph, uint32_t link);

/// A few node names of the graph (of `role`, if given) for messages: "a(0,0), a(1,0), ... (16 nodes)".
std::string NodeExamples(const topo::Graph& graph, std::optional<topo::NodeRole> role = std::nullopt);

} // namespace ofab

#endif
