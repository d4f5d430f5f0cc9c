#include "ofab/fabric/app/run-output.h"

#include "ofab/fabric/app/ocs-output.h"
#include "ofab/fabric/app/workload-output.h"

#include "ofab/fabric/trace/trace-meta.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

namespace ofab
{

Experiment
LoadRunExperiment(const RunOptions& options, ConfigDocument& doc)
{
    for (const auto& o : options.overrides)
    {
        doc.ApplyOverride(o);
    }
    for (const auto& [assignment, from] : options.fileOverrides)
    {
        doc.ApplyOverride(assignment, from);
    }
    Experiment x = LoadExperiment(doc);
    if (options.seed != 0)
    {
        x.seed = options.seed;
    }
    if (!options.trace.empty())
    {
        x.outputs.trace = options.trace;
        // -o names this run's results: the summary goes with the trace, not over the file's own.
        x.outputs.summaryJson = SummaryBeside(options.trace);
    }
    if (!options.summaryJson.empty())
    {
        x.outputs.summaryJson = options.summaryJson;
    }
    if (options.noTrace)
    {
        x.outputs.trace.clear(); // the summary stays where the file or --summary-json put it
    }
    return x;
}

std::string
SummaryBeside(const std::string& trace)
{
    std::filesystem::path p(trace);
    if (p.extension() == ".json")
    {
        return trace + ".summary.json"; // never the trace itself
    }
    return p.replace_extension(".json").string();
}

namespace
{

/// Which experiment wrote the file at `path`: "" when the file does not exist; nullopt when it exists
/// but is not an ofab output this can read (`what` says what it is instead).
std::optional<std::string>
WrittenBy(const std::string& path, bool isTrace, std::string& what)
{
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec))
    {
        return std::string();
    }
    if (isTrace)
    {
        const TraceMetaRead read = ReadTraceMeta(path, "experiment");
        what = read.isHdf5 ? "an HDF5 file without /meta@experiment" : "not an HDF5 file";
        return read.value;
    }
    std::ifstream in(path);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    what = j.is_discarded() ? "not a JSON file" : "JSON without an \"experiment\" name";
    if (j.is_object() && j.contains("experiment") && j["experiment"].is_string())
    {
        const std::string name = j["experiment"].get<std::string>();
        return name.empty() ? std::optional<std::string>() : name;
    }
    return std::nullopt;
}

} // namespace

void
RefuseForeignOutputs(const Experiment& x, const ConfigDocument& doc, const RunOptions& options,
                     const std::string& extraSummary)
{
    RefuseForeignOutputs(RunOutputPaths{x.name, x.file, x.outputs.trace, x.outputs.summaryJson}, doc, options,
                         extraSummary);
}

void
RefuseForeignOutputs(const RunOutputPaths& x, const ConfigDocument& doc, const RunOptions& options,
                     const std::string& extraSummary)
{
    if (options.force)
    {
        return;
    }
    struct Output
    {
        std::string path;
        bool isTrace;
        std::string key;
        std::string flag; ///< the command-line option that named it, "" = the file
    };
    const std::string summaryFlag = !options.summaryJson.empty() ? "--summary-json " + options.summaryJson
                                    : !options.trace.empty()     ? "-o " + options.trace + " (its summary)"
                                                                 : "";
    const std::vector<Output> outputs{
        {x.trace, true, "outputs.trace", options.trace.empty() ? "" : "-o " + options.trace},
        {x.summaryJson, false, "outputs.summary_json", summaryFlag},
        {extraSummary, false, "outputs.summary_json", summaryFlag},
    };
    for (const auto& out : outputs)
    {
        std::string what;
        const std::optional<std::string> writer = WrittenBy(out.path, out.isTrace, what);
        if (writer && (writer->empty() || *writer == x.experiment))
        {
            continue;
        }
        const std::string message =
            (writer
                 ? out.path + " holds the results of experiment '" + *writer + "', not '" + x.experiment + "'"
                 : out.path + " exists and is not an ofab " + (out.isTrace ? "trace" : "summary") + " (" + what + ")") +
            ": refusing to replace it; choose another path, remove the file, or pass --force";
        if (!out.flag.empty())
        {
            throw ConfigError(SourceLocation{out.flag}, out.key, message);
        }
        const YAML::Node node = Child(Child(doc.Root(), "outputs"), out.key.substr(out.key.find('.') + 1));
        if (node.IsDefined() && !node.IsNull())
        {
            throw doc.ErrorAt(out.key, node.Mark(), message);
        }
        throw ConfigError(SourceLocation{x.file}, out.key, message);
    }
}

