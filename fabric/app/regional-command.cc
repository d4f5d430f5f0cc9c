#include "ofab/fabric/app/regional-command.h"

#include "ofab/fabric/app/interrupt-scope.h"
#include "ofab/fabric/app/regional-output.h"
#include "ofab/fabric/app/regional-trace.h"
#include "ofab/fabric/app/run-output.h"
#include "ofab/fabric/app/run-progress.h"
#include "ofab/fabric/experiment/regional-runner.h"
#include "ofab/fabric/trace/hdf5-table.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>

namespace ofab
{

int
RunRegional(const RunOptions& options, ConfigDocument& doc)
{
    for (const auto& o : options.overrides)
    {
        doc.ApplyOverride(o);
    }
    RegionalExperiment x = LoadRegionalExperiment(doc);
    if (options.seed != 0)
    {
        x.seed = options.seed;
    }
    if (!options.variant.empty())
    {
        throw ConfigError(SourceLocation{options.file}, "variants", "a run over several sites has no variants yet");
    }
    // As for one fabric: -o moves the summary beside the trace unless --summary-json names it.
    if (!options.trace.empty())
    {
        x.trace = options.trace;
        x.summaryJson = SummaryBeside(options.trace);
    }
    if (!options.summaryJson.empty())
    {
        x.summaryJson = options.summaryJson;
    }
    if (options.noTrace)
    {
        x.trace.clear();
    }
    if (options.dryRun)
    {
        std::printf("%s: %zu sites, %zu lightpaths requested, %zu cross-site jobs, %zu faults, %s simulated\n",
                    x.name.c_str(), x.sites.size(), x.mesh->lightpaths.size(), x.jobs.size(), x.faults.size(),
                    FormatTime(x.duration).c_str());
        return 0;
    }
    const RunOutputPaths outputs{x.name, x.file, x.trace, x.summaryJson};
    RefuseForeignOutputs(outputs, doc, options);
    CreateOutputFolders(outputs);
    if (!x.trace.empty())
    {
        CheckTraceWritable(x.trace); // before the run: the trace is written from its results, at the end
    }
    if (!options.quiet)
    {
        std::fprintf(stderr, "ofab run: %s, %zu sites over an optical mesh (%s)\n", x.name.c_str(), x.sites.size(),
                     options.file.c_str());
    }
    RegionalRunner runner(x);
    Progress progress(x.duration, options.quiet);
    progress.Start();
    RegionalRunResult result;
    {
        const InterruptScope interrupt; // Ctrl-C, SIGTERM, SIGHUP: stop at the next progress check
        result = runner.Run();
    }
    progress.Done();
    if (InterruptScope::Interrupted())
    {
        // A region's outputs are written from the whole run: an interrupted one writes none.
        std::fprintf(stderr, "ofab: interrupted (%s) at %s; no trace or summary written\n",
                     InterruptScope::SignalName(), FormatTime(ns3::Simulator::Now()).c_str());
        return 130;
    }
    nlohmann::ordered_json summary = RegionalSummaryJson(x, result);
    // The trace is written after the run, from its results; one that cannot be completed costs the
    // exit code, not the results: the summary is still written, and says so.
    bool traceComplete = true;
    if (!x.trace.empty())
    {
        YAML::Emitter config;
        config << doc.Root();
        try
        {
            RegionTraceWriter::Write(x.trace, RegionalTrace(x, result, config.c_str(), summary));
            summary["trace_status"] = "complete";
            summary["trace_bytes"] = std::filesystem::file_size(x.trace);
        }
        catch (const TraceError& e)
        {
            std::fprintf(stderr, "ofab: error: the trace %s could not be completed: %s\n", x.trace.c_str(), e.what());
            summary["trace_status"] = std::string("incomplete: ") + e.what();
            traceComplete = false;
        }
    }
    if (!x.summaryJson.empty())
    {
        WriteJsonFile(x.summaryJson, summary);
    }
    if (!options.quiet)
    {
        PrintRegional(x, result);
        if (!x.trace.empty())
        {
            std::printf("  trace         %s%s\n", x.trace.c_str(), traceComplete ? "" : " (incomplete: see above)");
        }
        if (!x.summaryJson.empty())
        {
            std::printf("  summary       %s\n", x.summaryJson.c_str());
        }
    }
    return traceComplete ? 0 : 1;
}

} // namespace ofab
