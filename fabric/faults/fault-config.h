#ifndef OFAB_FABRIC_FAULT_CONFIG_H
#define OFAB_FABRIC_FAULT_CONFIG_H

#include "fabric/config/config-document.h"
#include "fabric/faults/fault-spec.h"

#include "topologies/graph.h"

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

} // namespace ofab

#endif
