#include "ofab/fabric/control/external-reroute.h"

#include "ofab/fabric/routing/route-check.h"
#include "ofab/topologies/connectivity.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <sstream>

// Events out through the ExternalRouteSource, replies validated and installed like a global round,
// the fallback otherwise.

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(ExternalReroute);

namespace
{

/// "12.5 us": simulated times in /events details.
std::string
Us(ns3::Time t)
{
    std::ostringstream s;
    s << t.ToDouble(ns3::Time::US) << " us";
    return s.str();
}

} // namespace

const char*
ToString(FallbackPolicy p)
{
    switch (p)
    {
    case FallbackPolicy::Oracle:
        return "oracle";
    case FallbackPolicy::Local:
        return "local";
    case FallbackPolicy::Global:
        return "global";
    case FallbackPolicy::Hybrid:
        return "hybrid";
    }
    return "?";
}

ns3::TypeId
ExternalReroute::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::ExternalReroute")
            .SetParent<GlobalReroute>()
            .SetGroupName("Ofab")
            .AddConstructor<ExternalReroute>()
            .AddAttribute("ExternalTimeout",
                          "Simulated time from an event reaching the controller to the latest modelled arrival "
                          "of its reply; later, or never, and Fallback applies then.",
                          TimeValue(MicroSeconds(50)), MakeTimeAccessor(&ExternalReroute::m_timeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ExternalRefuseDeadlockRisk",
                          "Refuse a reply whose routes allow a credit loop (a cycle in the channel dependency "
                          "graph, checked before install), naming the loop; Fallback handles the incident then. "
                          "False: install such routes and report deadlock_risk.",
                          BooleanValue(true), MakeBooleanAccessor(&ExternalReroute::m_refuseDeadlockRisk),
                          MakeBooleanChecker())
            .AddAttribute("Fallback",
                          "The policy that handles an incident the external controller did not answer validly in "
                          "time (or when none is connected).",
                          EnumValue(static_cast<int>(FallbackPolicy::Global)),
                          MakeEnumAccessor(&ExternalReroute::m_fallback),
                          MakeEnumChecker(static_cast<int>(FallbackPolicy::Oracle), "oracle",
                                          static_cast<int>(FallbackPolicy::Local), "local",
                                          static_cast<int>(FallbackPolicy::Global), "global",
                                          static_cast<int>(FallbackPolicy::Hybrid), "hybrid"));
    return tid;
}

ExternalReroute::ExternalReroute()
    : m_fallback(static_cast<int>(FallbackPolicy::Global))
{
}

void
ExternalReroute::DoDispose()
{
    m_timeoutEvent.Cancel();
    m_external = nullptr;
    GlobalReroute::DoDispose();
}

void
ExternalReroute::StartRound()
{
    m_roundIncidents = std::move(m_pending);
    m_pending.clear();
    const ns3::Time now = ns3::Simulator::Now();
    ExternalEvent ev;
    ev.id = ++m_eventsSent;
    ev.time = now;
    ev.respondBy = now + m_timeout;
    ev.defaultComputeTime = m_computeTime;
    auto state = [this](uint32_t link) {
        const LinkView& k = m_known[link];
        return ExternalLinkState{link, k.up, k.up ? 1.0 / k.weight : 0.0};
    };
    for (std::size_t i : m_roundIncidents)
    {
        for (uint32_t link : m_incidents[i].links)
        {
            const bool seen = std::any_of(ev.changes.begin(), ev.changes.end(),
                                          [&](const ExternalLinkState& c) { return c.link == link; });
            if (!seen)
            {
                ev.changes.push_back(state(link));
            }
        }
    }
    for (uint32_t link = 0; link < m_known.size(); ++link)
    {
        if (!m_known[link].up || m_known[link].weight != 1.0)
        {
            ev.notNominal.push_back(state(link));
        }
    }
    const std::string element = "event " + std::to_string(ev.id);
    if (!m_external || !m_external->Send(ev))
    {
        Record("external_event", element, "no external controller registered: nobody to ask");
        Fallback("no external controller registered");
        return;
    }
    Record("external_event", element,
           "sent to " + m_external->Describe() + ": " + std::to_string(ev.changes.size()) +
               " link change(s); reply due by " + Us(ev.respondBy));
    m_pendingEvent = ev.id;
    m_sentAt = now;
    m_timeoutEvent = ns3::Simulator::Schedule(m_timeout, &ExternalReroute::OnTimeout, this, ev.id);
    // Simulated time holds here until the reply was handled or the source gave up (wall clock).
    const uint64_t id = ev.id;
    const std::string gaveUp = m_external->Await(id, [this, id] { return m_pendingEvent != id; });
    if (m_pendingEvent == id)
    {
        // No reply in the wall-clock limit: a later one is refused, the timeout hands over to the fallback.
        m_pendingEvent = 0;
        Record("external_rejected", element, "no reply: " + gaveUp);
    }
}

