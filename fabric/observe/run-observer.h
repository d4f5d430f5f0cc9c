#ifndef OFAB_FABRIC_OBSERVE_RUN_OBSERVER_H
#define OFAB_FABRIC_OBSERVE_RUN_OBSERVER_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/fabric/faults/fault-injector.h"
#include "ofab/fabric/observe/credit-bound.h"
#include "ofab/fabric/observe/fault-link-log.h"
#include "ofab/fabric/observe/flow-log.h"
#include "ofab/fabric/observe/incident-log.h"
#include "ofab/fabric/observe/recovery-metrics.h"
#include "ofab/fabric/trace/trace-recorder.h"
#include "ofab/fabric/workloads/workload.h"

#include "ns3/nstime.h"

#include "ns3/simulator.h"
#include <memory>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ofab
{

/// The headline figures of one run (what `ofab run` prints and writes as JSON).
struct RunSummary
{
    uint64_t issued = 0;
    uint64_t completed = 0;
    uint64_t failed = 0;
    uint64_t inFlight = 0;
    std::map<std::string, uint64_t> failedByReason;
    double latencyP50Ns = 0;
    double latencyP99Ns = 0;
    double latencyP999Ns = 0;
    double latencyMaxNs = 0;
    double latencyMeanNs = 0;
    double throughputGbps = 0;  ///< payload of completed transactions / simulated time, all accelerators
    uint64_t payloadBytes = 0;  ///< payload of completed transactions
    uint64_t flitHops = 0;      ///< sequenced DL flits sent on every link (first transmissions)
    uint64_t flitsReplayed = 0; ///< link-level retransmissions
    double meanRequestHops = 0; ///< links crossed by the requests of completed transactions
    std::vector<Workload::CollectiveResult> collectives;
    std::vector<Workload::IterationResult> iterations; ///< of workload graphs (training steps)
    uint64_t faultsInjected = 0;                       ///< faults applied during the run (flap downs included)
    uint64_t repairs = 0;                              ///< repairs applied (flap ups included)
    std::vector<FaultRecovery> recovery;               ///< one per fault (not per repair), in time order
    std::string controllerPolicy;                      ///< "" without a reroute controller
    uint64_t stalls = 0;                  ///< stall and starvation reports (the controller's detector, or the run's)
    uint64_t starved = 0;                 ///< of those, starvation reports
    std::vector<CreditBound> creditBound; ///< port time idle for want of each kind of credit
};

/**
 * Watches a fabric while it runs: every transaction's end (to the trace and the latency statistics),
 * the payload each link direction carries per time bin, and link state changes. Connects through
 * the models' trace sources, so it adds nothing to the per-flit path beyond one sampling event per bin.
 */
class RunObserver
{
  public:
    /// `trace` may be null (no trace file). Bins of `bin` from time 0 to `duration`.
    RunObserver(Fabric& fabric, TraceRecorder* trace, ns3::Time bin, ns3::Time duration);

    /// Shortest hold after a T_recover95 instant (rounded to whole bins; default one bin).
    void SetRecoveryWindow(ns3::Time window) { m_recoveryWindow = window; }
    /// Span before a fault whose mean throughput T_recover95 compares with (0: since the previous fault).
    void SetRecoveryReference(ns3::Time span) { m_recoveryReference = span; }
    /// Keep the /flows table (FlowLog): one row per workload, source and destination.
    void SetFlowTable(bool on) { m_flowLog = on ? std::make_unique<FlowLog>() : nullptr; }

    /// Writes the topology to the trace, connects the trace sources and schedules the sampler.
    void Start();
    /// Every fault and repair `faults` applies becomes an /events row (null: nothing to watch).
    void WatchFaults(ns3::Ptr<FaultInjector> faults);
    /// The controller's actions become /events rows; the figures of its incidents (`incidents`,
    /// which must outlive Finish()) join the recovery of the fault at their instant.
    void WatchController(ns3::Ptr<RerouteController> controller, const IncidentLog* incidents);
    /// A report of the run's own stall detector (no controller): an /events row like the controller's.
    void RecordDetection(const char* kind, const std::string& element, const std::string& detail)
    {
        OnControllerAction(ns3::Simulator::Now(), kind, element, detail);
    }
    /// After the run: records transactions still in flight and completes the summary.
    RunSummary Finish(const std::vector<ns3::Ptr<Workload>>& workloads);

    /// After Finish(): the T_recover95 test applied to other events than faults (circuit switch
    /// moves), each one's window ending at the next (ComputeFaultRecovery).
    std::vector<FaultRecovery> RecoveryAfter(const std::vector<FaultInput>& events,
                                             const std::vector<ns3::Ptr<Workload>>& workloads) const;

    /// Transactions ended so far (for the progress line).
    uint64_t Ended() const { return m_completed + m_failed; }

    /// Names of the one-byte enumerations this observer writes (the trace's HDF5 enum types).
    static TraceEnums Enums();

  private:
    RecoveryInputs Inputs(const std::vector<ns3::Ptr<Workload>>& workloads) const;
    void OnTransactionEnd(const TransactionRecord& r);
    void SampleBin();
    void RecordLinkState(uint32_t link, uint8_t direction, uint8_t state);
    static void OnCapacity(RunObserver* self, uint32_t link, uint8_t direction, uint32_t usable, double bps);
    static void OnLossOfSignal(RunObserver* self, uint32_t link, uint8_t receivingEnd);
    static void OnSignalRestored(RunObserver* self, uint32_t link, uint8_t receivingEnd);
    void OnSignalChange(uint32_t link, uint8_t receivingEnd, uint8_t kind, const char* what);
    void OnControllerAction(ns3::Time time, const std::string& kind, const std::string& element,
                            const std::string& detail);
    void AddControllerFigures(FaultRecovery& r) const;
    void OnFault(ns3::Time time, FaultKind kind, const std::string& element, const std::string& detail, bool isRepair);

    Fabric& m_fabric;
    TraceRecorder* m_trace;
    ns3::Ptr<FaultInjector> m_faults;
    ns3::Ptr<RerouteController> m_controller;
    const IncidentLog* m_incidents = nullptr;
    ns3::Time m_bin;
    ns3::Time m_duration;
    double m_ticksPerNs; ///< simulator ticks per nanosecond (1000 at picosecond resolution)
    ns3::Time m_recoveryWindow;
    ns3::Time m_recoveryReference;
    ns3::Time m_nextEdge; ///< end of the bin being accumulated
    std::vector<double> m_latencies;
    std::vector<double> m_completionNs;    ///< end time of each completed transaction (same order)
    std::vector<double> m_failureNs;       ///< end time of each failed transaction
    std::vector<double> m_failureIssueNs;  ///< its issue time (same order)
    FaultLinkLog m_faultLinks;             ///< the links each fault took down: whom a failure is blamed on
    std::vector<double> m_deliveredGbps;   ///< per bin: payload of the transactions completed in it
    uint64_t m_binDeliveredBytes = 0;      ///< payload completed in the bin being accumulated
    std::vector<FaultRecovery> m_faultLog; ///< time, kind and element of each fault so far
    std::unique_ptr<FlowLog> m_flowLog;    ///< outputs.flows
    std::vector<uint64_t> m_lastBytes;     ///< per link direction, payload bytes sent at the last bin edge
    std::vector<double> m_binGbps;
    uint64_t m_completed = 0;
    uint64_t m_faultsInjected = 0;
    uint64_t m_repairs = 0;
    uint64_t m_failed = 0;
    uint64_t m_payloadBytes = 0;
    uint64_t m_requestHops = 0;
    std::map<std::string, uint64_t> m_failedByReason;
};

} // namespace ofab

#endif
