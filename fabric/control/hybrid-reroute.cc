#include "ofab/fabric/control/hybrid-reroute.h"

#include "ns3/simulator.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(HybridReroute);

ns3::TypeId
HybridReroute::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::HybridReroute")
                                 .SetParent<GlobalReroute>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<HybridReroute>();
    return tid;
}

void
HybridReroute::OnDetected(uint32_t link, LinkView seen, std::size_t incident)
{
    if (!seen.up)
    {
        ns3::Simulator::Schedule(m_switchOverTime, &HybridReroute::LocalSwitchOver, this, link, incident);
    }
    GlobalReroute::OnDetected(link, seen, incident);
}

} // namespace ofab
