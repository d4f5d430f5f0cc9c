#ifndef OFAB_FABRIC_RUN_COMMAND_H
#define OFAB_FABRIC_RUN_COMMAND_H

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

struct RunOptions
{
    std::string file;
    std::string trace;       ///< -o: overrides outputs.trace
    std::string summaryJson; ///< --summary-json: overrides outputs.summary_json
    std::vector<std::string> overrides;
    uint64_t seed = 0; ///< --seed; 0 = the experiment's seed
    bool quiet = false;
    bool dryRun = false;
};

/**
 * `ofab run`: loads the experiment, builds the fabric, runs it with a progress line on stderr, writes
 * the HDF5 trace and the JSON summary, prints the summary table. Returns the exit code (0 success,
 * 130 interrupted). Throws ConfigError on bad input, TraceError when an output cannot be written.
 */
int RunExperiment(const RunOptions& options);

} // namespace ofab

#endif
