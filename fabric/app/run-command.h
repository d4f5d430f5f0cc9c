#ifndef OFAB_FABRIC_APP_RUN_COMMAND_H
#define OFAB_FABRIC_APP_RUN_COMMAND_H

#include "ofab/fabric/config/config-error.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ofab
{

struct RunOptions
{
    std::string file;
    std::string trace;       ///< -o: overrides outputs.trace; the summary then goes beside it (SummaryBeside)
    std::string summaryJson; ///< --summary-json: overrides outputs.summary_json (and -o's summary)
    std::vector<std::string> overrides; ///< --set, in order
    /// Applied after `overrides`: a variant's `set:` entries, each with where it is written.
    std::vector<std::pair<std::string, SourceLocation>> fileOverrides;
    uint64_t seed = 0; ///< --seed; 0 = the experiment's seed
    bool quiet = false;
    bool dryRun = false;
    std::string variant;  ///< --variant: run only this one of the file's variants
    bool force = false;   ///< --force: replace outputs another experiment wrote (RefuseForeignOutputs)
    bool noTrace = false; ///< --no-trace: no HDF5 trace, only the summary (sweeps keep just these)
};

/**
 * `ofab run`: loads the experiment, builds the fabric, runs it with a progress line on stderr, writes
 * the HDF5 trace and the JSON summary, prints the summary table. A file with `variants:` runs each
 * variant in turn (outputs named "<output>-<variant>", a combined JSON at the summary path) and
 * prints them side by side. Returns the exit code (0 success,
 * 130 interrupted). Throws ConfigError on bad input, TraceError when an output cannot be written.
 */
int RunExperiment(const RunOptions& options);

} // namespace ofab

#endif
