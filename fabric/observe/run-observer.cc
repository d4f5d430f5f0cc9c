#include "ofab/fabric/observe/run-observer.h"

#include "ofab/fabric/observe/workload-results.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ofab
{

namespace
{

/// /transactions status: the TransactionStatus values, then one more for "still in flight".
constexpr uint8_t kInFlightStatus = 6;

enum EventKind : uint8_t
{
    kLossOfSignal,
    kSignalRestored,
    kFirstFaultEvent, ///< the fault kinds follow, in FaultKind order, then kRepair
};

/// Fault event names, in FaultKind order (appended after the signal events: trace format 1.1).
const std::vector<std::string> kFaultEventNames{"fibre_cut",           "laser_line_failed", "laser_line_degraded",
                                                "laser_source_failed", "switch_failed",     "accelerator_failed",
                                                "link_flap_down",      "group_failed"};
const uint8_t kRepair = static_cast<uint8_t>(kFirstFaultEvent + kFaultEventNames.size());
/// The reroute controller's actions (RerouteController "Action" kinds), after kRepair.
const std::vector<std::string> kControllerEventNames{
    "detect",          "switch_over", "install",        "restore",         "partition",         "unprotected",
    "fallback_routes", "stall",       "external_event", "external_routes", "external_rejected", "external_fallback",
    "deadlock_risk",   "starved",     "replan",         "rewire",          "ocs_move",          "ocs_lit",
    "ocs_ready"};

/// Nanoseconds from ticks by one division: Time::ToDouble goes through 128-bit fixed point (~90
/// instructions), and this runs several times per transaction. `ticksPerNs` is 1000 at ofab's
/// picosecond resolution (EnsurePicosecondResolution), so the result is the exact ns value rounded once.
double
Ns(const ns3::Time& t, double ticksPerNs)
{
    return static_cast<double>(t.GetTimeStep()) / ticksPerNs;
}

TransactionRow
RowOf(const TransactionRecord& r, uint8_t status, bool ended, double ticksPerNs)
{
    TransactionRow row{};
    row.id = r.id;
    row.src = r.src;
    row.dst = r.dst;
    row.kind = static_cast<uint8_t>(r.kind);
    row.status = status;
    row.vc = r.vc;
    row.bytes = r.bytes;
    row.hops = r.requestHops;
    row.issueNs = Ns(r.issueTime, ticksPerNs);
    row.endNs = ended ? Ns(r.endTime, ticksPerNs) : std::numeric_limits<double>::quiet_NaN();
    row.latencyNs = ended ? Ns(r.Latency(), ticksPerNs) : std::numeric_limits<double>::quiet_NaN();
    row.workload = r.workload;
    row.operation = r.operation;
    return row;
}

} // namespace

TraceEnums
RunObserver::Enums()
{
    TraceEnums e;
    e.transactionKinds = {"read", "write", "write_full", "atomic_r", "atomic_nr"};
    e.transactionStatuses = {"completed", "decode_error", "protection_violation", "completion_timeout", "isolate",
                             "link_down", "in_flight"};
    e.eventKinds = {"loss_of_signal", "signal_restored"};
    e.eventKinds.insert(e.eventKinds.end(), kFaultEventNames.begin(), kFaultEventNames.end());
    e.eventKinds.push_back("repair");
    e.eventKinds.insert(e.eventKinds.end(), kControllerEventNames.begin(), kControllerEventNames.end());
    e.linkStates = {"up", "cut", "dark", "no_circuit"}; // OpticalChannel::DirectionState order
    e.collectiveStatuses = {"completed", "failed", "unfinished"};
    e.nodeRoles = {"accelerator", "switch"};
    return e;
}

RunObserver::RunObserver(Fabric& fabric, TraceRecorder* trace, ns3::Time bin, ns3::Time duration)
    : m_fabric(fabric),
      m_trace(trace),
      m_bin(bin),
      m_duration(duration),
      m_ticksPerNs(static_cast<double>(ns3::NanoSeconds(1).GetTimeStep()))
{
}

void
RunObserver::Start()
{
    const topo::Graph& g = m_fabric.Graph();
    if (m_trace)
    {
        for (const topo::Node& n : g.GetNodes())
        {
            NodeRow row{};
            row.id = n.id;
            row.role = n.role == topo::NodeRole::Accelerator ? 0 : 1;
            SetText(row.name, n.name);
            m_trace->AddNode(row);
        }
        for (const FabricLink& l : m_fabric.Links())
        {
            const topo::Link& gl = g.GetLink(l.id);
            LinkRow row{};
            row.id = l.id;
            row.a = l.a;
            row.b = l.b;
            row.portA = gl.portA;
            row.portB = gl.portB;
            row.lengthM = gl.lengthM;
            row.capacityGbps = l.channel->GetLink(0)->GetCapacityBps() / 1e9;
            SetText(row.linkClass, gl.linkClass);
            m_trace->AddLink(row);
            for (uint8_t d = 0; d < 2; ++d)
            {
                RecordLinkState(l.id, d, static_cast<uint8_t>(l.channel->GetState(d)));
            }
        }
    }
    for (const auto& e : m_fabric.Endpoints())
    {
        e->TraceConnectWithoutContext("TransactionCompleted", ns3::MakeCallback(&RunObserver::OnTransactionEnd, this));
        e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeCallback(&RunObserver::OnTransactionEnd, this));
    }
    for (const FabricLink& l : m_fabric.Links())
    {
        for (uint8_t d = 0; d < 2; ++d)
        {
            l.channel->GetLink(d)->TraceConnectWithoutContext(
                "Capacity", ns3::MakeBoundCallback(&RunObserver::OnCapacity, this, l.id, d));
        }
        l.channel->TraceConnectWithoutContext("LossOfSignal",
                                              ns3::MakeBoundCallback(&RunObserver::OnLossOfSignal, this, l.id));
        l.channel->TraceConnectWithoutContext("SignalRestored",
                                              ns3::MakeBoundCallback(&RunObserver::OnSignalRestored, this, l.id));
    }
    m_lastBytes.assign(2 * m_fabric.Links().size(), 0);
    m_binGbps.assign(2 * m_fabric.Links().size(), 0.0);
    m_nextEdge = m_bin;
    ns3::Simulator::Schedule(m_bin, &RunObserver::SampleBin, this);
}

