#include "ofab/fabric/control/local-reroute.h"

#include "ns3/simulator.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(LocalReroute);

ns3::TypeId
LocalReroute::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::LocalReroute")
                                 .SetParent<RerouteController>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<LocalReroute>();
    return tid;
}

void
LocalReroute::OnDetected(uint32_t link, LinkView seen, std::size_t incident)
{
    SwitchOverIfDead(link, seen, incident);
}

void
LocalReroute::OnRestoreDue(uint32_t link, std::size_t incident)
{
    m_known[link] = m_physical[link];
    PutBackDetours();
    RequestRerouteCheck();
    ReportRerouted(incident, ns3::Simulator::Now());
}

} // namespace ofab
