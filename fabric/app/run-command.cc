#include "ofab/fabric/app/run-command.h"

#include "ofab/fabric/app/interrupt-scope.h"
#include "ofab/fabric/app/regional-command.h"
#include "ofab/fabric/app/run-output.h"
#include "ofab/fabric/app/run-progress.h"

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/experiment/regional-experiment.h"
#include "ofab/fabric/experiment/variants.h"
#include "ofab/fabric/trace/trace-recorder.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace ofab
{

namespace
{

/// Runs one experiment document (one variant when `variant` is set: its outputs get "-<variant>").
/// Fills `json` with the summary; returns the exit code.
int
RunDocument(const RunOptions& options, const std::string& variant, nlohmann::ordered_json& json)
{
    ConfigDocument doc = ConfigDocument::Load(options.file);
    Experiment x = LoadRunExperiment(options, doc);
    x.outputs.trace = VariantPath(x.outputs.trace, variant);
    x.outputs.summaryJson = VariantPath(x.outputs.summaryJson, variant);
    YAML::Emitter resolved;
    resolved << x.Resolved();
    WarnAboutExperiment(x);
    if (options.dryRun)
    {
        if (!variant.empty())
        {
            std::cout << "--- # variant: " << variant << "\n";
        }
        std::cout << resolved.c_str() << "\n";
        return 0;
    }

    RefuseForeignOutputs(x, doc, options);
    CreateOutputFolders(x);
    ExperimentRunner runner(x, doc);
    std::unique_ptr<TraceRecorder> trace = OpenTrace(x, runner.GetFabric(), resolved.c_str());
    if (trace && !variant.empty())
    {
        trace->SetMeta("variant", variant);
    }
    if (!options.quiet && !variant.empty())
    {
        std::fprintf(stderr, "ofab: variant %s\n", variant.c_str());
    }
    Progress progress(x.duration, options.quiet, x.threads > 0 ? ns3::MicroSeconds(1) : ns3::Time(0));
    progress.Start();

    RunResult result;
    bool interrupted = false;
    std::string signal;
    {
        const InterruptScope interrupt; // Ctrl-C, SIGTERM, SIGHUP: stop at the next progress check
        result = runner.Run(trace.get());
        interrupted = InterruptScope::Interrupted();
        signal = InterruptScope::SignalName();
    }
    progress.Done();
    if (interrupted)
    {
        if (trace)
        {
            trace->Abandon("interrupted (" + signal + ") at " + FormatTime(ns3::Simulator::Now()));
        }
        std::fprintf(stderr, "ofab: interrupted (%s); the trace is marked incomplete\n", signal.c_str());
        return 130;
    }
    json = SummaryJson(x, result, x.outputs.trace);
    if (!variant.empty())
    {
        json["variant"] = variant;
    }
    // A trace that could not be completed (a full disk) costs the exit code, not the results: the
    // summary is still written, and says so in trace_status.
    const bool traceComplete = !trace || FinishTrace(*trace, result, json);
    if (!x.outputs.summaryJson.empty())
    {
        WriteJsonFile(x.outputs.summaryJson, json);
    }
    if (!options.quiet)
    {
        std::printf("ofab run: %s%s%s (%s)\n", x.name.c_str(), variant.empty() ? "" : ", variant ", variant.c_str(),
                    x.file.c_str());
        PrintTable(result, traceComplete ? x.outputs.trace : x.outputs.trace + " (incomplete: see above)");
    }
    return traceComplete ? 0 : 1;
}

/// The variants' figures side by side: one row per variant and fault.
void
PrintComparison(const nlohmann::ordered_json& runs)
{
    auto ns = [](const nlohmann::ordered_json& v) {
        return v.is_null() ? std::string("never") : std::to_string(std::llround(v.get<double>()));
    };
    // Capacity lost for good: when the fabric settled at the level it kept, and that level.
    auto settled = [&ns](const nlohmann::ordered_json& f) {
        if (!f.contains("degraded_to") || f["degraded_to"].is_null())
        {
            return ns(f["t_recover95_ns"]);
        }
        return ns(f["t_settled_ns"]) + " at " + std::to_string(std::lround(100 * f["degraded_to"].get<double>())) + "%";
    };
    std::printf("\nvariants compared (times from the fault, ns; 'never' = not within the run; settled: back to 95 %% "
                "of before, or of the level a permanent loss left)\n");
    std::printf("  %-14s %-7s %-20s %9s %10s %12s %14s %11s %7s %11s  %s\n", "variant", "policy", "fault", "T_detect",
                "T_reroute", "T_recover95", "settled", "loss-conv.", "failed", "p99 during",
                "collective hit by the fault");
    for (const auto& r : runs)
    {
        const std::string policy = r.contains("controller") ? r["controller"]["policy"].get<std::string>() : "none";
        std::string collective = "-";
        if (!r["collectives"].empty())
        {
            // The operation running when the first fault struck (else the first one).
            const double fault = r["fault_recovery"].empty() ? 0.0 : r["fault_recovery"][0]["time_ns"].get<double>();
            auto c = r["collectives"].front();
            for (const auto& op : r["collectives"])
            {
                // An unfinished operation (time null) runs to the end of the run.
                const double start = op["start_ns"].get<double>();
                if (start <= fault && (op["time_ns"].is_null() || fault < start + op["time_ns"].get<double>()))
                {
                    c = op;
                }
            }
            char took[32] = "at the end";
            if (!c["time_ns"].is_null())
            {
                std::snprintf(took, sizeof took, "in %.1f us", c["time_ns"].get<double>() / 1000.0);
            }
            char text[96];
            std::snprintf(text, sizeof text, "#%llu %s %s, %llu retried",
                          (unsigned long long)c["repetition"].get<uint64_t>(), c["status"].get<std::string>().c_str(),
                          took, (unsigned long long)c["retries"].get<uint64_t>());
            collective = text;
        }
        if (r["fault_recovery"].empty())
        {
            std::printf("  %-14s %-7s %-20s %94s  %s\n", r["variant"].get<std::string>().c_str(), policy.c_str(),
                        "(no fault)", "", collective.c_str());
        }
        for (const auto& f : r["fault_recovery"])
        {
            const std::string fault = f["kind"].get<std::string>() + " " + f["element"].get<std::string>();
            const auto& during = f["latency_ns"]["during"];
            const bool watched = f.contains("link_changed") && f["link_changed"].get<bool>();
            std::printf("  %-14s %-7s %-20.20s %9s %10s %12s %14s %11.0f %7llu %11s  %s\n",
                        r["variant"].get<std::string>().c_str(), policy.c_str(), fault.c_str(),
                        watched ? ns(f["t_detect_ns"]).c_str() : "-", watched ? ns(f["t_reroute_ns"]).c_str() : "-",
                        ns(f["t_recover95_ns"]).c_str(), settled(f).c_str(), f["loss_convergence_ns"].get<double>(),
                        (unsigned long long)f["failed_transactions"].get<uint64_t>(),
                        during["count"].get<uint64_t>() ? ns(during["p99"]).c_str() : "-", collective.c_str());
        }
    }
}

/// The first variant without faults that ran a workload graph: what the others' iterations compare with.
std::string
FaultFreeReference(const nlohmann::ordered_json& runs)
{
    for (const auto& r : runs)
    {
        if (r["fault_recovery"].empty() && r.contains("iterations") && !r["iterations"].empty())
        {
            return r["variant"].get<std::string>();
        }
    }
    return "";
}

/// Each completed iteration of every variant gets `slowdown`: its time over the same completed
/// iteration (workload name and number) of the fault-free reference variant.
void
AddSlowdowns(nlohmann::ordered_json& runs)
{
    const std::string reference = FaultFreeReference(runs);
    const auto base = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r["variant"] == reference; });
    if (reference.empty())
    {
        return;
    }
    for (auto& r : runs)
    {
        if (!r.contains("iterations"))
        {
            continue;
        }
        r["slowdown_reference"] = reference;
        for (auto& it : r["iterations"])
        {
            for (const auto& b : (*base)["iterations"])
            {
                if (it["status"] == "completed" && b["status"] == "completed" && b["name"] == it["name"] &&
                    b["iteration"] == it["iteration"])
                {
                    it["slowdown"] = it["time_ns"].get<double>() / b["time_ns"].get<double>();
                }
            }
        }
    }
}

