#include "ofab/fabric/experiment/experiment-runner.h"

#include "ofab/fabric/assembly/fabric-partitions.h"
#include "ofab/fabric/control/stall-detector.h"
#include "ofab/fabric/routing/route-planner.h"
#include "ofab/fabric/workloads/collective-workload.h"
#include "ofab/foundation/kernel/fabric-simulator-impl.h"
#include "ofab/foundation/kernel/parallel-simulator-impl.h"

#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <chrono>

namespace ofab
{

ExperimentRunner::ExperimentRunner(Experiment& experiment, const ConfigDocument& doc)
    : m_experiment(experiment)
{
    if (experiment.threads > 0)
    {
        SelectParallelSimulator();
    }
    else
    {
        SelectFabricSimulator();
    }
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
    if (ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current(); core != nullptr && experiment.threads > 0)
    {
        const FabricPartitions parts = PartitionFabric(*m_fabric);
        if (!parts.lookahead.IsStrictlyPositive())
        {
            ns3::Simulator::Destroy();
            throw doc.ErrorAt("run.threads", doc.Root()["run"].Mark(),
                              "a link with no delay (fibre length 0 and FEC off) leaves the parallel core no "
                              "lookahead: give the links a length, or leave threads at sequential");
        }
        core->SetPartitions(parts.partitionOf, parts.lookahead);
        core->SetThreads(experiment.threads);
    }
    try
    {
        // Checked against the fabric before anything is scheduled (a bad source index is a ConfigError).
        m_faults = ns3::CreateObject<FaultInjector>();
        m_faults->Configure(*m_fabric, experiment.faults);
        // Channels first, then each workload in file order, then the faults: adding a workload never
        // changes the links' draws, and adding faults never changes the workloads'.
        int64_t stream = m_fabric->AssignStreams(0);
        WorkloadContext ctx = MakeWorkloadContext(m_fabric->Endpoints(), experiment.duration);
        ctx.rankNotice = FabricLookahead(*m_fabric);
        if (OcsLayer* ocs = m_fabric->Ocs())
        {
            ctx.rankAccelerators = ocs->SliceAccelerators(); // jobs run on the slice, not on the spares
        }
        for (std::size_t i = 0; i < experiment.workloads.size(); ++i)
        {
            experiment.workloads[i]->SetNumber(static_cast<uint16_t>(i + 1)); // its transactions carry it
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
    observer.SetFlowTable(m_experiment.outputs.flows);
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
    std::unique_ptr<OcsJournal> ocsJournal;
    if (m_fabric->Ocs())
    {
        ocsJournal = std::make_unique<OcsJournal>(*m_fabric);
        WatchOcs(*ocsJournal, observer);
    }
    RunResult r;
    r.fabric = DescribeFabric(*m_fabric); // as built: the faults have not happened yet
    const auto start = std::chrono::steady_clock::now();
    ns3::Simulator::Stop(m_experiment.duration);
    ns3::Simulator::Run();
    r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.events = ns3::Simulator::GetEventCount();
    if (const ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current())
    {
        r.threads = core->GetThreads();
        r.partitions = core->GetPartitionCount();
        r.windows = core->GetWindowCount();
        r.serialWallS = core->GetSerialWallSeconds();
    }
    r.simTimeNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    r.summary = observer.Finish(m_experiment.workloads);
    if (ocsJournal)
    {
        m_fabric->Ocs()->SetListeners({});
        r.ocs = ocsJournal->Finish();
        // Time to recover throughput, measured as for a fault, with the slice ready as its T_reroute
        // (no recovery before the new slice's routes are in).
        std::vector<FaultInput> moves;
        for (const OcsReconfigurationFigures& m : r.ocs->reconfigurations)
        {
            FaultInput in;
            in.atNs = m.startNs;
            in.rerouteNs = m.readyNs >= 0 ? std::optional<double>(m.readyNs - m.startNs) : std::nullopt;
            moves.push_back(in);
        }
        const std::vector<FaultRecovery> back = observer.RecoveryAfter(moves, m_experiment.workloads);
        for (std::size_t i = 0; i < back.size(); ++i)
        {
            r.ocs->reconfigurations[i].throughputBeforeGbps = back[i].preFaultGbps;
            r.ocs->reconfigurations[i].throughputRecoveredNs = back[i].recover95Ns.value_or(-1);
        }
    }
    if (stalls)
    {
        r.summary.stalls = stalls->GetStallCount();
        r.summary.starved = stalls->GetStarvedCount();
    }
    return r;
}

void
ExperimentRunner::WatchOcs(OcsJournal& journal, RunObserver& observer)
{
    OcsLayer& ocs = *m_fabric->Ocs();
    std::vector<Workload*> jobs;
    for (const auto& w : m_experiment.workloads)
    {
        if (w->CanMove())
        {
            jobs.push_back(ns3::PeekPointer(w));
        }
    }
    auto name = [&ocs](std::size_t configuration) {
        std::string cubes;
        for (int c : ocs.Layout().configurations[configuration].cubes)
        {
            cubes += (cubes.empty() ? "" : ",") + std::to_string(c);
        }
        return "configuration " + std::to_string(configuration) + " (cubes " + cubes + ")";
    };
    auto describe = [&ocs, name](std::size_t i) { return name(ocs.History()[i].to); };
    OcsLayer::Listeners listeners;
    listeners.started = [&journal, &observer, &ocs, jobs, describe](std::size_t i) {
        journal.OnStarted(i);
        for (Workload* job : jobs)
        {
            job->Hold();
        }
        const OcsLayer::Reconfiguration& rec = ocs.History()[i];
        uint32_t lit = 0;
        for (const auto& m : rec.moves)
        {
            lit += m.lights ? 1 : 0;
        }
        observer.RecordDetection("ocs_move", describe(i),
                                 rec.reason + ": " + std::to_string(rec.moves.size() - lit) + " circuits down, " +
                                     std::to_string(lit) + " to light");
    };
    listeners.lit = [&observer, describe](std::size_t i) {
        observer.RecordDetection("ocs_lit", describe(i), "every new circuit has light");
    };
    listeners.ready = [&journal, &observer, &ocs, jobs, describe](std::size_t i) {
        journal.OnReady(i);
        const std::vector<uint32_t> slice = ocs.SliceAccelerators();
        for (Workload* job : jobs)
        {
            job->Relocate(std::vector<uint32_t>(slice.begin(), slice.begin() + job->GetRankCount()));
            job->Release();
        }
        observer.RecordDetection("ocs_ready", describe(i), "routes for the new slice in force: jobs resume");
    };
    listeners.skipped = [&observer](std::size_t configuration, const std::string& why) {
        observer.RecordDetection("ocs_move", "configuration " + std::to_string(configuration), "move skipped: " + why);
    };
    ocs.SetListeners(std::move(listeners));
    for (const Experiment::OcsMove& move : m_experiment.ocsSchedule)
    {
        ocs.ReconfigureIn(move.at - ns3::Simulator::Now(), move.configuration, "scheduled");
    }
}

} // namespace ofab