void
RunObserver::WatchFaults(ns3::Ptr<FaultInjector> faults)
{
    m_faults = faults;
    if (m_faults)
    {
        m_faults->TraceConnectWithoutContext("Fault", ns3::MakeCallback(&RunObserver::OnFault, this));
    }
    m_faultLinks.Watch(m_faults);
}

void
RunObserver::WatchController(ns3::Ptr<RerouteController> controller, const IncidentLog* incidents)
{
    m_controller = controller;
    m_incidents = incidents;
    if (m_controller)
    {
        m_controller->TraceConnectWithoutContext("Action", ns3::MakeCallback(&RunObserver::OnControllerAction, this));
    }
}

void
RunObserver::OnControllerAction(ns3::Time time, const std::string& kind, const std::string& element,
                                const std::string& detail)
{
    if (!m_trace)
    {
        return;
    }
    const auto it = std::find(kControllerEventNames.begin(), kControllerEventNames.end(), kind);
    EventRow e{};
    e.timeNs = time.ToDouble(ns3::Time::NS);
    e.kind = static_cast<uint8_t>(kRepair + 1 + (it - kControllerEventNames.begin()));
    SetText(e.element, element);
    SetText(e.detail, detail);
    m_trace->AddEvent(e);
}

void
RunObserver::OnFault(ns3::Time time, FaultKind kind, const std::string& element, const std::string& detail,
                     bool isRepair)
{
    ++(isRepair ? m_repairs : m_faultsInjected);
    if (!isRepair)
    {
        FaultRecovery f;
        f.faultNs = time.ToDouble(ns3::Time::NS);
        f.kind = ToString(kind);
        f.element = element;
        m_faultLog.push_back(f);
    }
    if (!m_trace)
    {
        return;
    }
    EventRow e{};
    e.timeNs = time.ToDouble(ns3::Time::NS);
    e.kind = isRepair ? kRepair : static_cast<uint8_t>(kFirstFaultEvent + static_cast<uint8_t>(kind));
    SetText(e.element, element);
    // A flap's repairs are its ups ("cycle 2 of 3; up") or its end ("flapping stopped"): no prefix.
    const bool prefix = isRepair && kind != FaultKind::Flap;
    SetText(e.detail, (prefix ? std::string("repair of ") + ToString(kind) + ": " : "") + detail);
    m_trace->AddEvent(e);
}

void
RunObserver::OnTransactionEnd(const TransactionRecord& r)
{
    if (DeferredFromNode(this, &RunObserver::OnTransactionEnd, r))
    {
        return; // after the window, in event order
    }
    const bool ok = r.status == TransactionStatus::Okay;
    if (ok)
    {
        ++m_completed;
        m_payloadBytes += r.bytes;
        m_binDeliveredBytes += r.bytes;
        m_requestHops += r.requestHops;
        m_latencies.push_back(Ns(r.Latency(), m_ticksPerNs));
        m_completionNs.push_back(Ns(r.endTime, m_ticksPerNs));
    }
    else
    {
        ++m_failed;
        ++m_failedByReason[ToString(r.status)];
        m_failureNs.push_back(Ns(r.endTime, m_ticksPerNs));
        m_failureIssueNs.push_back(Ns(r.issueTime, m_ticksPerNs));
    }
    if (m_trace)
    {
        m_trace->AddTransaction(RowOf(r, static_cast<uint8_t>(r.status), true, m_ticksPerNs));
    }
    if (m_flowLog)
    {
        m_flowLog->Add(r, m_ticksPerNs);
    }
}

