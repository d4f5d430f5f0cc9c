#include "fabric/helper/experiment-runner.h"

#include "protocols/model/bucket-scheduler.h"
#include "protocols/model/fabric-simulator-impl.h"

#include "ns3/global-value.h"
#include "ns3/object-factory.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <chrono>

namespace ofab
{

ExperimentRunner::ExperimentRunner(Experiment& experiment, const ConfigDocument& doc)
    : m_experiment(experiment)
{
    // A calendar of 128 ps buckets (protocols/model/bucket-scheduler.h): the fabric's ~10^3 pending
    // events are nearly all a few ns ahead, so an event costs a bucket append and a share of one
    // small sort instead of a binary heap's log2(n) steps twice. Same event order as every ns-3
    // scheduler (time, then uid), so the same results.
    ns3::ObjectFactory scheduler;
    scheduler.SetTypeId(BucketScheduler::GetTypeId());
    // The simulator core is created on first use from this global setting: the fabric core
    // (protocols/model/fabric-simulator-impl.h: ns-3's sequential semantics, less work per event)
    // for this run only, the previous setting back at once for whatever runs after it.
    ns3::StringValue previousCore;
    ns3::GlobalValue::GetValueByName("SimulatorImplementationType", previousCore);
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ofab::FabricSimulatorImpl"));
    FabricSimulatorImpl::GetTypeId(); // registered before ns-3 looks the name up
    ns3::Simulator::SetScheduler(scheduler);
    ns3::GlobalValue::Bind("SimulatorImplementationType", previousCore);
    ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(experiment.seed));
    ns3::RngSeedManager::SetRun(1);
    try
    {
        m_fabric = std::make_unique<Fabric>(experiment.graph, experiment.fabric);
    }
    catch (const ParameterError& e)
    {
        throw doc.ErrorAt("topology", experiment.topologyMark, e.Message());
    }
    try
    {
        // Checked against the fabric before anything is scheduled (a bad source index is a ConfigError).
        m_faults = ns3::CreateObject<FaultInjector>();
        m_faults->Configure(*m_fabric, experiment.faults);
        // Channels first, then each workload in file order, then the faults: adding a workload never
        // changes the links' draws, and adding faults never changes the workloads'.
        int64_t stream = m_fabric->AssignStreams(0);
        const WorkloadContext ctx = MakeWorkloadContext(m_fabric->Endpoints(), experiment.duration);
        for (std::size_t i = 0; i < experiment.workloads.size(); ++i)
        {
            experiment.workloadKeys[i].Guard([&] { experiment.workloads[i]->Install(ctx); });
            stream += experiment.workloads[i]->AssignStreams(stream);
        }
        m_faults->AssignStreams(stream);
        m_faults->Install(experiment.duration); // draws the stochastic schedule: streams must be set
        if (experiment.controller)
        {
            m_controller = experiment.controller->Create<RerouteController>();
            m_controller->Attach(*m_fabric);
        }
    }
    catch (...)
    {
        // Events already scheduled (an earlier workload) must not outlive the objects they point at.
        ns3::Simulator::Destroy();
        throw;
    }
}

ExperimentRunner::~ExperimentRunner()
{
    if (m_controller)
    {
        m_controller->Dispose(); // its stall detector holds events
    }
    ns3::Simulator::Destroy();
}

RunResult
ExperimentRunner::Run(TraceRecorder* trace)
{
    RunObserver observer(*m_fabric, trace, m_experiment.outputs.throughputBin, m_experiment.duration);
    observer.Start();
    observer.WatchFaults(m_faults);
    observer.WatchController(m_controller);
    observer.SetRecoveryWindow(m_experiment.outputs.recoveryWindow);
    observer.SetRecoveryReference(m_experiment.outputs.recoveryReference);
    const auto start = std::chrono::steady_clock::now();
    ns3::Simulator::Stop(m_experiment.duration);
    ns3::Simulator::Run();
    RunResult r;
    r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.events = ns3::Simulator::GetEventCount();
    r.simTimeNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    r.summary = observer.Finish(m_experiment.workloads);
    return r;
}

} // namespace ofab
