#ifndef OFAB_FABRIC_APP_REGIONAL_OUTPUT_H
#define OFAB_FABRIC_APP_REGIONAL_OUTPUT_H

#include "ofab/fabric/experiment/regional-runner.h"

#include <nlohmann/json.hpp>

namespace ofab
{

/// The summary of a multi-site run as --summary-json writes it (keys in fabric/sites/README.md).
nlohmann::ordered_json RegionalSummaryJson(const RegionalExperiment& x, const RegionalRunResult& r);
/// The run's story on stdout: sites, lightpaths before and after, failures per layer, jobs.
void PrintRegional(const RegionalExperiment& x, const RegionalRunResult& r);

} // namespace ofab

#endif
