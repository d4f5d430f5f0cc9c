#include "fabric/app/run-command.h"

#include "fabric/config/attribute-binder.h"
#include "fabric/config/config-document.h"
#include "fabric/config/experiment.h"
#include "fabric/config/variants.h"
#include "fabric/helper/experiment-runner.h"
#include "fabric/trace/trace-recorder.h"

#include "ns3/simulator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace ofab
{

namespace
{

// A signal handler can only reach file-level state: this flag is the one place ofab keeps any.
volatile std::sig_atomic_t g_interrupted = 0;

void
OnSigint(int)
{
    g_interrupted = 1;
}

using Clock = std::chrono::steady_clock;

/// Progress on stderr: simulated time, wall time, events/s; also where Ctrl-C stops the run.
class Progress
{
  public:
    Progress(ns3::Time duration, bool quiet)
        : m_duration(duration),
          m_quiet(quiet),
          m_tty(isatty(STDERR_FILENO) != 0),
          m_start(Clock::now()),
          m_lastPrint(m_start)
    {
        // Check about a thousand times per run: often enough to answer Ctrl-C quickly.
        m_step = ns3::PicoSeconds(std::max<int64_t>(1, duration.GetPicoSeconds() / 1000));
    }

    void Start() { ns3::Simulator::Schedule(m_step, &Progress::Tick, this); }

    void Tick()
    {
        if (g_interrupted)
        {
            ns3::Simulator::Stop();
            return;
        }
        const auto now = Clock::now();
        // On a terminal, redraw four times a second; in a log, a line every ten seconds.
        const double every = m_tty ? 0.25 : 10.0;
        if (!m_quiet && std::chrono::duration<double>(now - m_lastPrint).count() >= every)
        {
            Print(now, false);
            m_lastPrint = now;
        }
        if (ns3::Simulator::Now() + m_step <= m_duration)
        {
            ns3::Simulator::Schedule(m_step, &Progress::Tick, this);
        }
    }

    void Done()
    {
        if (!m_quiet && m_printed)
        {
            Print(Clock::now(), true);
        }
    }


  private:
    void Print(Clock::time_point now, bool last)
    {
        const double wall = std::chrono::duration<double>(now - m_start).count();
        const double frac = ns3::Simulator::Now().GetSeconds() / m_duration.GetSeconds();
        const int width = 30;
        const int filled = static_cast<int>(frac * width + 0.5);
        const double rate = wall > 0 ? static_cast<double>(ns3::Simulator::GetEventCount()) / wall : 0;
        std::fprintf(stderr, "%s[%-*s] %5.1f%%  sim %.3f / %.3f us  wall %.1f s  %.2f M events/s%s",
                     m_tty ? "\r" : "", width, std::string(filled, '#').c_str(), 100 * frac,
                     ns3::Simulator::Now().ToDouble(ns3::Time::US), m_duration.ToDouble(ns3::Time::US), wall,
                     rate / 1e6, (m_tty && !last) ? "" : "\n");
        std::fflush(stderr);
        m_printed = true;
    }

    ns3::Time m_duration;
    ns3::Time m_step;
    bool m_quiet;
    bool m_tty;
    bool m_printed = false;
    Clock::time_point m_start;
    Clock::time_point m_lastPrint;
};

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
        recovery.push_back({{"time_ns", r.faultNs},
                            {"kind", r.kind},
                            {"element", r.element},
                            {"pre_fault_gbps", r.preFaultGbps},
                            {"t_recover95_ns", r.recover95Ns ? nlohmann::ordered_json(*r.recover95Ns)
                                                             : nlohmann::ordered_json(nullptr)},
                            {"loss_convergence_ns", r.lossConvergenceNs},
                            {"failed_transactions", r.failedTransactions},
                            {"latency_ns", {{"before", latency(r.before)},
                                            {"during", latency(r.during)},
                                            {"after", latency(r.after)}}}});
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
    j["trace"] = trace;
    auto& c = j["collectives"] = nlohmann::ordered_json::array();
    for (const auto& r : s.collectives)
    {
        c.push_back({{"name", r.name},
                     {"algorithm", r.algorithm},
                     {"repetition", r.repetition},
                     {"ranks", r.ranks},
                     {"bytes", r.bytes},
                     {"status", ToString(r.status)},
                     {"start_ns", r.start.ToDouble(ns3::Time::NS)},
                     {"time_ns", r.Duration().ToDouble(ns3::Time::NS)},
                     {"algbw_gbps", r.algbwGbps},
                     {"busbw_gbps", r.busbwGbps},
                     {"retries", r.retries}});
    }
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
        const std::string recovered =
            r.recover95Ns ? std::to_string(static_cast<long long>(*r.recover95Ns)) + " ns" : "not by the end";
        auto p99 = [](const LatencyWindow& w) { return w.count ? std::to_string(std::lround(w.p99)) : std::string("-"); };
        std::printf("  fault at %.0f ns  %s %s: T_recover95 %s, loss-derived %.0f ns, %llu failed; "
                    "p99 before/during/after %s/%s/%s ns\n",
                    r.faultNs, r.kind.c_str(), r.element.c_str(), recovered.c_str(), r.lossConvergenceNs,
                    (unsigned long long)r.failedTransactions, p99(r.before).c_str(), p99(r.during).c_str(),
                    p99(r.after).c_str());
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
        std::printf("  STALLS        %llu ports stopped sending with messages queued (see the stall rows of /events)\n",
                    (unsigned long long)s.stalls);
    }
    std::printf("  latency       p50 %.1f ns  p99 %.1f ns  p99.9 %.1f ns  max %.1f ns\n", s.latencyP50Ns, s.latencyP99Ns,
                s.latencyP999Ns, s.latencyMaxNs);
    std::printf("  throughput    %.1f Gb/s of completed payload, %.2f request hops on average\n", s.throughputGbps,
                s.meanRequestHops);
    std::printf("  data link     %llu flit-hops, %llu replayed\n", (unsigned long long)s.flitHops,
                (unsigned long long)s.flitsReplayed);
    for (const auto& c : s.collectives)
    {
        std::printf("  collective    %s (%s, %u ranks, %llu B) #%u: %s, %.1f ns, algbw %.1f Gb/s, busbw %.1f Gb/s%s\n",
                    c.name.c_str(), c.algorithm.c_str(), c.ranks, (unsigned long long)c.bytes, c.repetition,
                    ToString(c.status), c.Duration().ToDouble(ns3::Time::NS), c.algbwGbps, c.busbwGbps,
                    c.retries ? (", " + std::to_string(c.retries) + " writes retried").c_str() : "");
    }
    std::printf("  simulation    %.1f ns simulated, %llu events in %.2f s wall (%.2f M events/s)\n",
                result.simTimeNs, (unsigned long long)events, wallS,
                wallS > 0 ? events / wallS / 1e6 : 0.0);
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
        if (!out)
        {
            throw TraceError("cannot write the summary " + path + " (disk full?)");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw TraceError("cannot write the summary " + path);
    }
}

