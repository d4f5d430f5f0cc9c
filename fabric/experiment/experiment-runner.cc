#include "ofab/fabric/experiment/experiment-runner.h"

#include "ofab/fabric/control/stall-detector.h"
#include "ofab/fabric/routing/route-planner.h"
#include "ofab/foundation/kernel/fabric-simulator-impl.h"

#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <chrono>

namespace ofab
{

ExperimentRunner::ExperimentRunner(Experiment& experiment, const ConfigDocument& doc)
    : m_experiment(experiment)
{
    SelectFabricSimulator();
    ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(experiment.seed));
    ns3::RngSeedManager::SetRun(1);
    try
    {
        m_fabric = std::make_unique<Fabric>(experiment.graph, experiment.fabric);
        InstallInitialRoutes(*m_fabric);
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
            m_incidents = std::make_unique<IncidentLog>(m_controller);
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

std::vector<IncidentRecord>
ExperimentRunner::GetIncidents() const
{
    return m_incidents ? m_incidents->Incidents() : std::vector<IncidentRecord>{};
}

RunResult
ExperimentRunner::Run(TraceRecorder* trace)
{
    RunObserver observer(*m_fabric, trace, m_experiment.outputs.throughputBin, m_experiment.duration);
    observer.Start();
    observer.WatchFaults(m_faults);
    observer.WatchController(m_controller, m_incidents.get());
    observer.SetRecoveryWindow(m_experiment.outputs.recoveryWindow);
    observer.SetRecoveryReference(m_experiment.outputs.recoveryReference);
    // Every run watches for stalls and starvation: a controller's detector does with a controller
    // (its stall_timeout), the run's own otherwise (outputs.stall_timeout), reporting to the same rows.
    std::unique_ptr<StallDetector> stalls;
    if (!m_controller && m_experiment.outputs.stallTimeout.IsStrictlyPositive())
    {
        stalls = std::make_unique<StallDetector>(
            *m_fabric, m_experiment.outputs.stallTimeout,
            [&observer](const char* kind, const std::string& node, uint16_t port, const std::string& detail) {
                observer.RecordDetection(kind, node + " port " + std::to_string(port), detail);
            });
        stalls->Start();
    }
    RunResult r;
    r.fabric = DescribeFabric(*m_fabric); // as built: the faults have not happened yet
    const auto start = std::chrono::steady_clock::now();
    ns3::Simulator::Stop(m_experiment.duration);
    ns3::Simulator::Run();
    r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.events = ns3::Simulator::GetEventCount();
    r.simTimeNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    r.summary = observer.Finish(m_experiment.workloads);
    if (stalls)
    {
        r.summary.stalls = stalls->GetStallCount();
        r.summary.starved = stalls->GetStarvedCount();
    }
    return r;
}

} // namespace ofab
