#ifndef OFAB_FABRIC_APP_REGIONAL_TRACE_H
#define OFAB_FABRIC_APP_REGIONAL_TRACE_H

// A region's results as the rows of its HDF5 trace (fabric/trace/region-trace.h).

#include "ofab/fabric/experiment/regional-runner.h"
#include "ofab/fabric/trace/region-trace.h"

#include <nlohmann/json.hpp>

#include <string>

namespace ofab
{

/// What the trace of `x`'s run holds: /meta (versions, seed, experiment, the configuration as run,
/// wall time), the sites, lightpaths before and at the end, failures with their healing per layer
/// and the /events they make, transfers, all-reduce iterations, per site pair throughput and the
/// summary (its headline figures and `summary`, the JSON `--summary-json` writes).
RegionTraceContent RegionalTrace(const RegionalExperiment& x, const RegionalRunResult& r, const std::string& configYaml,
                                 const nlohmann::ordered_json& summary);

} // namespace ofab

#endif
