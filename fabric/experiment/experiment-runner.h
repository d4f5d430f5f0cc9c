#ifndef OFAB_FABRIC_EXPERIMENT_EXPERIMENT_RUNNER_H
#define OFAB_FABRIC_EXPERIMENT_EXPERIMENT_RUNNER_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/faults/fault-injector.h"
#include "ofab/fabric/observe/fabric-facts.h"
#include "ofab/fabric/observe/incident-log.h"
#include "ofab/fabric/observe/ocs-journal.h"
#include "ofab/fabric/observe/run-observer.h"
#include "ofab/fabric/trace/trace-recorder.h"

#include <memory>
#include <optional>

namespace ofab
{

/// What a finished (or stopped) run measured.
struct RunResult
{
    RunSummary summary;
    FabricFacts fabric;            ///< what was built, before any fault
    uint64_t events = 0;           ///< simulator events executed
    double wallS = 0;              ///< wall time of the simulation loop
    double simTimeNs = 0;          ///< simulated time reached
    uint32_t threads = 0;          ///< parallel core: its threads (0: the sequential core)
    uint32_t partitions = 0;       ///< parallel core: node partitions
    uint64_t windows = 0;          ///< parallel core: windows run (each a meeting of the threads)
    double serialWallS = 0;        ///< parallel core: wall s of the run with one thread alone (Amdahl)
    std::optional<OcsSummary> ocs; ///< an OCS fabric's configurations and reconfigurations
};

/**
 * Runs one loaded experiment: seeds ns-3, builds the fabric, installs the workloads and the fault
 * injector with fixed random streams (channels first, then workloads in file order, then faults),
 * runs for the experiment's duration and collects the summary. The ofab program, the tests and the
 * benchmarks all run experiments through it. One runner per simulation: its destructor calls Simulator::Destroy().
 */
class ExperimentRunner
{
  public:
    /// Builds everything; ConfigError (at the offending key of `doc`) when the fabric or a workload refuses.
    ExperimentRunner(Experiment& experiment, const ConfigDocument& doc);
    ~ExperimentRunner();
    ExperimentRunner(const ExperimentRunner&) = delete;
    ExperimentRunner& operator=(const ExperimentRunner&) = delete;

    Fabric& GetFabric() { return *m_fabric; }
    /// Always present (an empty plan injects nothing): a controller or a test connects to its traces.
    ns3::Ptr<FaultInjector> GetFaultInjector() const { return m_faults; }
    /// Null when the experiment has no `controller:` section.
    ns3::Ptr<RerouteController> GetController() const { return m_controller; }
    /// The controller's incidents so far, with their figures (none without a controller).
    std::vector<IncidentRecord> GetIncidents() const;
    const Experiment& GetExperiment() const { return m_experiment; }

    /// Simulates until the experiment's duration (or an earlier Simulator::Stop()); `trace` may be null.
    RunResult Run(TraceRecorder* trace);

  private:
    /// An OCS fabric's jobs stop while the switches move and resume on the new slice once its routes
    /// are in (collectives: Hold, Relocate, Release); every step is an /events row.
    void WatchOcs(OcsJournal& journal, RunObserver& observer);

    Experiment& m_experiment;
    std::unique_ptr<Fabric> m_fabric;
    ns3::Ptr<FaultInjector> m_faults; ///< declared after the fabric: released before it
    ns3::Ptr<RerouteController> m_controller;
    std::unique_ptr<IncidentLog> m_incidents; ///< declared after the controller: disconnects before it goes
};

} // namespace ofab

#endif