int
WarnAboutExperiment(const Experiment& x)
{
    int warnings = 0;
    if (x.workloads.empty())
    {
        std::fprintf(stderr, "ofab: warning: %s: no workloads: nothing will be issued (the run goes on)\n",
                     x.file.c_str());
        ++warnings;
    }
    for (const FaultSpec& f : x.faults.events)
    {
        if (!f.repair && f.at >= x.duration)
        {
            const ConfigError at(f.key.where, f.key.path + ".at",
                                 "a fault at " + FormatTime(f.at) + ", at or after the end of the run (duration " +
                                     FormatTime(x.duration) + "): it never happens");
            std::fprintf(stderr, "ofab: warning: %s\n", at.what());
            ++warnings;
        }
    }
    return warnings;
}

void
CreateOutputFolders(const Experiment& x)
{
    CreateOutputFolders(RunOutputPaths{x.name, x.file, x.outputs.trace, x.outputs.summaryJson});
}

void
CreateOutputFolders(const RunOutputPaths& x)
{
    // Output folders are created as needed (out/ of the quick start on a fresh clone).
    for (const std::string& path : {x.trace, x.summaryJson})
    {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ignored; // an uncreatable folder is reported when the file is opened
        if (!path.empty() && !parent.empty())
        {
            std::filesystem::create_directories(parent, ignored);
        }
    }
}

std::unique_ptr<TraceRecorder>
OpenTrace(const Experiment& x, const Fabric& fabric, const std::string& resolvedYaml)
{
    if (x.outputs.trace.empty())
    {
        return nullptr;
    }
    const auto flushEvery = std::chrono::milliseconds(x.outputs.traceFlush.GetMilliSeconds());
    auto trace = std::make_unique<TraceRecorder>(x.outputs.trace, RunObserver::Enums(), 2 * fabric.Links().size(),
                                                 x.outputs.throughputBin.ToDouble(ns3::Time::NS), flushEvery);
    trace->SetMeta("ofab_version", std::string(OFAB_VERSION));
    trace->SetMeta("ns3_version", std::string("3.37"));
    trace->SetMeta("seed", static_cast<int64_t>(x.seed));
    trace->SetMeta("experiment", x.name);
    trace->SetMeta("config_yaml", resolvedYaml);
    trace->SetTransactionSample(x.outputs.transactionSample);
    return trace;
}

namespace
{
/// The trace's /summary: the headline figures as attributes and the whole summary as JSON.
void
FinishTraceFile(TraceRecorder& trace, const RunSummary& s, const std::string& summaryJson)
{
    trace.Finish({{"issued", double(s.issued)},
                  {"completed", double(s.completed)},
                  {"failed", double(s.failed)},
                  {"in_flight", double(s.inFlight)},
                  {"latency_p50_ns", s.latencyP50Ns},
                  {"latency_p99_ns", s.latencyP99Ns},
                  {"throughput_gbps", s.throughputGbps},
                  {"flit_hops", double(s.flitHops)},
                  {"stalls", double(s.stalls)}},
                 summaryJson);
}
} // namespace