/// Workload graphs' iterations side by side, with the slowdown a fault cost each (AddSlowdowns).
void
PrintIterationComparison(const nlohmann::ordered_json& runs)
{
    const bool any = std::any_of(runs.begin(), runs.end(),
                                 [](const auto& r) { return r.contains("iterations") && !r["iterations"].empty(); });
    if (!any)
    {
        return;
    }
    const std::string reference = FaultFreeReference(runs);
    std::printf("\niterations compared (us; slowdown: time / the same iteration of %s)\n",
                reference.empty() ? "a fault-free variant (none here)" : ("variant " + reference).c_str());
    std::printf("  %-14s %-16s %5s %-11s %12s %9s %14s %8s\n", "variant", "workload", "iter", "status", "time",
                "slowdown", "exposed comm", "retries");
    for (const auto& r : runs)
    {
        for (const auto& it : r.contains("iterations") ? r["iterations"] : nlohmann::ordered_json::array())
        {
            char slowdown[16] = "-";
            if (it.contains("slowdown"))
            {
                std::snprintf(slowdown, sizeof slowdown, "%.3fx", it["slowdown"].get<double>());
            }
            const std::string time =
                it["time_ns"].is_null() ? "-" : std::to_string(std::llround(it["time_ns"].get<double>() / 1000.0));
            std::printf("  %-14s %-16.16s %5llu %-11s %12s %9s %14.1f %8llu\n", r["variant"].get<std::string>().c_str(),
                        it["name"].get<std::string>().c_str(), (unsigned long long)it["iteration"].get<uint64_t>(),
                        it["status"].get<std::string>().c_str(), time.c_str(), slowdown,
                        it["exposed_comm_ns"].get<double>() / 1000.0,
                        (unsigned long long)it["retries"].get<uint64_t>());
        }
    }
}