void
RunObserver::SampleBin()
{
    const double binNs = m_bin.ToDouble(ns3::Time::NS);
    const auto& links = m_fabric.Links();
    for (std::size_t i = 0; i < links.size(); ++i)
    {
        const UalinkPort* ports[2] = {ns3::PeekPointer(links[i].portA), ns3::PeekPointer(links[i].portB)};
        for (int d = 0; d < 2; ++d)
        {
            const uint64_t now = ports[d]->GetStats().payloadBytesSent;
            m_binGbps[2 * i + d] = static_cast<double>(now - m_lastBytes[2 * i + d]) * 8.0 / binNs;
            m_lastBytes[2 * i + d] = now;
        }
    }
    m_deliveredGbps.push_back(static_cast<double>(m_binDeliveredBytes) * 8.0 / binNs);
    m_binDeliveredBytes = 0;
    if (m_trace)
    {
        m_trace->AddThroughputBin(m_binGbps);
    }
    m_nextEdge = ns3::Simulator::Now() + m_bin;
    if (m_nextEdge <= m_duration)
    {
        ns3::Simulator::Schedule(m_bin, &RunObserver::SampleBin, this);
    }
}

void
RunObserver::RecordLinkState(uint32_t link, uint8_t direction, uint8_t state)
{
    if (!m_trace)
    {
        return;
    }
    const auto& l = m_fabric.Links()[link];
    LinkStateRow row{};
    row.timeNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    row.link = link;
    row.direction = direction;
    row.state = state;
    row.usableLines = static_cast<uint16_t>(l.channel->GetLink(direction)->GetUsableLineCount());
    row.capacityGbps = l.channel->GetLink(direction)->GetCapacityBps() / 1e9;
    m_trace->AddLinkState(row);
}

void
RunObserver::OnCapacity(RunObserver* self, uint32_t link, uint8_t direction, uint32_t, double)
{
    const auto& l = self->m_fabric.Links()[link];
    self->RecordLinkState(link, direction, static_cast<uint8_t>(l.channel->GetState(direction)));
}

void
RunObserver::OnLossOfSignal(RunObserver* self, uint32_t link, uint8_t receivingEnd)
{
    self->OnSignalChange(link, receivingEnd, kLossOfSignal, "loss of signal at end ");
}

void
RunObserver::OnSignalRestored(RunObserver* self, uint32_t link, uint8_t receivingEnd)
{
    self->OnSignalChange(link, receivingEnd, kSignalRestored, "signal restored at end ");
}

void
RunObserver::OnSignalChange(uint32_t link, uint8_t receivingEnd, uint8_t kind, const char* what)
{
    if (m_trace)
    {
        EventRow e{};
        e.timeNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
        e.kind = kind;
        SetText(e.element, "link " + std::to_string(link));
        SetText(e.detail, what + std::to_string(receivingEnd));
        m_trace->AddEvent(e);
    }
    const uint8_t direction = 1 - receivingEnd;
    RecordLinkState(link, direction, static_cast<uint8_t>(m_fabric.Links()[link].channel->GetState(direction)));
}

void
RunObserver::AddControllerFigures(FaultRecovery& r) const
{
    // The controller's incident for a fault is the link change at the fault's instant (none when
    // the fault changed no link, e.g. an isolated accelerator).
    for (const IncidentRecord& inc : m_incidents->Incidents())
    {
        if (inc.timeNs == r.faultNs && !inc.repair)
        {
            r.linkChange = true;
            r.detectNs = inc.detectNs;
            r.rerouteNs = inc.rerouteNs;
            r.optimisedNs = inc.optimisedNs;
            r.routersUpdated = inc.routersUpdated;
            r.partitionedPairs = inc.partitionedPairs;
            r.unprotected = inc.unprotected;
            const topo::Graph& g = m_fabric.Graph();
            for (const auto& [a, b] : inc.partitionExamples)
            {
                r.partitionExamples.push_back(g.GetNode(g.AcceleratorNode(a)).name + "->" +
                                              g.GetNode(g.AcceleratorNode(b)).name);
            }
            return;
        }
    }
}

