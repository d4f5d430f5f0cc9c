#include "ofab/protocols/helper/ualink-helper.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/uinteger.h"

#include <string>

namespace ofab
{

UalinkHelper::UalinkHelper()
{
    m_portFactory.SetTypeId(UalinkPort::GetTypeId());
    m_switchFactory.SetTypeId(UalinkSwitch::GetTypeId());
    m_endpointFactory.SetTypeId(AcceleratorEndpoint::GetTypeId());
}

void
UalinkHelper::SetPortAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    m_portFactory.Set(name, value);
}

void
UalinkHelper::SetSwitchAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    m_switchFactory.Set(name, value);
}

void
UalinkHelper::SetEndpointAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    m_endpointFactory.Set(name, value);
}

void
UalinkHelper::SetLanes(uint32_t lanes)
{
    if (lanes != 1 && lanes != 2 && lanes != 4)
    {
        throw ParameterError("Lanes", "a UALink port is x1, x2 or x4, got x" + std::to_string(lanes));
    }
    // 200 Gb/s per lane carried on 100 Gb/s optical lines: two lines per lane.
    m_photonics.SetLaserAttribute("LineCount", ns3::UintegerValue(2 * lanes));
    m_photonics.SetLinkAttribute("LineRateGbps", ns3::DoubleValue(100.0));
}

void
UalinkHelper::SetDestinationCount(uint32_t n)
{
    if (n == 0 || n > ualink::kMaxAccelerators)
    {
        throw ParameterError("Destinations", "1..1024 accelerator ids, got " + std::to_string(n));
    }
    m_destinations = n;
}

ns3::Ptr<UalinkPort>
UalinkHelper::CreatePort(uint32_t routingGroup) const
{
    ns3::Ptr<UalinkPort> p = m_portFactory.Create<UalinkPort>();
    p->SetAttribute("RoutingGroup", ns3::UintegerValue(routingGroup));
    p->Validate();
    return p;
}

ns3::Ptr<AcceleratorEndpoint>
UalinkHelper::CreateEndpoint(uint16_t acceleratorId) const
{
    ns3::Ptr<AcceleratorEndpoint> e = m_endpointFactory.Create<AcceleratorEndpoint>();
    e->SetAttribute("AcceleratorId", ns3::UintegerValue(acceleratorId));
    e->Validate();
    if (acceleratorId >= m_destinations)
    {
        throw ParameterError("AcceleratorId", "id " + std::to_string(acceleratorId) +
                                                  " is outside the forwarding tables (size " +
                                                  std::to_string(m_destinations) + ")");
    }
    e->SetDestinationCount(m_destinations);
    return e;
}

ns3::Ptr<UalinkSwitch>
UalinkHelper::CreateSwitch() const
{
    ns3::Ptr<UalinkSwitch> s = m_switchFactory.Create<UalinkSwitch>();
    s->Validate();
    s->SetDestinationCount(m_destinations);
    return s;
}

UalinkHelper::Link
UalinkHelper::Connect(ns3::Ptr<UalinkRouter> a, ns3::Ptr<UalinkRouter> b)
{
    return Connect(a, b, m_photonics.Install(m_photonics.CreateLaserSource(), m_photonics.CreateLaserSource()));
}

UalinkHelper::Link
UalinkHelper::Connect(ns3::Ptr<UalinkRouter> a, ns3::Ptr<UalinkRouter> b, ns3::Ptr<OpticalChannel> channel,
                      uint32_t routingGroup)
{
    Link l;
    l.a = a;
    l.b = b;
    l.portA = CreatePort(routingGroup);
    l.portB = CreatePort(routingGroup);
    l.channel = channel;
    a->AddPort(l.portA);
    b->AddPort(l.portB);
    l.portA->Attach(l.channel, 0, l.portB);
    l.portB->Attach(l.channel, 1, l.portA);
    m_links.push_back(l);
    return l;
}

UalinkHelper::Link
UalinkHelper::ConnectToSwitch(ns3::Ptr<AcceleratorEndpoint> endpoint, ns3::Ptr<UalinkSwitch> sw)
{
    Link l = Connect(endpoint, sw);
    sw->AddRoute(endpoint->GetAcceleratorId(), ForwardingChoice{l.portB->GetIndex(), false});
    std::vector<ForwardingChoice> planes = endpoint->GetForwardingTable().GetDefault();
    planes.push_back(ForwardingChoice{l.portA->GetIndex(), false});
    endpoint->SetDefaultRoute(planes);
    return l;
}

UalinkHelper::Pod
UalinkHelper::BuildSwitchedPod(uint32_t accelerators, uint32_t planes, uint32_t linksPerPlane)
{
    if (accelerators < 2 || accelerators > m_destinations)
    {
        throw ParameterError("Accelerators",
                             "2.." + std::to_string(m_destinations) + ", got " + std::to_string(accelerators));
    }
    if (planes < 1 || linksPerPlane < 1 || planes * linksPerPlane > ForwardingTable::kMaxChoices)
    {
        throw ParameterError("Planes", "1.." + std::to_string(ForwardingTable::kMaxChoices) +
                                           " ports per accelerator (planes x links per plane)");
    }
    Pod pod;
    for (uint32_t p = 0; p < planes; ++p)
    {
        pod.switches.push_back(CreateSwitch());
    }
    for (uint32_t a = 0; a < accelerators; ++a)
    {
        pod.endpoints.push_back(CreateEndpoint(static_cast<uint16_t>(a)));
    }
    // Plane-major port order: an endpoint's port k sits on plane k % planes.
    for (uint32_t k = 0; k < linksPerPlane; ++k)
    {
        for (uint32_t p = 0; p < planes; ++p)
        {
            for (uint32_t a = 0; a < accelerators; ++a)
            {
                pod.links.push_back(ConnectToSwitch(pod.endpoints[a], pod.switches[p]));
            }
        }
    }
    return pod;
}

int64_t
UalinkHelper::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (const auto& l : m_links)
    {
        used += PhotonicLinkHelper::AssignStreams(l.channel, stream + used);
    }
    return used;
}

} // namespace ofab
