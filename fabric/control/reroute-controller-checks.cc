#include "ofab/fabric/control/reroute-controller.h"

#include "ofab/fabric/routing/route-check.h"

#include "ns3/simulator.h"

#include <algorithm>

// What RerouteController checks after every change of the tables, once per instant: whether the
// reroute is complete (T_reroute) and whether the routes in force allow a credit loop.

namespace ofab
{

void
RerouteController::RequestRerouteCheck()
{
    // Once per instant, however many links changed in it: the check visits every table entry.
    if (!m_checkPending)
    {
        m_checkPending = true;
        ns3::Simulator::ScheduleNow(&RerouteController::RunRerouteCheck, this);
    }
}

void
RerouteController::RunRerouteCheck()
{
    m_checkPending = false;
    CheckRerouted();
    AuditDeadlockFreedom();
}

void
RerouteController::AuditDeadlockFreedom()
{
    // The walk is linear in destinations x channels: cheap up to a few hundred accelerators; larger
    // fabrics rely on the stall detector alone.
    constexpr uint32_t kAuditedAccelerators = 256;
    if (m_fabric->AcceleratorCount() > kAuditedAccelerators)
    {
        return;
    }
    topo::LinkMask up(m_physical.size());
    for (std::size_t i = 0; i < m_physical.size(); ++i)
    {
        up[i] = m_physical[i].up;
    }
    const std::vector<topo::Channel> cycle = FindDependencyCycle(*m_fabric, up);
    if (cycle.empty() == !m_deadlockRisk)
    {
        return; // no change since the last audit
    }
    m_deadlockRisk = !cycle.empty();
    if (!m_deadlockRisk)
    {
        Record("deadlock_risk", "routes", "cleared: the routes in force have no channel dependency cycle");
        return;
    }
    Record("deadlock_risk", "routes", DescribeCycle(m_fabric->Graph(), cycle) + "; the stall detector watches");
}

uint64_t
RerouteController::CountBrokenEntries() const
{
    uint64_t broken = 0;
    for (uint32_t node = 0; node < m_portLink.size(); ++node)
    {
        const ForwardingTable& t = m_fabric->Router(node)->GetForwardingTable();
        for (uint32_t dst = 0; dst < t.Size(); ++dst)
        {
            const ForwardingChoice* c = nullptr;
            const uint32_t n = t.Lookup(static_cast<uint16_t>(dst), c);
            bool live = n == 0 || m_noRoute[node][dst];
            for (uint32_t i = 0; i < n && !live; ++i)
            {
                live = m_physical[m_portLink[node][c[i].port]].up;
            }
            broken += live ? 0 : 1;
        }
    }
    return broken;
}

void
RerouteController::CheckRerouted()
{
    if (m_openIncidents.empty())
    {
        return;
    }
    std::vector<std::size_t> stillOpen;
    const bool clean = CountBrokenEntries() == 0;
    for (std::size_t i : m_openIncidents)
    {
        const Incident& inc = m_incidents[i];
        if (inc.rerouted)
        {
            continue;
        }
        // A cut incident whose dead links no table uses any more: at its own instant (nothing used
        // them: T_reroute 0), else once detected (tables that avoid a link the controller has not
        // heard of yet, say because an older plan left its destinations unreachable, are no
        // reroute of it). A degradation is done when its routes go in (InstallNow), not when a
        // later cut of its link leaves the tables clean.
        const bool down =
            std::any_of(inc.links.begin(), inc.links.end(), [this](uint32_t link) { return !m_physical[link].up; });
        if (inc.cut && down && clean && (inc.detected || inc.time == ns3::Simulator::Now()))
        {
            ReportRerouted(i, ns3::Simulator::Now());
            continue;
        }
        stillOpen.push_back(i);
    }
    m_openIncidents = std::move(stillOpen);
}

} // namespace ofab
