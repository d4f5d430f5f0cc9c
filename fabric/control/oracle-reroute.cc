#include "ofab/fabric/control/oracle-reroute.h"

#include "ns3/simulator.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(OracleReroute);

ns3::TypeId
OracleReroute::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::OracleReroute")
                                 .SetParent<RerouteController>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<OracleReroute>();
    return tid;
}

void
OracleReroute::OnChange(uint32_t link, LinkView now, std::size_t incident)
{
    ReportDetected(incident);
    m_known[link] = now;
    // The first change of an instant is installed at once (the link-down handler re-routes with it);
    // the others of that instant (a switch's links, a laser source's) together, just after.
    if (m_installTick != ns3::Simulator::Now().GetTimeStep())
    {
        m_installTick = ns3::Simulator::Now().GetTimeStep();
        InstallNow(PlanKnownRoutes(), {incident}, "oracle");
        return;
    }
    m_catchUp.push_back(incident);
    if (m_catchUp.size() == 1)
    {
        ns3::Simulator::ScheduleNow(&OracleReroute::CatchUp, this);
    }
}

void
OracleReroute::OnDetected(uint32_t, LinkView, std::size_t)
{
    // Nothing to detect: the oracle acts at the change itself (OnChange).
}

void
OracleReroute::OnRestoreDue(uint32_t link, std::size_t incident)
{
    m_known[link] = m_physical[link];
    InstallNow(PlanKnownRoutes(), {incident}, "oracle");
}

void
OracleReroute::OnPortDown(uint32_t link)
{
    // The port's own loss-of-signal sink may run after the protocol layer asks us: learn it here,
    // so the messages at the dead port are re-routed over the new tables.
    OnLinkChanged(link);
}

void
OracleReroute::CatchUp()
{
    std::vector<std::size_t> incidents;
    incidents.swap(m_catchUp);
    InstallNow(PlanKnownRoutes(), incidents, "oracle");
}

} // namespace ofab
