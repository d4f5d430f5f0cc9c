#include "ofab/fabric/control/global-reroute.h"

#include "ns3/simulator.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(GlobalReroute);

ns3::TypeId
GlobalReroute::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::GlobalReroute")
                                 .SetParent<RerouteController>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<GlobalReroute>();
    return tid;
}

void
GlobalReroute::OnDetected(uint32_t link, LinkView seen, std::size_t incident)
{
    ns3::Simulator::Schedule(m_controlLatency, &GlobalReroute::Notify, this, link, seen, incident);
}

void
GlobalReroute::OnRestoreDue(uint32_t link, std::size_t incident)
{
    ns3::Simulator::Schedule(m_controlLatency, &GlobalReroute::Notify, this, link, m_physical[link], incident);
}

void
GlobalReroute::Notify(uint32_t link, LinkView seen, std::size_t incident)
{
    if (!m_restoreEvents[link].IsRunning() || !seen.up)
    {
        m_known[link] = seen;
    }
    m_pending.push_back(incident);
    if (!m_roundRunning)
    {
        // Starts after every notification of this instant arrived (the two ends of a link, the links
        // of one laser source): one round answers them all.
        m_roundRunning = true;
        ns3::Simulator::ScheduleNow(&GlobalReroute::StartRound, this);
    }
}

void
GlobalReroute::StartRound()
{
    m_roundIncidents = std::move(m_pending);
    m_pending.clear();
    PlanRound("global");
}

void
GlobalReroute::PlanRound(const char* how)
{
    m_roundHow = how;
    m_roundView = m_known;
    m_roundPlan = PlanKnownRoutes();
    // Compute; prepare (changed entries out, written, acked); commit: every router flips at once.
    const ns3::Time commit = m_computeTime + m_controlLatency + m_installTime + m_controlLatency + m_controlLatency;
    ns3::Simulator::Schedule(commit, &GlobalReroute::CommitRound, this);
}

void
GlobalReroute::CommitRound()
{
    // A link that went down (and was reported) while the plan was computed and prepared may carry
    // some of its routes: committing it would undo the local switch-overs that protect the link and
    // send traffic into it until the next round. The commit is abandoned and a round planned at once
    // with the state known now, answering these incidents and the new ones together.
    for (uint32_t link = 0; link < m_known.size(); ++link)
    {
        if (m_roundView[link].up && !m_known[link].up)
        {
            Record("replan", m_roundHow,
                   LinkName(link) + " went down while these routes were computed: not " +
                       "installed; computing again with what is known now");
            m_pending.insert(m_pending.begin(), m_roundIncidents.begin(), m_roundIncidents.end());
            EndRound();
            return;
        }
    }
    InstallNow(m_roundPlan, m_roundIncidents, m_roundHow.c_str());
    for (std::size_t i : m_roundIncidents)
    {
        ReportStep({IncidentStep::Kind::Optimised, i, ns3::Simulator::Now()});
    }
    EndRound();
}

void
GlobalReroute::EndRound()
{
    m_roundRunning = false;
    m_roundPlan = RoutePlan{};
    m_roundView.clear();
    m_roundIncidents.clear();
    if (!m_pending.empty())
    {
        m_roundRunning = true;
        StartRound();
    }
}

} // namespace ofab
