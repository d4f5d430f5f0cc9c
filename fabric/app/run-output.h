#ifndef OFAB_FABRIC_APP_RUN_OUTPUT_H
#define OFAB_FABRIC_APP_RUN_OUTPUT_H

// What `ofab run` and `ofab serve` both write: the trace's opening and closing, the summary JSON and
// the summary table.

#include "ofab/fabric/app/run-command.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/trace/trace-recorder.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace ofab
{

/// Applies the options' --set overrides to `doc` and loads the experiment with --seed, -o and
/// --summary-json applied: -o moves the summary too, beside the trace (SummaryBeside), unless
/// --summary-json names it. ConfigError naming file, line and key.
Experiment LoadRunExperiment(const RunOptions& options, ConfigDocument& doc);
/// The summary of a trace given with -o: "out/t88.h5" -> "out/t88.json".
std::string SummaryBeside(const std::string& trace);
/// A run never silently replaces another experiment's results: when the trace (its /meta@experiment)
/// or the summary JSON (its "experiment") already exists and names another experiment, or is not an
/// ofab output at all, ConfigError (exit 2) naming where the path came from, unless options.force.
/// Checks `x`'s outputs and `extraSummary` (the combined summary of a file with variants), if given.
void RefuseForeignOutputs(const Experiment& x, const ConfigDocument& doc, const RunOptions& options,
                          const std::string& extraSummary = "");
/// Where a run writes, whatever kind of experiment it is.
struct RunOutputPaths
{
    std::string experiment; ///< its name, as its outputs record it
    std::string file;
    std::string trace;
    std::string summaryJson;
};
/// The same check for any run's outputs (a region's too).
void RefuseForeignOutputs(const RunOutputPaths& x, const ConfigDocument& doc, const RunOptions& options,
                          const std::string& extraSummary = "");
/// Warnings on stderr about an experiment that runs but probably not as meant: no workloads (nothing is
/// issued); a fault at or after the end of the run (it never happens: named by file, line and key).
/// Returns how many it printed.
int WarnAboutExperiment(const Experiment& x);
/// Creates the folders of the trace and the summary (an uncreatable one fails when the file opens).
void CreateOutputFolders(const Experiment& x);
void CreateOutputFolders(const RunOutputPaths& x);
/// The trace with its /meta (versions, seed, resolved configuration); null when outputs.trace is empty.
std::unique_ptr<TraceRecorder> OpenTrace(const Experiment& x, const Fabric& fabric, const std::string& resolvedYaml);
/// Writes /summary and marks the trace complete. Then adds to `summary` (the JSON file's copy) what
/// the trace's own copy cannot know: `trace_status` ("complete", or "incomplete: <reason>" when the
/// trace could not be completed, e.g. a full disk) and `trace_bytes`. False (after an error line on
/// stderr) when the trace is not complete: the run then exits non-zero.
bool FinishTrace(TraceRecorder& trace, const RunResult& result, nlohmann::ordered_json& summary);
/// The summary as `--summary-json` writes it (keys in fabric/README.md).
nlohmann::ordered_json SummaryJson(const Experiment& x, const RunResult& result, const std::string& trace);
/// The summary table on stdout.
void PrintTable(const RunResult& result, const std::string& trace);
/// Writes beside, then renames: a reader never sees a half-written file. TraceError when it cannot.
void WriteJsonFile(const std::string& path, const nlohmann::ordered_json& j);

} // namespace ofab

#endif