/// Loads the file with the command line's --set and then `extra` (a variant's) applied.
ConfigDocument
LoadDocument(const RunOptions& options, const std::vector<std::string>& extra)
{
    ConfigDocument doc = ConfigDocument::Load(options.file);
    for (const auto& o : options.overrides)
    {
        doc.ApplyOverride(o);
    }
    for (const auto& o : extra)
    {
        doc.ApplyOverride(o);
    }
    return doc;
}

/// Runs one experiment document (one variant when `variant` is set: its outputs get "-<variant>").
/// Fills `json` with the summary; returns the exit code.
int
RunDocument(const ConfigDocument& doc, const RunOptions& options, const std::string& variant,
            nlohmann::ordered_json& json)
{
    Experiment x = LoadExperiment(doc);
    if (options.seed != 0)
    {
        x.seed = options.seed;
    }
    if (!options.trace.empty())
    {
        x.outputs.trace = options.trace;
    }
    if (!options.summaryJson.empty())
    {
        x.outputs.summaryJson = options.summaryJson;
    }
    x.outputs.trace = VariantPath(x.outputs.trace, variant);
    x.outputs.summaryJson = VariantPath(x.outputs.summaryJson, variant);
    YAML::Emitter resolved;
    resolved << x.Resolved();
    if (options.dryRun)
    {
        if (!variant.empty())
        {
            std::cout << "--- # variant: " << variant << "\n";
        }
        std::cout << resolved.c_str() << "\n";
        return 0;
    }

    // Output folders are created as needed (out/ of the quick start on a fresh clone).
    for (const std::string& path : {x.outputs.trace, x.outputs.summaryJson})
    {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ignored; // an uncreatable folder is reported when the file is opened
        if (!path.empty() && !parent.empty())
        {
            std::filesystem::create_directories(parent, ignored);
        }
    }
    ExperimentRunner runner(x, doc);
    Fabric& fabric = runner.GetFabric();
    std::unique_ptr<TraceRecorder> trace;
    if (!x.outputs.trace.empty())
    {
        trace = std::make_unique<TraceRecorder>(x.outputs.trace, RunObserver::Enums(), 2 * fabric.Links().size(),
                                                x.outputs.throughputBin.ToDouble(ns3::Time::NS));
        trace->SetMeta("ofab_version", std::string(OFAB_VERSION));
        trace->SetMeta("ns3_version", std::string("3.37"));
        trace->SetMeta("seed", static_cast<int64_t>(x.seed));
        trace->SetMeta("experiment", x.name);
        if (!variant.empty())
        {
            trace->SetMeta("variant", variant);
        }
        trace->SetMeta("config_yaml", std::string(resolved.c_str()));
    }
    if (!options.quiet && !variant.empty())
    {
        std::fprintf(stderr, "ofab: variant %s\n", variant.c_str());
    }
    Progress progress(x.duration, options.quiet);
    progress.Start();

    g_interrupted = 0;
    auto previous = std::signal(SIGINT, OnSigint);
    const RunResult result = runner.Run(trace.get());
    std::signal(SIGINT, previous);
    progress.Done();
    const RunSummary& summary = result.summary;
    if (g_interrupted)
    {
        if (trace)
        {
            trace->Abandon("interrupted (SIGINT) at " + FormatTime(ns3::Simulator::Now()));
        }
        std::fprintf(stderr, "ofab: interrupted; the trace is marked incomplete\n");
        return 130;
    }
    json = SummaryJson(x, result, x.outputs.trace);
    if (!variant.empty())
    {
        json["variant"] = variant;
    }
    if (trace)
    {
        trace->SetMeta("wall_time_s", result.wallS);
        trace->Finish({{"issued", double(summary.issued)},
                       {"completed", double(summary.completed)},
                       {"failed", double(summary.failed)},
                       {"in_flight", double(summary.inFlight)},
                       {"latency_p50_ns", summary.latencyP50Ns},
                       {"latency_p99_ns", summary.latencyP99Ns},
                       {"throughput_gbps", summary.throughputGbps},
                       {"flit_hops", double(summary.flitHops)}},
                      json.dump());
    }
    if (!x.outputs.summaryJson.empty())
    {
        WriteJsonFile(x.outputs.summaryJson, json);
    }
    if (!options.quiet)
    {
        std::printf("ofab run: %s%s%s (%s)\n", x.name.c_str(), variant.empty() ? "" : ", variant ", variant.c_str(),
                    x.file.c_str());
        PrintTable(result, x.outputs.trace);
    }
    return 0;
}