void
ExternalReroute::OnTimeout(uint64_t event)
{
    if (m_pendingEvent == event)
    {
        m_pendingEvent = 0;
        Record("external_rejected", "event " + std::to_string(event), "no reply");
    }
    Fallback("no valid reply by " + Us(m_sentAt + m_timeout) + " (ExternalTimeout " + Us(m_timeout) + ")");
}

void
ExternalReroute::Fallback(const std::string& why)
{
    const FallbackPolicy f = GetFallback();
    Record("external_fallback", ToString(f), "event " + std::to_string(m_eventsSent) + ": " + why);
    if (f == FallbackPolicy::Local || f == FallbackPolicy::Hybrid)
    {
        const ns3::Time toNodes = m_controlLatency + m_switchOverTime; // the order reaches the detecting nodes
        const bool putBack = f == FallbackPolicy::Local;               // hybrid's global round puts back
        for (std::size_t i : m_roundIncidents)
        {
            const Incident& inc = m_incidents[i];
            for (uint32_t link : inc.links)
            {
                if (inc.repair && putBack)
                {
                    ns3::Simulator::Schedule(m_controlLatency, &ExternalReroute::PutBackDetours, this);
                }
                else if (!inc.repair)
                {
                    ns3::Simulator::Schedule(toNodes, &ExternalReroute::LocalSwitchOver, this, link, i);
                }
            }
            if (inc.repair && putBack)
            {
                ReportRerouted(i, ns3::Simulator::Now() + m_controlLatency);
            }
        }
    }
    switch (f)
    {
    case FallbackPolicy::Global:
        PlanRound("fallback global");
        return;
    case FallbackPolicy::Hybrid:
        PlanRound("fallback hybrid");
        return;
    case FallbackPolicy::Oracle:
        m_known = m_physical;
        InstallNow(PlanKnownRoutes(), m_roundIncidents, "fallback oracle");
        EndRound();
        return;
    case FallbackPolicy::Local:
        EndRound();
        return;
    }
}

std::string
ExternalReroute::ApplyEntries(const std::vector<ExternalRouteEntry>& entries,
                              std::vector<ForwardingTable>& tables) const
{
    const topo::Graph& g = m_fabric->Graph();
    std::vector<std::vector<int>> given(g.NumNodes(), std::vector<int>(m_fabric->AcceleratorCount(), -1));
    for (std::size_t i = 0; i < entries.size(); ++i)
    {
        const ExternalRouteEntry& e = entries[i];
        std::string where = "entry " + std::to_string(i) + " (" + e.node + " -> " + e.dst + "): ";
        const auto node = g.FindNode(e.node);
        if (!node)
        {
            return where + "no node '" + e.node + "'";
        }
        const auto dstNode = g.FindNode(e.dst);
        if (!dstNode || g.AcceleratorIndex(*dstNode) < 0)
        {
            return where + "'" + e.dst + "' is not an accelerator";
        }
        const uint32_t dst = static_cast<uint32_t>(g.AcceleratorIndex(*dstNode));
        if (*node == *dstNode)
        {
            return where + "the node is the destination itself";
        }
        if (given[*node][dst] >= 0)
        {
            return where + "given twice (entry " + std::to_string(given[*node][dst]) + " too)";
        }
        given[*node][dst] = static_cast<int>(i);
        if (e.ports.empty() || e.ports.size() > ForwardingTable::kMaxChoices)
        {
            return where + "expected 1 to " + std::to_string(ForwardingTable::kMaxChoices) + " ports, got " +
                   std::to_string(e.ports.size());
        }
        std::vector<ForwardingChoice> choices;
        for (const int64_t port : e.ports)
        {
            const uint32_t n = static_cast<uint32_t>(m_portLink[*node].size());
            if (port < 0 || port >= static_cast<int64_t>(n))
            {
                return where + "port " + std::to_string(port) + " does not exist on " + e.node + " (ports 0 to " +
                       std::to_string(n - 1) + ")";
            }
            const uint32_t link = m_portLink[*node][static_cast<std::size_t>(port)];
            if (link == kNoLink)
            {
                return where + "port " + std::to_string(port) + " of " + e.node + " has no link";
            }
            // Grid wrap links keep the dateline flag, as the built-in shortest-path routes do.
            choices.push_back(ForwardingChoice{static_cast<uint16_t>(port), g.GetLink(link).wrap});
        }
        tables[*node].SetEntry(static_cast<uint16_t>(dst), choices);
    }
    return "";
}

