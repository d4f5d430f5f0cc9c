#include "ofab/fabric/control/reroute-controller.h"

#include "ofab/fabric/routing/route-check.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("OfabRerouteController");
NS_OBJECT_ENSURE_REGISTERED(RerouteController);

namespace
{
constexpr std::size_t kPartitionExamples = 16;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

double
NowNs()
{
    return ns3::Simulator::Now().ToDouble(ns3::Time::NS);
}
} // namespace

const char*
ToString(ReroutePolicy p)
{
    switch (p)
    {
    case ReroutePolicy::Oracle:
        return "oracle";
    case ReroutePolicy::Local:
        return "local";
    case ReroutePolicy::Global:
        return "global";
    case ReroutePolicy::Hybrid:
        return "hybrid";
    case ReroutePolicy::External:
        return "external";
    }
    return "?";
}

ns3::TypeId
RerouteController::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::RerouteController")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddConstructor<RerouteController>()
            .AddAttribute("Policy",
                          "How the fabric heals: oracle (instant global recompute at the change, the "
                          "baseline), local (the detecting nodes switch to loop-free alternates), global "
                          "(central recompute and consistent two-phase install), hybrid (local, then global), "
                          "external (routes from a controller connected to `ofab serve`, validated; Fallback "
                          "when there is none, it answers wrongly or too late).",
                          EnumValue(static_cast<int>(ReroutePolicy::Hybrid)),
                          MakeEnumAccessor(&RerouteController::m_policy),
                          MakeEnumChecker(static_cast<int>(ReroutePolicy::Oracle), "oracle",
                                          static_cast<int>(ReroutePolicy::Local), "local",
                                          static_cast<int>(ReroutePolicy::Global), "global",
                                          static_cast<int>(ReroutePolicy::Hybrid), "hybrid",
                                          static_cast<int>(ReroutePolicy::External), "external"))
            .AddAttribute("ExternalTimeout",
                          "External policy: simulated time from an event reaching the controller to the "
                          "latest modelled arrival of its reply; later, or never, and Fallback applies then.",
                          TimeValue(MicroSeconds(50)),
                          MakeTimeAccessor(&RerouteController::m_externalTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ExternalRefuseDeadlockRisk",
                          "External policy: refuse a reply whose routes allow a credit loop (a cycle in the "
                          "channel dependency graph, checked before install), naming the loop; Fallback "
                          "handles the incident then. False: install such routes and report deadlock_risk.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&RerouteController::m_externalRefuseDeadlockRisk),
                          MakeBooleanChecker())
            .AddAttribute("Fallback",
                          "External policy: the policy that handles an incident the external controller did "
                          "not answer validly in time (or when none is connected).",
                          EnumValue(static_cast<int>(ReroutePolicy::Global)),
                          MakeEnumAccessor(&RerouteController::m_fallback),
                          MakeEnumChecker(static_cast<int>(ReroutePolicy::Oracle), "oracle",
                                          static_cast<int>(ReroutePolicy::Local), "local",
                                          static_cast<int>(ReroutePolicy::Global), "global",
                                          static_cast<int>(ReroutePolicy::Hybrid), "hybrid"))
            .AddAttribute("DetectionDelay",
                          "Link change -> the nodes at its ends know (loss-of-lock debounce or data-link "
                          "timeout). Not used by the oracle.",
                          TimeValue(NanoSeconds(500)),
                          MakeTimeAccessor(&RerouteController::m_detectionDelay),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ControlLatency",
                          "One-way latency of the control channel between a node and the controller.",
                          TimeValue(MicroSeconds(2)),
                          MakeTimeAccessor(&RerouteController::m_controlLatency),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ComputeTime",
                          "Time the controller takes to recompute every table (global and hybrid).",
                          TimeValue(MicroSeconds(10)),
                          MakeTimeAccessor(&RerouteController::m_computeTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("InstallTime",
                          "Time a router takes to write the entries it was sent (routers work in parallel).",
                          TimeValue(MicroSeconds(1)),
                          MakeTimeAccessor(&RerouteController::m_installTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("SwitchOverTime",
                          "Detection -> a node's precomputed alternates are in force (local and hybrid).",
                          TimeValue(NanoSeconds(100)),
                          MakeTimeAccessor(&RerouteController::m_switchOverTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("WaitToRestore",
                          "A link that came back is used again only after it stayed up this long "
                          "(after detection), so a flapping link does not move traffic back and forth.",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&RerouteController::m_waitToRestore),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("StallTimeout",
                          "A port with messages queued on an up link whose credits of one kind are used up "
                          "and none come back for this long is reported stalled (a deadlock if several wait "
                          "on one another). 0 turns it off.",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&RerouteController::m_stallTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("Action",
                            "A detection, switch-over, install, restore, partition or unprotected route.",
                            MakeTraceSourceAccessor(&RerouteController::m_actionTrace),
                            "ofab::RerouteController::ActionTracedCallback");
    return tid;
}

RerouteController::RerouteController()
    : m_policy(static_cast<int>(ReroutePolicy::Hybrid)),
      m_fallback(static_cast<int>(ReroutePolicy::Global))
{
}

void
RerouteController::DoDispose()
{
    for (auto& e : m_restoreEvents)
    {
        e.Cancel();
    }
    m_externalTimeoutEvent.Cancel();
    m_external = nullptr;
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
    m_saved.assign(links.size(), {});
    m_portLink = RouterPortLinks(fabric);
    m_noRoute.assign(g.NumNodes(), std::vector<uint8_t>(fabric.AcceleratorCount(), 0));
    for (const FabricLink& l : links)
    {
        m_nominalBps[l.id] =
            std::min(l.channel->GetLink(0)->GetCapacityBps(), l.channel->GetLink(1)->GetCapacityBps());
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
    }
    m_stalls = std::make_unique<StallDetector>(
        fabric, m_stallTimeout, [this](const std::string& node, uint16_t port, const std::string& detail) {
            Record("stall", node + " port " + std::to_string(port), detail);
        });
    m_stalls->Start();
    for (uint32_t node = 0; node < g.NumNodes(); ++node)
    {
        fabric.Router(node)->SetLinkDownHandler(
            ns3::MakeCallback(&RerouteController::OnLinkDown, this).Bind(node));
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
RerouteController::OpenIncident(uint32_t link, bool repair)
{
    const double now = NowNs();
    // Links that change at one instant (a laser source, a switch) are one incident.
    if (!m_incidents.empty() && m_incidents.back().timeNs == now && m_incidents.back().repair == repair)
    {
        m_incidents.back().links.push_back(link);
        return m_incidents.size() - 1;
    }
    Incident i;
    i.timeNs = now;
    i.links.push_back(link);
    i.repair = repair;
    m_incidents.push_back(i);
    if (!repair)
    {
        m_openIncidents.push_back(m_incidents.size() - 1);
    }
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
    const std::size_t incident = OpenIncident(link, repair);
    if (!now.up)
    {
        m_restoreEvents[link].Cancel(); // it failed again before its wait-to-restore ended
    }
    if (!repair && !now.up)
    {
        RequestRerouteCheck(); // a link no route uses (any more) needs no reroute: T_reroute = 0
    }
    const ns3::Time detection =
        GetPolicy() == ReroutePolicy::Oracle ? ns3::Time(0) : m_detectionDelay;
    if (repair)
    {
        m_restoreEvents[link] = ns3::Simulator::Schedule(detection + m_waitToRestore,
                                                         &RerouteController::RestoreAfterWait, this, link, incident);
        return;
    }
    if (GetPolicy() == ReroutePolicy::Oracle)
    {
        m_incidents[incident].detectNs = 0.0;
        m_known[link] = now;
        // The first change of an instant is installed at once (the link-down handler re-routes with
        // it); the others of that instant (a switch's links, a laser source's) together, just after.
        if (m_oracleInstallTick != ns3::Simulator::Now().GetTimeStep())
        {
            m_oracleInstallTick = ns3::Simulator::Now().GetTimeStep();
            InstallNow(PlanRoutes(*m_fabric, KnownMask(), KnownWeights()), {incident}, "oracle");
        }
        else
        {
            m_oracleIncidents.push_back(incident);
            if (m_oracleIncidents.size() == 1)
            {
                ns3::Simulator::ScheduleNow(&RerouteController::OracleCatchUp, this);
            }
        }
        return;
    }
    ns3::Simulator::Schedule(detection, &RerouteController::Detect, this, link, now, incident);
}

void
RerouteController::Detect(uint32_t link, LinkView seen, std::size_t incident)
{
    const LinkView current = m_physical[link];
    if (current.up == m_known[link].up && current.weight == m_known[link].weight)
    {
        return; // undone before the nodes could see it (a short flap): nothing to tell
    }
    Incident& inc = m_incidents[incident];
    if (!inc.detectNs)
    {
        inc.detectNs = NowNs() - inc.timeNs;
    }
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
    const ReroutePolicy p = GetPolicy();
    if ((p == ReroutePolicy::Local || p == ReroutePolicy::Hybrid) && !seen.up)
    {
        ns3::Simulator::Schedule(m_switchOverTime, &RerouteController::LocalSwitchOver, this, link, incident);
    }
    if (p == ReroutePolicy::Global || p == ReroutePolicy::Hybrid || p == ReroutePolicy::External)
    {
        ns3::Simulator::Schedule(m_controlLatency, &RerouteController::Notify, this, link, seen, incident);
    }
}

void
RerouteController::Notify(uint32_t link, LinkView seen, std::size_t incident)
{
    if (!m_restoreEvents[link].IsRunning() || !seen.up)
    {
        m_known[link] = seen;
    }
    m_pendingGlobal.push_back(incident);
    if (!m_roundRunning)
    {
        // Starts after every notification of this instant arrived (the two ends of a link, the links
        // of one laser source): one round answers them all.
        m_roundRunning = true;
        ns3::Simulator::ScheduleNow(&RerouteController::StartRound, this);
    }
}

void
RerouteController::StartRound()
{
    if (GetPolicy() == ReroutePolicy::External)
    {
        StartExternalRound();
    }
    else
    {
        StartGlobalRound();
    }
}

void
RerouteController::StartGlobalRound()
{
    m_roundIncidents = std::move(m_pendingGlobal);
    m_pendingGlobal.clear();
    PlanGlobalRound("global");
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

void
RerouteController::PlanGlobalRound(const char* how)
{
    m_roundHow = how;
    m_roundPlan = PlanRoutes(*m_fabric, KnownMask(), KnownWeights());
    // Compute; prepare (changed entries out, written, acked); commit: every router flips at once.
    const ns3::Time commit = m_computeTime + m_controlLatency + m_installTime + m_controlLatency + m_controlLatency;
    ns3::Simulator::Schedule(commit, &RerouteController::CommitGlobalRound, this);
}

void
RerouteController::CommitGlobalRound()
{
    InstallNow(m_roundPlan, m_roundIncidents, m_roundHow.c_str());
    for (std::size_t i : m_roundIncidents)
    {
        Incident& inc = m_incidents[i];
        inc.optimisedNs = NowNs() - inc.timeNs;
    }
    EndRound();
}

void
RerouteController::EndRound()
{
    m_roundRunning = false;
    m_roundPlan = RoutePlan{};
    m_roundIncidents.clear();
    if (!m_pendingGlobal.empty())
    {
        m_roundRunning = true;
        StartRound();
    }
}

void
RerouteController::OracleCatchUp()
{
    std::vector<std::size_t> incidents;
    incidents.swap(m_oracleIncidents);
    InstallNow(PlanRoutes(*m_fabric, KnownMask(), KnownWeights()), incidents, "oracle");
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
    for (auto& saved : m_saved)
    {
        saved.clear(); // a full install supersedes every local switch-over
    }
    Record("install", how, std::to_string(entries) + " entries in " + std::to_string(routers) + " routers");
    const topo::Graph& g = m_fabric->Graph();
    if (!plan.partitioned.empty())
    {
        std::ostringstream detail;
        detail << plan.partitioned.size() << " accelerator pairs without a path, e.g.";
        for (std::size_t i = 0; i < plan.partitioned.size() && i < 3; ++i)
        {
            detail << ' ' << g.node(g.AcceleratorNode(plan.partitioned[i].first)).name << "->"
                   << g.node(g.AcceleratorNode(plan.partitioned[i].second)).name;
        }
        Record("partition", how, detail.str());
    }
    if (!plan.fallbackDestinations.empty())
    {
        Record("fallback_routes", how,
               std::to_string(plan.fallbackDestinations.size()) +
                   " destinations routed by shortest paths: not deadlock-free by construction");
    }
    for (std::size_t i : incidents)
    {
        Incident& inc = m_incidents[i];
        inc.routersUpdated += routers;
        inc.partitionedPairs = plan.partitioned.size();
        inc.partitionExamples.assign(plan.partitioned.begin(),
                                     plan.partitioned.begin() +
                                         static_cast<std::ptrdiff_t>(std::min(plan.partitioned.size(), kPartitionExamples)));
        // A change that broke nothing (a degradation) is handled once its new routes are in.
        if (!inc.repair && !inc.rerouteNs)
        {
            bool anyDown = false;
            for (uint32_t link : inc.links)
            {
                anyDown = anyDown || !m_physical[link].up;
            }
            if (!anyDown)
            {
                inc.rerouteNs = NowNs() - inc.timeNs;
            }
        }
        if (inc.repair && !inc.rerouteNs)
        {
            inc.rerouteNs = NowNs() - inc.timeNs;
        }
    }
    RequestRerouteCheck();
}

void
RerouteController::RestoreAfterWait(uint32_t link, std::size_t incident)
{
    if (!m_physical[link].up)
    {
        return;
    }
    Record("restore", LinkName(link), "up for the wait-to-restore time: routes back over it");
    const ReroutePolicy p = GetPolicy();
    if (p == ReroutePolicy::Global || p == ReroutePolicy::Hybrid || p == ReroutePolicy::External)
    {
        ns3::Simulator::Schedule(m_controlLatency, &RerouteController::Notify, this, link, m_physical[link], incident);
        return;
    }
    m_known[link] = m_physical[link];
    if (p == ReroutePolicy::Oracle)
    {
        InstallNow(PlanRoutes(*m_fabric, KnownMask(), KnownWeights()), {incident}, "oracle");
        return;
    }
    // Local: the two end nodes put back what their switch-over replaced (where it still works).
    PutBackSaved(link);
    RequestRerouteCheck();
    m_incidents[incident].rerouteNs = NowNs() - m_incidents[incident].timeNs;
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
    if (port != UalinkRouter::kNoPort && GetPolicy() == ReroutePolicy::Oracle)
    {
        // The port's own loss-of-signal sink may run before ours: the oracle learns it here.
        OnLinkChanged(m_portLink[node][port]);
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

std::string
RerouteController::LinkName(uint32_t link) const
{
    const topo::Graph& g = m_fabric->Graph();
    const topo::Link& l = g.link(link);
    return g.node(l.a).name + "-" + g.node(l.b).name;
}

void
RerouteController::Record(const std::string& kind, const std::string& element, const std::string& detail)
{
    NS_LOG_INFO(kind << ' ' << element << ": " << detail);
    m_actionTrace(ns3::Simulator::Now(), kind, element, detail);
}

} // namespace ofab