/// The options of one variant: the command line's --set first, then the variant's.
RunOptions
VariantOptions(const RunOptions& options, const Variant& v)
{
    RunOptions o = options;
    for (std::size_t i = 0; i < v.overrides.size(); ++i)
    {
        o.fileOverrides.emplace_back(v.overrides[i], v.origins[i]);
    }
    return o;
}

} // namespace

int
RunExperiment(const RunOptions& options)
{
    ConfigDocument doc = ConfigDocument::Load(options.file);
    if (IsRegional(doc))
    {
        return RunRegional(options, doc);
    }
    const Experiment base = LoadRunExperiment(options, doc);
    std::vector<Variant> variants = ReadVariants(doc);
    nlohmann::ordered_json json;
    if (variants.empty())
    {
        if (!options.variant.empty())
        {
            throw ConfigError(SourceLocation{options.file}, "variants",
                              "--variant given, but the file has no variants");
        }
        return RunDocument(options, "", json);
    }
    if (!options.variant.empty())
    {
        std::vector<std::string> names;
        for (const auto& v : variants)
        {
            names.push_back(v.name);
        }
        const auto it =
            std::find_if(variants.begin(), variants.end(), [&](const Variant& v) { return v.name == options.variant; });
        if (it == variants.end())
        {
            const std::string near = NearestName(options.variant, names);
            throw ConfigError(SourceLocation{options.file}, "variants",
                              "no variant '" + options.variant + "'" +
                                  (near.empty() ? "" : " (did you mean '" + near + "'?)") + "; the file has " +
                                  ListNames(names));
        }
        variants = {*it};
    }
    // Every variant is checked before the first one runs: a typo in the last must not cost the others.
    for (const auto& v : variants)
    {
        ConfigDocument d = ConfigDocument::Load(options.file);
        Experiment x = LoadRunExperiment(VariantOptions(options, v), d);
        if (!options.dryRun)
        {
            x.outputs.trace = VariantPath(x.outputs.trace, v.name);
            x.outputs.summaryJson = VariantPath(x.outputs.summaryJson, v.name);
            RefuseForeignOutputs(x, d, options, base.outputs.summaryJson);
        }
    }
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& v : variants)
    {
        const int code = RunDocument(VariantOptions(options, v), v.name, json);
        if (code != 0)
        {
            return code;
        }
        runs.push_back(json);
    }
    if (options.dryRun)
    {
        return 0;
    }
    AddSlowdowns(runs);
    if (!base.outputs.summaryJson.empty())
    {
        WriteJsonFile(base.outputs.summaryJson, nlohmann::ordered_json{{"experiment", base.name}, {"variants", runs}});
    }
    if (!options.quiet)
    {
        PrintComparison(runs);
        PrintIterationComparison(runs);
    }
    return 0;
}

} // namespace ofab
