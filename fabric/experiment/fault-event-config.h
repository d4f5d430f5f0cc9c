#ifndef OFAB_FABRIC_EXPERIMENT_FAULT_EVENT_CONFIG_H
#define OFAB_FABRIC_EXPERIMENT_FAULT_EVENT_CONFIG_H

// Internal to fault-config: one fault entry and one laser source reference, read from YAML.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/faults/fault-spec.h"

#include "ofab/topologies/graph.h"

#include <string>
#include <vector>

namespace ofab
{

/// Everything a parse step needs: the document (for positions) and the graph (for names).
struct FaultReader
{
    const ConfigDocument& doc;
    const topo::Graph& graph;

    FaultKey Key(const std::string& path, const YAML::Node& n) const;
};

/// `{node: <node>, index: <n>}`, or a bare node for every source of it; `out` gets the resolved form.
SourceRef ParseSourceRef(const FaultReader& r, const YAML::Node& n, const std::string& path, YAML::Node& out);

/// One entry of the fault list at `path`; `out` gets its resolved form.
FaultSpec ParseFaultEvent(const FaultReader& r, const YAML::Node& item, const std::string& path,
                          const std::vector<FaultGroup>& groups, YAML::Node& out);

} // namespace ofab

#endif