/// The variants' figures side by side: one row per variant and fault.
void
PrintComparison(const nlohmann::ordered_json& runs)
{
    auto ns = [](const nlohmann::ordered_json& v) {
        return v.is_null() ? std::string("never") : std::to_string(std::llround(v.get<double>()));
    };
    std::printf("\nvariants compared (times from the fault, ns; 'never' = not within the run)\n");
    std::printf("  %-14s %-7s %-20s %9s %10s %12s %11s %7s %11s  %s\n", "variant", "policy", "fault", "T_detect",
                "T_reroute", "T_recover95", "loss-conv.", "failed", "p99 during", "first collective");
    for (const auto& r : runs)
    {
        const std::string policy = r.contains("controller") ? r["controller"]["policy"].get<std::string>() : "none";
        std::string collective = "-";
        if (!r["collectives"].empty())
        {
            const auto& c = r["collectives"].front();
            char text[96];
            std::snprintf(text, sizeof text, "%s in %.1f us, %llu retried", c["status"].get<std::string>().c_str(),
                          c["time_ns"].get<double>() / 1000.0, (unsigned long long)c["retries"].get<uint64_t>());
            collective = text;
        }
        if (r["fault_recovery"].empty())
        {
            std::printf("  %-14s %-7s %-20s %79s  %s\n", r["variant"].get<std::string>().c_str(), policy.c_str(),
                        "(no fault)", "", collective.c_str());
        }
        for (const auto& f : r["fault_recovery"])
        {
            const std::string fault = f["kind"].get<std::string>() + " " + f["element"].get<std::string>();
            const auto& during = f["latency_ns"]["during"];
            const bool watched = f.contains("link_changed") && f["link_changed"].get<bool>();
            std::printf("  %-14s %-7s %-20.20s %9s %10s %12s %11.0f %7llu %11s  %s\n", r["variant"].get<std::string>().c_str(),
                        policy.c_str(), fault.c_str(), watched ? ns(f["t_detect_ns"]).c_str() : "-",
                        watched ? ns(f["t_reroute_ns"]).c_str() : "-",
                        ns(f["t_recover95_ns"]).c_str(), f["loss_convergence_ns"].get<double>(),
                        (unsigned long long)f["failed_transactions"].get<uint64_t>(),
                        during["count"].get<uint64_t>() ? ns(during["p99"]).c_str() : "-", collective.c_str());
        }
    }
}

} // namespace