std::string
ExternalReroute::CheckReply(const std::vector<ExternalRouteEntry>& entries, const std::vector<ForwardingTable>& tables,
                            const topo::LinkMask& mask) const
{
    if (const auto problem = CheckTables(*m_fabric, tables, mask))
    {
        const topo::Graph& g = m_fabric->Graph();
        const std::string& node = g.GetNode(problem->node).name;
        const std::string& dst = g.GetNode(g.AcceleratorNode(problem->dst)).name;
        std::string which = "not in the reply: the entry in force";
        for (std::size_t i = 0; i < entries.size(); ++i)
        {
            if (entries[i].node == node && entries[i].dst == dst)
            {
                which = "entry " + std::to_string(i);
            }
        }
        return which + " (" + node + " -> " + dst + "): " + problem->what;
    }
    if (m_refuseDeadlockRisk)
    {
        // Loop-free routes can still deadlock: a cycle of channels each waiting on the next's credits.
        const std::vector<topo::Channel> cycle = FindDependencyCycle(*m_fabric, tables, mask);
        if (!cycle.empty())
        {
            return "the routes allow a deadlock: " + DescribeCycle(m_fabric->Graph(), cycle);
        }
    }
    return "";
}

std::string
ExternalReroute::DeliverExternalRoutes(uint64_t event, const std::vector<ExternalRouteEntry>& entries,
                                       ns3::Time computeTime)
{
    const std::string element = "event " + std::to_string(event);
    if (event == 0 || event > m_eventsSent)
    {
        return "no event " + std::to_string(event) + " was sent (the last is " + std::to_string(m_eventsSent) + ")";
    }
    if (event != m_pendingEvent)
    {
        return "event " + std::to_string(event) + " no longer awaits routes (answered, refused or given up on)";
    }
    if (computeTime.IsNegative())
    {
        computeTime = m_computeTime;
    }
    const ns3::Time arrival = m_sentAt + computeTime;
    const ns3::Time now = ns3::Simulator::Now();
    m_pendingEvent = 0;
    if (computeTime > m_timeout)
    {
        // The timeout event, still pending, hands the incident to the fallback at its time.
        const std::string why =
            "modelled to arrive at " + Us(arrival) + ", after the timeout at " + Us(m_sentAt + m_timeout);
        Record("external_rejected", element, why);
        return why;
    }
    std::vector<ForwardingTable> tables;
    for (uint32_t node = 0; node < m_fabric->Graph().NumNodes(); ++node)
    {
        tables.push_back(m_fabric->Router(node)->GetForwardingTable());
    }
    const topo::LinkMask mask = KnownMask();
    std::string error = ApplyEntries(entries, tables);
    if (error.empty())
    {
        error = CheckReply(entries, tables, mask);
    }
    m_timeoutEvent.Cancel();
    if (!error.empty())
    {
        Record("external_rejected", element, error);
        ns3::Simulator::Schedule(arrival - now, &ExternalReroute::Fallback, this, "the reply was rejected: " + error);
        return error;
    }
    // Routers that cannot reach a destination get no entry for it (InstallNow keeps their old one).
    const auto reach = Reachability(*m_fabric, mask);
    for (uint32_t node = 0; node < tables.size(); ++node)
    {
        for (uint32_t dst = 0; dst < m_fabric->AcceleratorCount(); ++dst)
        {
            if (!reach[dst][node])
            {
                tables[node].ClearEntry(static_cast<uint16_t>(dst));
            }
        }
    }
    m_roundPlan = RoutePlan{};
    m_roundPlan.tables = std::move(tables);
    m_roundPlan.partitioned = topo::AffectedPairs(m_fabric->Graph(), mask);
    m_roundPlan.deadlockFree = m_refuseDeadlockRisk; // checked above, or nothing guarantees it
    m_roundHow = "external";
    m_roundView = m_known; // what the answer was checked against (a cut from now on: CommitRound replans)
    const ns3::Time commit = arrival - now + m_controlLatency + m_installTime + m_controlLatency + m_controlLatency;
    Record("external_routes", element,
           std::to_string(entries.size()) + " entries accepted (modelled arrival " + Us(arrival) +
               "); every router switches at " + Us(now + commit));
    ns3::Simulator::Schedule(commit, &ExternalReroute::CommitRound, this);
    return "";
}

} // namespace ofab
