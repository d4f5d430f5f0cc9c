#include "ofab/fabric/control/reroute-controller.h"

#include "ofab/fabric/routing/route-check.h"
#include "ofab/topologies/connectivity.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <sstream>

// The external policy of RerouteController (see reroute-controller.h): events out through the
// ExternalRouteSource, replies validated and installed like a global round, the fallback otherwise.

namespace ofab
{

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

void
RerouteController::StartExternalRound()
{
    m_roundIncidents = std::move(m_pendingGlobal);
    m_pendingGlobal.clear();
    const ns3::Time now = ns3::Simulator::Now();
    ExternalEvent ev;
    ev.id = ++m_externalEvents;
    ev.time = now;
    ev.respondBy = now + m_externalTimeout;
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
    m_externalPending = ev.id;
    m_externalSentAt = now;
    m_externalTimeoutEvent =
        ns3::Simulator::Schedule(m_externalTimeout, &RerouteController::OnExternalTimeout, this, ev.id);
    // Simulated time holds here until the reply was handled or the source gave up (wall clock).
    const uint64_t id = ev.id;
    const std::string gaveUp = m_external->Await(id, [this, id] { return m_externalPending != id; });
    if (m_externalPending == id)
    {
        // No reply in the wall-clock limit: a later one is refused, the timeout hands over to the fallback.
        m_externalPending = 0;
        Record("external_rejected", element, "no reply: " + gaveUp);
    }
}

void
RerouteController::OnExternalTimeout(uint64_t event)
{
    if (m_externalPending == event)
    {
        m_externalPending = 0;
        Record("external_rejected", "event " + std::to_string(event), "no reply");
    }
    Fallback("no valid reply by " + Us(m_externalSentAt + m_externalTimeout) + " (ExternalTimeout " +
             Us(m_externalTimeout) + ")");
}

void
RerouteController::Fallback(const std::string& why)
{
    const ReroutePolicy f = GetFallback();
    Record("external_fallback", ToString(f), "event " + std::to_string(m_externalEvents) + ": " + why);
    const ns3::Time toNodes = m_controlLatency + m_switchOverTime; // the order reaches the detecting nodes
    if (f == ReroutePolicy::Local || f == ReroutePolicy::Hybrid)
    {
        for (std::size_t i : m_roundIncidents)
        {
            for (uint32_t link : m_incidents[i].links)
            {
                if (m_incidents[i].repair && f == ReroutePolicy::Local)
                {
                    ns3::Simulator::Schedule(m_controlLatency, &RerouteController::PutBackSaved, this, link);
                }
                else if (!m_incidents[i].repair)
                {
                    ns3::Simulator::Schedule(toNodes, &RerouteController::LocalSwitchOver, this, link, i);
                }
            }
            if (m_incidents[i].repair && f == ReroutePolicy::Local)
            {
                m_incidents[i].rerouteNs = (ns3::Simulator::Now() + m_controlLatency).ToDouble(ns3::Time::NS) -
                                           m_incidents[i].timeNs;
            }
        }
    }
    switch (f)
    {
    case ReroutePolicy::Global:
        PlanGlobalRound("fallback global");
        return;
    case ReroutePolicy::Hybrid:
        PlanGlobalRound("fallback hybrid");
        return;
    case ReroutePolicy::Oracle: {
        std::vector<LinkView> truth = m_physical;
        m_known = truth;
        InstallNow(PlanRoutes(*m_fabric, KnownMask(), KnownWeights()), m_roundIncidents, "fallback oracle");
        EndRound();
        return;
    }
    default:
        EndRound();
        return;
    }
}

std::string
RerouteController::ApplyEntries(const std::vector<ExternalRouteEntry>& entries,
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
            choices.push_back(ForwardingChoice{static_cast<uint16_t>(port), g.link(link).wrap});
        }
        tables[*node].SetEntry(static_cast<uint16_t>(dst), choices);
    }
    return "";
}

std::string
RerouteController::DeliverExternalRoutes(uint64_t event, const std::vector<ExternalRouteEntry>& entries,
                                         ns3::Time computeTime)
{
    const std::string element = "event " + std::to_string(event);
    if (event == 0 || event > m_externalEvents)
    {
        return "no event " + std::to_string(event) + " was sent (the last is " + std::to_string(m_externalEvents) + ")";
    }
    if (event != m_externalPending)
    {
        return "event " + std::to_string(event) + " no longer awaits routes (answered, refused or given up on)";
    }
    if (computeTime.IsNegative())
    {
        computeTime = m_computeTime;
    }
    const ns3::Time arrival = m_externalSentAt + computeTime;
    const ns3::Time now = ns3::Simulator::Now();
    m_externalPending = 0;
    if (computeTime > m_externalTimeout)
    {
        // The timeout event, still pending, hands the incident to the fallback at its time.
        const std::string why = "modelled to arrive at " + Us(arrival) + ", after the timeout at " +
                                Us(m_externalSentAt + m_externalTimeout);
        Record("external_rejected", element, why);
        return why;
    }
    std::vector<ForwardingTable> tables;
    for (uint32_t node = 0; node < m_fabric->Graph().NumNodes(); ++node)
    {
        tables.push_back(m_fabric->Router(node)->GetForwardingTable());
    }
    std::string error = ApplyEntries(entries, tables);
    const topo::LinkMask mask = KnownMask();
    if (error.empty())
    {
        if (const auto problem = CheckTables(*m_fabric, tables, mask))
        {
            const topo::Graph& g = m_fabric->Graph();
            const std::string& node = g.node(problem->node).name;
            const std::string& dst = g.node(g.AcceleratorNode(problem->dst)).name;
            std::string which = "not in the reply: the entry in force";
            for (std::size_t i = 0; i < entries.size(); ++i)
            {
                if (entries[i].node == node && entries[i].dst == dst)
                {
                    which = "entry " + std::to_string(i);
                }
            }
            error = which + " (" + node + " -> " + dst + "): " + problem->what;
        }
        else if (m_externalRefuseDeadlockRisk)
        {
            // Loop-free routes can still deadlock: a cycle of channels each waiting on the next's credits.
            const std::vector<topo::Channel> cycle = FindDependencyCycle(*m_fabric, tables, mask);
            if (!cycle.empty())
            {
                error = "the routes allow a deadlock: " + DescribeCycle(m_fabric->Graph(), cycle);
            }
        }
    }
    m_externalTimeoutEvent.Cancel();
    if (!error.empty())
    {
        Record("external_rejected", element, error);
        ns3::Simulator::Schedule(arrival - now, &RerouteController::Fallback, this, "the reply was rejected: " + error);
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
    m_roundPlan.deadlockFree = m_externalRefuseDeadlockRisk; // checked above, or nothing guarantees it
    m_roundHow = "external";
    const ns3::Time commit = arrival - now + m_controlLatency + m_installTime + m_controlLatency + m_controlLatency;
    Record("external_routes", element,
           std::to_string(entries.size()) + " entries accepted (modelled arrival " + Us(arrival) +
               "); every router switches at " + Us(now + commit));
    ns3::Simulator::Schedule(commit, &RerouteController::CommitGlobalRound, this);
    return "";
}

} // namespace ofab