RecoveryInputs
RunObserver::Inputs(const std::vector<ns3::Ptr<Workload>>& workloads) const
{
    RecoveryInputs in;
    in.binNs = m_bin.ToDouble(ns3::Time::NS);
    in.windowBins =
        static_cast<std::size_t>(std::max<int64_t>(1, m_recoveryWindow.GetTimeStep() / m_bin.GetTimeStep()));
    in.referenceBins = static_cast<std::size_t>(m_recoveryReference.GetTimeStep() / m_bin.GetTimeStep());
    in.throughputGbps = m_deliveredGbps;
    in.completionNs = m_completionNs;
    in.latencyNs = m_latencies;
    in.failureNs = m_failureNs;
    in.failureIssueNs = m_failureIssueNs;
    for (const auto& w : workloads)
    {
        const std::vector<double> retries = w->GetRetryTimesNs();
        in.retryNs.insert(in.retryNs.end(), retries.begin(), retries.end());
    }
    in.endNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    return in;
}

std::vector<FaultRecovery>
RunObserver::RecoveryAfter(const std::vector<FaultInput>& events,
                           const std::vector<ns3::Ptr<Workload>>& workloads) const
{
    return ComputeFaultRecovery(Inputs(workloads), events);
}

RunSummary
RunObserver::Finish(const std::vector<ns3::Ptr<Workload>>& workloads)
{
    // The stop event runs before a sample due at the same instant: take the last full bin here.
    if (ns3::Simulator::Now() == m_nextEdge)
    {
        SampleBin(); // past the duration: it does not reschedule itself
    }
    if (m_faults)
    {
        // The observer dies with Run(); the injector lives on with its runner.
        m_faults->TraceDisconnectWithoutContext("Fault", ns3::MakeCallback(&RunObserver::OnFault, this));
    }
    m_faultLinks.Unwatch();
    if (m_controller)
    {
        m_controller->TraceDisconnectWithoutContext("Action",
                                                    ns3::MakeCallback(&RunObserver::OnControllerAction, this));
    }
    RunSummary s;
    for (const auto& e : m_fabric.Endpoints())
    {
        s.issued += e->GetIssuedCount();
        if (m_trace)
        {
            for (const TransactionRecord& r : e->GetInFlightTransactions())
            {
                m_trace->AddTransaction(RowOf(r, kInFlightStatus, false, m_ticksPerNs));
            }
        }
        s.inFlight += e->GetInFlightCount();
    }
    s.completed = m_completed;
    s.failed = m_failed;
    s.faultsInjected = m_faultsInjected;
    if (m_controller)
    {
        s.controllerPolicy = m_controller->GetPolicyName();
        s.stalls = m_controller->GetStallCount();
        s.starved = m_controller->GetStarvedCount();
    }
    s.repairs = m_repairs;
    s.failedByReason = m_failedByReason;
    s.payloadBytes = m_payloadBytes;
    if (!m_faultLog.empty())
    {
        const RecoveryInputs in = Inputs(workloads);
        std::vector<FaultInput> faults = m_faultLinks.Inputs(in.endNs);
        for (std::size_t i = 0; i < faults.size() && i < m_faultLog.size(); ++i)
        {
            if (m_incidents)
            {
                AddControllerFigures(m_faultLog[i]); // T_reroute: no recovery before it
                faults[i].rerouteNs = m_faultLog[i].rerouteNs;
            }
        }
        s.recovery = ComputeFaultRecovery(in, faults);
        for (std::size_t i = 0; i < s.recovery.size(); ++i)
        {
            s.recovery[i].kind = m_faultLog[i].kind;
            s.recovery[i].element = m_faultLog[i].element;
            if (m_incidents)
            {
                AddControllerFigures(s.recovery[i]);
            }
        }
    }
    const LatencyWindow all = Percentiles(m_latencies);
    s.latencyP50Ns = all.p50;
    s.latencyP99Ns = all.p99;
    s.latencyP999Ns = all.p999;
    s.latencyMaxNs = m_latencies.empty() ? 0 : *std::max_element(m_latencies.begin(), m_latencies.end());
    double sum = 0;
    for (double v : m_latencies)
    {
        sum += v;
    }
    s.latencyMeanNs = m_latencies.empty() ? 0 : sum / static_cast<double>(m_latencies.size());
    s.meanRequestHops = m_completed ? static_cast<double>(m_requestHops) / static_cast<double>(m_completed) : 0;
    const double seconds = ns3::Simulator::Now().GetSeconds();
    s.throughputGbps = seconds > 0 ? static_cast<double>(m_payloadBytes) * 8.0 / seconds / 1e9 : 0;
    s.creditBound = MeasureCreditBound(m_fabric, ns3::Simulator::Now().ToDouble(ns3::Time::NS));
    for (const FabricLink& l : m_fabric.Links())
    {
        for (const auto& p : {l.portA, l.portB})
        {
            s.flitHops += p->GetStats().flitsSent;
            s.flitsReplayed += p->GetStats().flitsReplayed;
        }
    }
    AddWorkloadResults(workloads, s, m_trace);
    if (m_flowLog && m_trace)
    {
        for (const FlowRow& row : m_flowLog->Rows())
        {
            m_trace->AddFlow(row);
        }
    }
    return s;
}

} // namespace ofab