bool
FinishTrace(TraceRecorder& trace, const RunResult& result, nlohmann::ordered_json& summary)
{
    const RunSummary& s = result.summary;
    trace.SetMeta("wall_time_s", result.wallS);
    // How it ran (0 threads: the sequential core). Attributes, not datasets: a trace's data is the
    // same for any thread count, its /meta says which one wrote it.
    trace.SetMeta("threads", int64_t{result.threads});
    trace.SetMeta("partitions", int64_t{result.partitions});
    try
    {
        FinishTraceFile(trace, s, summary.dump());
    }
    catch (const TraceError& e)
    {
        summary["trace_status"] = std::string("incomplete: ") + e.what();
        std::fprintf(stderr, "ofab: error: the trace %s could not be completed: %s\n", trace.Path().c_str(), e.what());
        return false;
    }
    summary["trace_status"] = "complete";
    summary["trace_bytes"] = trace.FileBytes();
    return true;
}

nlohmann::ordered_json
SummaryJson(const Experiment& x, const RunResult& result, const std::string& trace)
{
    const RunSummary& s = result.summary;
    const uint64_t events = result.events;
    const double wallS = result.wallS;
    nlohmann::ordered_json j;
    j["experiment"] = x.name;
    j["file"] = x.file;
    j["seed"] = x.seed;
    j["accelerators"] = x.graph.NumAccelerators();
    const FabricFacts& f = result.fabric;
    auto optional = [](const auto& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr); };
    j["fabric"] = {{"accelerators", f.accelerators},
                   {"switches", f.switches},
                   {"links", f.links},
                   {"lasers", f.lasers},
                   {"laser_lines", f.laserLines},
                   {"link_rate_gbps", f.linkRateGbps},
                   {"diameter_hops", f.diameterHops},
                   {"mean_hops", f.meanHops},
                   {"bisection_links", optional(f.bisectionLinks)},
                   {"bisection_gbps", optional(f.bisectionGbps)},
                   {"optics_power_w", f.opticsPowerW},
                   {"optics_pj_per_bit", f.opticsPjPerBit}};
    j["transactions"] = {{"issued", s.issued},
                         {"completed", s.completed},
                         {"failed", s.failed},
                         {"in_flight", s.inFlight},
                         {"failed_by_reason", s.failedByReason}};
    j["latency_ns"] = {{"mean", s.latencyMeanNs},
                       {"p50", s.latencyP50Ns},
                       {"p99", s.latencyP99Ns},
                       {"p999", s.latencyP999Ns},
                       {"max", s.latencyMaxNs}};
    j["faults"] = {{"injected", s.faultsInjected}, {"repairs", s.repairs}};
    auto latency = [](const LatencyWindow& w) {
        return nlohmann::ordered_json{{"count", w.count}, {"p50", w.p50}, {"p99", w.p99}, {"p999", w.p999}};
    };
    auto& recovery = j["fault_recovery"] = nlohmann::ordered_json::array();
    for (const auto& r : s.recovery)
    {
        recovery.push_back(
            {{"time_ns", r.faultNs},
             {"kind", r.kind},
             {"element", r.element},
             {"pre_fault_gbps", r.preFaultGbps},
             {"t_recover95_ns",
              r.recover95Ns ? nlohmann::ordered_json(*r.recover95Ns) : nlohmann::ordered_json(nullptr)},
             {"degraded_to", r.degradedTo ? nlohmann::ordered_json(*r.degradedTo) : nlohmann::ordered_json(nullptr)},
             {"t_settled_ns", r.settledNs ? nlohmann::ordered_json(*r.settledNs) : nlohmann::ordered_json(nullptr)},
             {"recovery_hold_ns", r.holdNs},
             {"noise_allowance_ns", r.noiseAllowanceNs},
             {"loss_convergence_ns", r.lossConvergenceNs},
             {"failed_transactions", r.failedTransactions},
             {"retried_transactions", r.retriedTransactions},
             {"latency_ns",
              {{"before", latency(r.before)}, {"during", latency(r.during)}, {"after", latency(r.after)}}}});
        if (!s.controllerPolicy.empty())
        {
            auto optional = [](const std::optional<double>& v) {
                return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
            };
            auto& last = recovery.back();
            last["link_changed"] = r.linkChange;
            last["t_detect_ns"] = optional(r.detectNs);
            last["t_reroute_ns"] = optional(r.rerouteNs);
            last["t_optimised_ns"] = optional(r.optimisedNs);
            last["routers_updated"] = r.routersUpdated;
            last["unprotected_entries"] = r.unprotected;
            last["partitioned_pairs"] = r.partitionedPairs;
            last["partition_examples"] = r.partitionExamples;
        }
    }
    if (!s.controllerPolicy.empty())
    {
        j["controller"] = {{"policy", s.controllerPolicy}, {"stalls", s.stalls}};
    }
    j["stalls"] = s.stalls;
    j["starved"] = s.starved;
    auto& bound = j["credit_bound"] = nlohmann::ordered_json::array();
    for (const CreditBound& b : s.creditBound)
    {
        bound.push_back(
            {{"vc", b.vc}, {"credit", b.creditClass}, {"share", b.share}, {"idle_ns", b.idleNs}, {"ports", b.ports}});
    }
    j["throughput_gbps"] = s.throughputGbps;
    j["payload_bytes"] = s.payloadBytes;
    j["mean_request_hops"] = s.meanRequestHops;
    j["flit_hops"] = s.flitHops;
    j["flits_replayed"] = s.flitsReplayed;
    j["events"] = events;
    j["wall_s"] = wallS;
    j["flit_hops_per_wall_s"] = wallS > 0 ? static_cast<double>(s.flitHops) / wallS : 0.0;
    j["events_per_wall_s"] = wallS > 0 ? static_cast<double>(events) / wallS : 0.0;
    j["sim_time_ns"] = result.simTimeNs;
    j["threads"] = result.threads; // 0: the sequential core
    j["partitions"] = result.partitions;
    j["windows"] = result.windows;
    if (result.threads > 0)
    {
        // The part of wall_s no thread count shortens: the bound on speed-up is wall_s / serial_wall_s.
        j["serial_wall_s"] = result.serialWallS;
    }
    j["trace"] = trace;
    AddWorkloadJson(j, s);
    AddOcsJson(j, result.ocs);
    return j;
}

