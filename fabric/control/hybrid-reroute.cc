#include "ofab/fabric/control/hybrid-reroute.h"

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
    SwitchOverIfDead(link, seen, incident);
    GlobalReroute::OnDetected(link, seen, incident);
}

} // namespace ofab
