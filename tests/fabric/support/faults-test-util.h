#ifndef OFAB_TESTS_FAULTS_UTIL_H
#define OFAB_TESTS_FAULTS_UTIL_H

// Shared by the faults suite: run an experiment written as YAML in-process (LoadExperiment +
// ExperimentRunner, as `ofab run` does) and record what the fault injector and the channels report.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/faults/fault-injector.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ofab
{
namespace faultstest
{

/// Every Fault trace call, in order.
struct FaultLog
{
    struct Entry
    {
        double timeNs;
        FaultKind kind;
        std::string element;
        std::string detail;
        bool repair;
    };
    std::vector<Entry> entries;

    void On(ns3::Time t, FaultKind k, const std::string& element, const std::string& detail, bool repair)
    {
        entries.push_back({t.ToDouble(ns3::Time::NS), k, element, detail, repair});
    }
    void Attach(FaultInjector& injector)
    {
        injector.TraceConnectWithoutContext("Fault", ns3::MakeCallback(&FaultLog::On, this));
    }
};

/// Loss of signal / restore events of every channel: (time ns, link, receiving end, restored).
struct SignalLog
{
    struct Entry
    {
        double timeNs;
        uint32_t link;
        uint8_t end;
        bool restored;
    };
    std::vector<Entry> entries;

    static void OnLoss(SignalLog* self, uint32_t link, uint8_t end)
    {
        self->entries.push_back({ns3::Simulator::Now().ToDouble(ns3::Time::NS), link, end, false});
    }
    static void OnRestored(SignalLog* self, uint32_t link, uint8_t end)
    {
        self->entries.push_back({ns3::Simulator::Now().ToDouble(ns3::Time::NS), link, end, true});
    }
    void Attach(Fabric& fabric)
    {
        for (const FabricLink& l : fabric.Links())
        {
            l.channel->TraceConnectWithoutContext("LossOfSignal",
                                                  ns3::MakeBoundCallback(&SignalLog::OnLoss, this, l.id));
            l.channel->TraceConnectWithoutContext("SignalRestored",
                                                  ns3::MakeBoundCallback(&SignalLog::OnRestored, this, l.id));
        }
    }
};

/// A small fabric for randomised fault schedules: its topology section and what the schedule may pick.
struct Shape
{
    const char* topology;
    uint32_t links;
    uint32_t accelerators;
    bool switches;
};

/// A time in ns as an experiment file writes it.
inline std::string
Ns(uint32_t ns)
{
    return std::to_string(ns) + "ns";
}

using BeforeRun = std::function<void(ExperimentRunner&)>;
using AfterRun = std::function<void(ExperimentRunner&, const RunResult&)>;

/// Parses and runs `yaml` once (link files relative to the project root, the suite's working
/// directory); `trace` may name an HDF5 file to write. The simulator is destroyed on return.
inline RunResult
RunYaml(const std::string& yaml, const BeforeRun& before = nullptr, const AfterRun& after = nullptr,
        const std::string& tracePath = "")
{
    ConfigDocument doc = ConfigDocument::Parse(yaml, "faults-test.yaml");
    if (const char* threads = std::getenv("OFAB_TEST_THREADS"); threads != nullptr && !doc.Root()["run"])
    {
        doc.ApplyOverride(std::string("run.threads=") + threads); // the suite again on the parallel core
    }
    Experiment x = LoadExperiment(doc);
    RunResult result;
    ExperimentRunner runner(x, doc);
    if (before)
    {
        before(runner);
    }
    std::unique_ptr<TraceRecorder> trace;
    if (!tracePath.empty())
    {
        trace = std::make_unique<TraceRecorder>(tracePath, RunObserver::Enums(), 2 * runner.GetFabric().Links().size(),
                                                x.outputs.throughputBin.ToDouble(ns3::Time::NS));
    }
    result = runner.Run(trace.get());
    if (trace)
    {
        trace->Finish({}, "{}");
    }
    if (x.threads > 0 && result.threads != x.threads)
    {
        // The suite's second run must really be on the parallel core, or it proves nothing.
        throw std::logic_error("asked for " + std::to_string(x.threads) + " threads, ran on " +
                               std::to_string(result.threads));
    }
    if (after)
    {
        after(runner, result);
    }
    return result;
}

/// The ConfigError text an experiment gets, from loading or from building its runner; "no error" if none.
inline std::string
ErrorOf(const std::string& yaml)
{
    try
    {
        const ConfigDocument doc = ConfigDocument::Parse(yaml, "exp.yaml");
        Experiment x = LoadExperiment(doc);
        ExperimentRunner runner(x, doc);
    }
    catch (const ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace faultstest
} // namespace ofab

#endif
