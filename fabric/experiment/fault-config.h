#ifndef OFAB_FABRIC_EXPERIMENT_FAULT_CONFIG_H
#define OFAB_FABRIC_EXPERIMENT_FAULT_CONFIG_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/faults/fault-spec.h"

#include "ofab/topologies/graph.h"

namespace ofab
{

/**
 * Reads an experiment's `faults:` section (format in fabric/README.md, "Faults"): either a list of
 * explicit faults, or a map with `events:` (that list), `groups:` and `stochastic:`. Nodes and links
 * are resolved against `graph` here; laser sources and lines are checked against the built fabric
 * by FaultInjector::Configure (their grouping depends on the laser's port count), with the
 * positions kept here. Every error is a ConfigError naming file, line and key. A null section gives
 * an empty plan.
 */
FaultPlan LoadFaults(const ConfigDocument& doc, const YAML::Node& section, const topo::Graph& graph);

/**
 * One fault or repair entry written as in the `faults:` list (`{at: 20us, kind: fibre_cut, link: 3}`,
 * or the same in JSON), read outside an experiment file: for FaultInjector::Inject while a fabric
 * runs (`ofab serve`, a controller, a test). `groups` are the declared groups it may name
 * (FaultInjector::GetGroups()). Errors are ConfigErrors at `path` and the entry's keys.
 */
FaultSpec ParseFaultEntry(const ConfigDocument& doc, const YAML::Node& entry, const std::string& path,
                          const topo::Graph& graph, const std::vector<FaultGroup>& groups);

} // namespace ofab

#endif
