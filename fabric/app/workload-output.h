#ifndef OFAB_FABRIC_APP_WORKLOAD_OUTPUT_H
#define OFAB_FABRIC_APP_WORKLOAD_OUTPUT_H

#include "ofab/fabric/observe/run-observer.h"

#include <nlohmann/json.hpp>

namespace ofab
{

/// The summary's `collectives` list and, for workload graphs, its `iterations` list.
void AddWorkloadJson(nlohmann::ordered_json& summary, const RunSummary& s);
/// `ofab run`'s lines: each collective (or, past a screenful, a line per algorithm) and each
/// iteration of a workload graph.
void PrintWorkloadResults(const RunSummary& s);

} // namespace ofab

#endif