int
RunExperiment(const RunOptions& options)
{
    const ConfigDocument doc = LoadDocument(options, {});
    std::vector<Variant> variants = ReadVariants(doc);
    if (variants.empty())
    {
        if (!options.variant.empty())
        {
            throw ConfigError(SourceLocation{options.file}, "variants", "--variant given, but the file has no variants");
        }
        nlohmann::ordered_json json;
        return RunDocument(doc, options, "", json);
    }
    if (!options.variant.empty())
    {
        std::vector<std::string> names;
        for (const auto& v : variants)
        {
            names.push_back(v.name);
        }
        const auto it = std::find_if(variants.begin(), variants.end(),
                                     [&](const Variant& v) { return v.name == options.variant; });
        if (it == variants.end())
        {
            const std::string near = NearestName(options.variant, names);
            throw ConfigError(SourceLocation{options.file}, "variants",
                              "no variant '" + options.variant + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                                  "; the file has " + ListNames(names));
        }
        variants = {*it};
    }
    // Every variant is checked before the first one runs: a typo in the last must not cost the others.
    for (const auto& v : variants)
    {
        LoadExperiment(LoadDocument(options, v.overrides));
    }
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& v : variants)
    {
        nlohmann::ordered_json json;
        const int code = RunDocument(LoadDocument(options, v.overrides), options, v.name, json);
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
    const Experiment base = LoadExperiment(doc);
    const std::string combined = options.summaryJson.empty() ? base.outputs.summaryJson : options.summaryJson;
    if (!combined.empty())
    {
        WriteJsonFile(combined, nlohmann::ordered_json{{"experiment", base.name}, {"variants", runs}});
    }
    if (!options.quiet)
    {
        PrintComparison(runs);
    }
    return 0;
}

} // namespace ofab