void
PrintTable(const RunResult& result, const std::string& trace)
{
    const RunSummary& s = result.summary;
    const uint64_t events = result.events;
    const double wallS = result.wallS;
    std::printf("\n  transactions  issued %llu  completed %llu  failed %llu  in flight %llu\n",
                (unsigned long long)s.issued, (unsigned long long)s.completed, (unsigned long long)s.failed,
                (unsigned long long)s.inFlight);
    for (const auto& [reason, n] : s.failedByReason)
    {
        std::printf("                failed: %s %llu\n", reason.c_str(), (unsigned long long)n);
    }
    if (s.faultsInjected + s.repairs > 0)
    {
        std::printf("  faults        %llu injected, %llu repairs (every one is an /events row of the trace)\n",
                    (unsigned long long)s.faultsInjected, (unsigned long long)s.repairs);
    }
    for (const auto& r : s.recovery)
    {
        std::string recovered =
            r.recover95Ns ? std::to_string(static_cast<long long>(*r.recover95Ns)) + " ns" : "not by the end";
        if (r.degradedTo)
        {
            // The fault's window ends at the next fault: only the last one's loss can be called permanent.
            const bool last = &r == &s.recovery.back();
            recovered += std::string(last ? " (degraded permanently to " : " (degraded by the next fault to ") +
                         std::to_string(std::lround(100 * *r.degradedTo)) + " %" +
                         (r.settledNs ? ", settled at " + std::to_string(std::llround(*r.settledNs)) + " ns)" : ")");
        }
        auto p99 = [](const LatencyWindow& w) {
            return w.count ? std::to_string(std::lround(w.p99)) : std::string("-");
        };
        // "fibre_cut link 10", but "switch sw.p0" and "accelerator a1": their element names the kind
        const bool named = r.element.rfind(r.kind + " ", 0) == 0;
        const std::string what = named ? r.element : r.kind + " " + r.element;
        std::printf("  fault at %.0f ns  %s: T_recover95 %s, loss-derived %.0f ns, %llu failed (%llu retried); "
                    "p99 before/during/after %s/%s/%s ns\n",
                    r.faultNs, what.c_str(), recovered.c_str(), r.lossConvergenceNs,
                    (unsigned long long)r.failedTransactions, (unsigned long long)r.retriedTransactions,
                    p99(r.before).c_str(), p99(r.during).c_str(), p99(r.after).c_str());
        if (!s.controllerPolicy.empty() && !r.linkChange)
        {
            std::printf("      %s controller: no link changed (nothing to reroute)\n", s.controllerPolicy.c_str());
        }
        else if (!s.controllerPolicy.empty())
        {
            auto ns = [](const std::optional<double>& v) {
                return v ? std::to_string(std::llround(*v)) + " ns" : std::string("never");
            };
            std::printf("      %s controller: T_detect %s, T_reroute %s, re-optimised %s, %u routers updated",
                        s.controllerPolicy.c_str(), ns(r.detectNs).c_str(), ns(r.rerouteNs).c_str(),
                        ns(r.optimisedNs).c_str(), r.routersUpdated);
            if (r.unprotected > 0)
            {
                std::printf(", %u entries without a local alternate", r.unprotected);
            }
            if (r.partitionedPairs > 0)
            {
                std::printf(", PARTITION: %llu pairs cut off (e.g. %s)", (unsigned long long)r.partitionedPairs,
                            r.partitionExamples.empty() ? "" : r.partitionExamples.front().c_str());
            }
            std::printf("\n");
        }
    }
    if (s.stalls > 0)
    {
        std::printf("  STALLS        %llu ports stopped sending with messages queued, %llu ports starved a message "
                    "(see the stall and starved rows of /events)\n",
                    (unsigned long long)(s.stalls - s.starved), (unsigned long long)s.starved);
    }
    for (const CreditBound& b : s.creditBound)
    {
        if (b.share > kCreditBoundShare)
        {
            std::printf("  credit-bound  %.1f %% of port time idle for %s credits of VC %u (%u ports)\n",
                        100.0 * b.share, b.creditClass.c_str(), b.vc, b.ports);
        }
    }
    PrintOcsMoves(result.ocs);
    std::printf("  latency       p50 %.1f ns  p99 %.1f ns  p99.9 %.1f ns  max %.1f ns\n", s.latencyP50Ns,
                s.latencyP99Ns, s.latencyP999Ns, s.latencyMaxNs);
    std::printf("  throughput    %.1f Gb/s of completed payload, %.2f request hops on average\n", s.throughputGbps,
                s.meanRequestHops);
    std::printf("  data link     %llu flit-hops, %llu replayed\n", (unsigned long long)s.flitHops,
                (unsigned long long)s.flitsReplayed);
    PrintWorkloadResults(s);
    std::printf("  simulation    %.1f ns simulated, %llu events in %.2f s wall (%.2f M events/s)\n", result.simTimeNs,
                (unsigned long long)events, wallS, wallS > 0 ? events / wallS / 1e6 : 0.0);
    if (!trace.empty())
    {
        std::printf("  trace         %s\n", trace.c_str());
    }
}

void
WriteJsonFile(const std::string& path, const nlohmann::ordered_json& j)
{
    // Write beside, then rename: a reader never sees a half-written summary.
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp);
        if (!out)
        {
            throw TraceError("cannot write the summary " + path);
        }
        out << j.dump(2) << "\n";
        out.close(); // the buffered tail is written here: a full disk shows now, not never
        if (out.fail())
        {
            std::remove(tmp.c_str());
            throw TraceError("cannot write the summary " + path + " (disk full?)");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw TraceError("cannot write the summary " + path);
    }
}

} // namespace ofab
