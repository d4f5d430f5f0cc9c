#include "ofab/fabric/control/reroute-controller.h"

#include "ofab/fabric/routing/route-check.h"
#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

#include <algorithm>
#include <limits>
#include <sstream>

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("OfabRerouteController");
NS_OBJECT_ENSURE_REGISTERED(RerouteController);

namespace
{
constexpr double kInfinity = std::numeric_limits<double>::infinity();
} // namespace

ns3::TypeId
RerouteController::GetTypeId()
{
    using namespace ns3;
    // Abstract (no constructor): `controller.policy` picks a subclass (reroute-policies.h). Every
    // timing lives here, so one controller section can be swept over every policy.
    static TypeId tid =
        TypeId("ofab::RerouteController")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddAttribute("DetectionDelay",
                          "Link change -> the nodes at its ends know (loss-of-lock debounce or data-link "
                          "timeout). Not used by the oracle.",
                          TimeValue(NanoSeconds(500)), MakeTimeAccessor(&RerouteController::m_detectionDelay),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ControlLatency", "One-way latency of the control channel between a node and the controller.",
                          TimeValue(MicroSeconds(2)), MakeTimeAccessor(&RerouteController::m_controlLatency),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ComputeTime", "Time the controller takes to recompute every table (global and hybrid).",
                          TimeValue(MicroSeconds(10)), MakeTimeAccessor(&RerouteController::m_computeTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("InstallTime",
                          "Time a router takes to write the entries it was sent (routers work in parallel).",
                          TimeValue(MicroSeconds(1)), MakeTimeAccessor(&RerouteController::m_installTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("SwitchOverTime",
                          "Detection -> a node's precomputed alternates are in force (local and hybrid).",
                          TimeValue(NanoSeconds(100)), MakeTimeAccessor(&RerouteController::m_switchOverTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("WaitToRestore",
                          "A link that came back is used again only after it stayed up this long "
                          "(after detection), so a flapping link does not move traffic back and forth.",
                          TimeValue(MicroSeconds(20)), MakeTimeAccessor(&RerouteController::m_waitToRestore),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("StallTimeout",
                          "A port with messages queued on an up link whose credits of one kind are used up "
                          "and none come back for this long is reported stalled (a deadlock if several wait "
                          "on one another). 0 turns it off.",
                          TimeValue(MicroSeconds(20)), MakeTimeAccessor(&RerouteController::m_stallTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("Action", "A detection, switch-over, install, restore, partition or unprotected route.",
                            MakeTraceSourceAccessor(&RerouteController::m_actionTrace),
                            "ofab::RerouteController::ActionTracedCallback")
            .AddTraceSource("Incident", "A step of an incident: opened, detected, rerouted, routers updated, ...",
                            MakeTraceSourceAccessor(&RerouteController::m_incidentTrace),
                            "ofab::RerouteController::IncidentTracedCallback");
    return tid;
}

RerouteController::RerouteController() = default;

void
RerouteController::Validate() const
{
    // The stall detector looks at every port every StallTimeout / 4.
    if (!m_stallTimeout.IsZero() && m_stallTimeout < ns3::MicroSeconds(1))
    {
        throw ParameterError("StallTimeout", "0 (off) or at least 1us: the detector looks at every port every "
                                             "StallTimeout / 4, got " +
                                                 FormatTime(m_stallTimeout));
    }
}

void
RerouteController::DoDispose()
{
    for (auto& e : m_restoreEvents)
    {
        e.Cancel();
    }
    m_stalls.reset();
    m_fabric = nullptr;
    ns3::Object::DoDispose();
}

void
RerouteController::Attach(Fabric& fabric)
{
    m_fabric = &fabric;
    const topo::Graph& g = fabric.Graph();
    const auto& links = fabric.Links();
    m_known.assign(links.size(), LinkView{});
    m_nominalBps.assign(links.size(), 0.0);
    m_restoreEvents.assign(links.size(), ns3::EventId());
    m_portLink = RouterPortLinks(fabric);
    m_noRoute.assign(g.NumNodes(), std::vector<uint8_t>(fabric.AcceleratorCount(), 0));
    for (const FabricLink& l : links)
    {
        m_nominalBps[l.id] = std::min(l.channel->GetLink(0)->GetCapacityBps(), l.channel->GetLink(1)->GetCapacityBps());
        l.channel->TraceConnectWithoutContext("LossOfSignal",
                                              ns3::MakeBoundCallback(&RerouteController::OnSignal, this, l.id));
        l.channel->TraceConnectWithoutContext("SignalRestored",
                                              ns3::MakeBoundCallback(&RerouteController::OnSignal, this, l.id));
        for (uint8_t d = 0; d < 2; ++d)
        {
            l.channel->GetLink(d)->TraceConnectWithoutContext(
                "Capacity", ns3::MakeBoundCallback(&RerouteController::OnCapacity, this, l.id, d));
        }
    }
    m_physical.resize(links.size());
    for (const FabricLink& l : links)
    {
        m_physical[l.id] = Physical(l.id);
        m_known[l.id] = m_physical[l.id];
        m_seen.push_back(m_physical[l.id]);
    }
    m_stalls = std::make_unique<StallDetector>(
        fabric, m_stallTimeout,
        [this](const char* kind, const std::string& node, uint16_t port, const std::string& detail) {
            Record(kind, node + " port " + std::to_string(port), detail);
        });
    m_stalls->Start();
    for (uint32_t node = 0; node < g.NumNodes(); ++node)
    {
        fabric.Router(node)->SetLinkDownHandler(ns3::MakeCallback(&RerouteController::OnLinkDown, this).Bind(node));
    }
}

RerouteController::LinkView
RerouteController::Physical(uint32_t link) const
{
    const FabricLink& l = m_fabric->Links()[link];
    LinkView v;
    const double bps = std::min(l.channel->GetLink(0)->GetCapacityBps(), l.channel->GetLink(1)->GetCapacityBps());
    v.up = l.channel->IsUp(0) && l.channel->IsUp(1) && bps > 0;
    v.weight = v.up ? m_nominalBps[link] / bps : kInfinity;
    return v;
}

void
RerouteController::OnSignal(RerouteController* self, uint32_t link, uint8_t)
{
    self->OnLinkChanged(link);
}

void
RerouteController::OnCapacity(RerouteController* self, uint32_t link, uint8_t, uint32_t, double)
{
    self->OnLinkChanged(link);
}

std::size_t
RerouteController::OpenIncident(uint32_t link, bool repair, bool cut)
{
    const ns3::Time now = ns3::Simulator::Now();
    // Links that change at one instant (a laser source, a switch) are one incident.
    if (!m_incidents.empty() && m_incidents.back().time == now && m_incidents.back().repair == repair)
    {
        m_incidents.back().links.push_back(link);
        m_incidents.back().cut = m_incidents.back().cut || cut;
        ReportStep({IncidentStep::Kind::LinkJoined, m_incidents.size() - 1, now, link, repair});
        return m_incidents.size() - 1;
    }
    Incident i;
    i.time = now;
    i.links.push_back(link);
    i.repair = repair;
    i.cut = cut;
    m_incidents.push_back(i);
    if (!repair)
    {
        m_openIncidents.push_back(m_incidents.size() - 1);
    }
    ReportStep({IncidentStep::Kind::Opened, m_incidents.size() - 1, now, link, repair});
    return m_incidents.size() - 1;
}

void
RerouteController::OnLinkChanged(uint32_t link)
{
    const LinkView now = Physical(link);
    const LinkView before = m_physical[link];
    if (now.up == before.up && now.weight == before.weight)
    {
        return; // a second trace source reporting the same change
    }
    m_physical[link] = now;
    const bool repair = now.up && !before.up;
    const std::size_t incident = OpenIncident(link, repair, !now.up);
    if (!now.up)
    {
        m_restoreEvents[link].Cancel(); // it failed again before its wait-to-restore ended
    }
    if (!repair && !now.up)
    {
        RequestRerouteCheck(); // a link no route uses (any more) needs no reroute: T_reroute = 0
    }
    if (repair)
    {
        m_restoreEvents[link] = ns3::Simulator::Schedule(GetDetectionDelay() + m_waitToRestore,
                                                         &RerouteController::RestoreAfterWait, this, link, incident);
        return;
    }
    OnChange(link, now, incident);
}

void
RerouteController::OnChange(uint32_t link, LinkView now, std::size_t incident)
{
    ns3::Simulator::Schedule(GetDetectionDelay(), &RerouteController::Detect, this, link, now, incident);
}

void
RerouteController::OnPortDown(uint32_t)
{
}

void
RerouteController::Detect(uint32_t link, LinkView seen, std::size_t incident)
{
    const LinkView current = m_physical[link];
    if (current.up == m_seen[link].up && current.weight == m_seen[link].weight)
    {
        // Undone before the nodes could see it (a short flap): nothing to tell. Compared with what
        // they last saw, not with what the controller knows: a line that failed and came back while
        // the first report was on its way to the controller must be reported back up, or the
        // controller would keep the link degraded for good.
        return;
    }
    m_seen[link] = seen;
    ReportDetected(incident);
    std::ostringstream what;
    if (seen.up)
    {
        what.precision(3);
        what << "capacity " << 100.0 / seen.weight << " % of nominal";
    }
    else
    {
        what << "loss of signal";
    }
    Record("detect", LinkName(link), what.str());
    OnDetected(link, seen, incident);
}

void
RerouteController::RestoreAfterWait(uint32_t link, std::size_t incident)
{
    if (!m_physical[link].up)
    {
        return;
    }
    m_seen[link] = m_physical[link]; // the end nodes use it again
    Record("restore", LinkName(link), "up for the wait-to-restore time: routes back over it");
    OnRestoreDue(link, incident);
}

topo::LinkMask
RerouteController::KnownMask() const
{
    topo::LinkMask mask(m_known.size());
    for (std::size_t i = 0; i < m_known.size(); ++i)
    {
        mask[i] = m_known[i].up;
    }
    return mask;
}

topo::LinkWeights
RerouteController::KnownWeights() const
{
    topo::LinkWeights weights(m_known.size());
    for (std::size_t i = 0; i < m_known.size(); ++i)
    {
        weights[i] = m_known[i].up ? m_known[i].weight : 1.0;
    }
    return weights;
}

RoutePlan
RerouteController::PlanKnownRoutes() const
{
    return PlanRoutes(*m_fabric, KnownMask(), KnownWeights());
}

void
RerouteController::InstallNow(const RoutePlan& plan, std::vector<std::size_t> incidents, const char* how)
{
    // Links of one incident report separately (a switch: one notification per link): count it once.
    std::sort(incidents.begin(), incidents.end());
    incidents.erase(std::unique(incidents.begin(), incidents.end()), incidents.end());
    uint32_t routers = 0;
    uint64_t entries = 0;
    for (uint32_t node = 0; node < plan.tables.size(); ++node)
    {
        UalinkRouter& router = *m_fabric->Router(node);
        for (uint32_t dst = 0; dst < plan.tables[node].Size(); ++dst)
        {
            const ForwardingChoice* c = nullptr;
            m_noRoute[node][dst] = plan.tables[node].Lookup(static_cast<uint16_t>(dst), c) == 0;
        }
        const std::vector<uint16_t> changed = ChangedDestinations(router, plan.tables[node]);
        if (!changed.empty())
        {
            InstallEntries(router, plan.tables[node], changed);
            ++routers;
            entries += changed.size();
        }
    }
    m_homeEntries.clear(); // a full install supersedes every local switch-over
    Record("install", how, std::to_string(entries) + " entries in " + std::to_string(routers) + " routers");
    m_fabric->NoteInstalled(plan);
    const topo::Graph& g = m_fabric->Graph();
    if (!plan.partitioned.empty())
    {
        std::ostringstream detail;
        detail << plan.partitioned.size() << " accelerator pairs without a path, e.g.";
        for (std::size_t i = 0; i < plan.partitioned.size() && i < 3; ++i)
        {
            detail << ' ' << g.GetNode(g.AcceleratorNode(plan.partitioned[i].first)).name << "->"
                   << g.GetNode(g.AcceleratorNode(plan.partitioned[i].second)).name;
        }
        Record("partition", how, detail.str());
    }
    if (!plan.fallbackDestinations.empty())
    {
        Record("fallback_routes", how,
               std::to_string(plan.fallbackDestinations.size()) +
                   " destinations routed by shortest paths: not deadlock-free by construction");
    }
    const ns3::Time now = ns3::Simulator::Now();
    for (std::size_t i : incidents)
    {
        IncidentStep updated{IncidentStep::Kind::RoutersUpdated, i, now};
        updated.count = routers;
        ReportStep(updated);
        IncidentStep partition{IncidentStep::Kind::Partitioned, i, now};
        partition.partitioned = &plan.partitioned;
        ReportStep(partition);
        const Incident& inc = m_incidents[i];
        // A repair, or a change that broke nothing (a degradation), is handled once its new routes
        // are in, even if one of its links was cut since (that cut is an incident of its own); so
        // is a cut whose links are all back.
        const bool anyDown =
            std::any_of(inc.links.begin(), inc.links.end(), [this](uint32_t link) { return !m_physical[link].up; });
        if (!inc.rerouted && (!inc.cut || !anyDown))
        {
            ReportRerouted(i, now);
        }
    }
    RequestRerouteCheck();
}

bool
RerouteController::HasLiveChoice(uint32_t node, uint16_t dst) const
{
    const ForwardingChoice* c = nullptr;
    const uint32_t n = m_fabric->Router(node)->GetForwardingTable().Lookup(dst, c);
    for (uint32_t i = 0; i < n; ++i)
    {
        if (m_physical[m_portLink[node][c[i].port]].up && m_fabric->Router(node)->GetPort(c[i].port)->IsUp())
        {
            return true;
        }
    }
    return false;
}

void
RerouteController::OnLinkDown(uint32_t node, uint16_t port, std::vector<TlMessage>& messages)
{
    if (port != UalinkRouter::kNoPort)
    {
        OnPortDown(m_portLink[node][port]);
    }
    std::vector<TlMessage> left;
    for (const TlMessage& m : messages)
    {
        if (HasLiveChoice(node, m.dst))
        {
            m_fabric->Router(node)->Reinject(m);
        }
        else
        {
            left.push_back(m);
        }
    }
    messages.swap(left);
}

void
RerouteController::ReportDetected(std::size_t incident)
{
    if (!m_incidents[incident].detected)
    {
        m_incidents[incident].detected = true;
        ReportStep({IncidentStep::Kind::Detected, incident, ns3::Simulator::Now()});
    }
}

void
RerouteController::ReportRerouted(std::size_t incident, ns3::Time at)
{
    m_incidents[incident].rerouted = true;
    ReportStep({IncidentStep::Kind::Rerouted, incident, at});
}

void
RerouteController::ReportStep(IncidentStep step)
{
    m_incidentTrace(step);
}

std::string
RerouteController::LinkName(uint32_t link) const
{
    const topo::Graph& g = m_fabric->Graph();
    const topo::Link& l = g.GetLink(link);
    return g.GetNode(l.a).name + "-" + g.GetNode(l.b).name;
}

void
RerouteController::Record(const std::string& kind, const std::string& element, const std::string& detail)
{
    NS_LOG_INFO(kind << ' ' << element << ": " << detail);
    m_actionTrace(ns3::Simulator::Now(), kind, element, detail);
}

} // namespace ofab
