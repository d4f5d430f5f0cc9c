// WideAreaNetwork::Build: the gateways, their NICs, a link per lightpath between two gateways, the
// queue discs every port gets, addresses and global routing.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/global-router-interface.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
#include "ns3/tcp-dctcp.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// Each gateway's own address (on its loopback, advertised by global routing): 10.255.x.y/32.
/// Transfers connect to it, so they do not depend on any one link's interface.
ns3::Ipv4Address
SiteAddress(std::size_t siteIndex)
{
    return ns3::Ipv4Address(static_cast<uint32_t>(0x0AFF0001u + siteIndex));
}

/// A NIC's own address, the same way: 10.254.<site index>.<nic + 1>/32.
ns3::Ipv4Address
NicAddress(std::size_t siteIndex, uint32_t nic)
{
    return ns3::Ipv4Address(static_cast<uint32_t>(0x0AFE0000u + (siteIndex << 8) + nic + 1));
}

/// Links between a NIC and its gateway get a /30 each from 10.128.0.0 on.
constexpr uint32_t kNicLinkBase = 0x0A800000u;

} // namespace

void
WideAreaNetwork::Build(MeshPlanner& planner, const std::vector<uint32_t>& sites, const std::vector<uint32_t>& nics)
{
    if (m_planner != nullptr)
    {
        throw ParameterError("Build", "the wide-area network is already built");
    }
    Validate();
    if (m_mtuBytes < kTcpIpHeaderBytes + 536)
    {
        throw ParameterError("MtuBytes", "an MTU of " + std::to_string(m_mtuBytes) + " bytes leaves no TCP segment");
    }
    for (std::size_t i = 0; i < sites.size(); ++i)
    {
        if (sites[i] >= planner.Mesh().NumNodes())
        {
            throw ParameterError("Sites", "no mesh node " + std::to_string(sites[i]));
        }
        if (std::count(sites.begin(), sites.end(), sites[i]) > 1)
        {
            throw ParameterError("Sites", "mesh node " + planner.Mesh().NodeName(sites[i]) + " has two gateways");
        }
    }
    if (nics.size() > sites.size() || std::any_of(nics.begin(), nics.end(), [](uint32_t n) { return n > 254; }))
    {
        throw ParameterError("Nics", "at most 254 NICs for each site given");
    }
    m_planner = &planner;
    m_sites = sites;
    m_gatewayUp.assign(sites.size(), true);
    for (std::size_t i = 0; i < sites.size(); ++i)
    {
        m_gateways.push_back(ns3::CreateObject<ns3::Node>());
    }
    // ns-3's default list routing: static (connected networks) and global (between gateways).
    ns3::InternetStackHelper stack;
    for (const auto& g : m_gateways)
    {
        stack.Install(g);
        // Every socket a gateway creates runs DCTCP: ECN-marked AIMD with the marked fraction.
        g->GetObject<ns3::TcpL4Protocol>()->SetAttribute("SocketType", ns3::TypeIdValue(ns3::TcpDctcp::GetTypeId()));
    }
    for (const topo::Lightpath& lp : planner.Plan().GetLightpaths())
    {
        const bool a = std::count(sites.begin(), sites.end(), lp.request.a) > 0;
        const bool b = std::count(sites.begin(), sites.end(), lp.request.b) > 0;
        if (a && b)
        {
            AddLink(lp);
        }
    }
    // After the lightpaths: the NIC ports' marking threshold comes from them (EcnThresholdBytes).
    m_nics.resize(sites.size());
    for (std::size_t i = 0; i < nics.size(); ++i)
    {
        AddNics(i, nics[i]);
    }
    ConfigureInterfaces();
    for (std::size_t i = 0; i < m_sites.size(); ++i)
    {
        for (std::size_t j = i + 1; j < m_sites.size(); ++j)
        {
            m_partitions[{m_sites[i], m_sites[j]}];
        }
    }
    UpdatePartitions();
}

void
WideAreaNetwork::AddLink(const topo::Lightpath& lp)
{
    WanLink link;
    link.lightpath = lp.id;
    link.siteA = lp.request.a;
    link.siteB = lp.request.b;
    link.channel = ns3::CreateObject<LightpathChannel>();
    link.light = lp.up;
    const double capacityGbps = m_planner->Spec().transceiver.rateGbps;
    std::vector<ns3::Ptr<ns3::PointToPointNetDevice>> devices;
    for (uint32_t site : {link.siteA, link.siteB})
    {
        auto dev = NewDevice(static_cast<uint64_t>(capacityGbps * 1e9));
        m_gateways[SiteIndex(site)]->AddDevice(dev);
        dev->Attach(link.channel);
        devices.push_back(dev);
    }
    link.deviceA = devices[0];
    link.deviceB = devices[1];
    if (lp.up)
    {
        link.channel->SetOneWayDelay(LinkDelay(lp.id));
    }
    link.channel->SetLit(link.light);
    m_linkOfLightpath[lp.id] = m_links.size();
    m_links.push_back(link);
}

ns3::TrafficControlHelper
WideAreaNetwork::MarkingQueueDiscs() const
{
    // RED in byte mode as a step marker for DCTCP: instantaneous queue (QW = 1), marking from K on,
    // no early drops (ECN marks instead), tail drop only when the buffer is full.
    const uint64_t k = EcnThresholdBytes();
    ns3::TrafficControlHelper tch;
    tch.SetRootQueueDisc("ns3::RedQueueDisc", "MaxSize",
                         ns3::QueueSizeValue(ns3::QueueSize(ns3::QueueSizeUnit::BYTES, m_gatewayBufferBytes)), "MinTh",
                         ns3::DoubleValue(static_cast<double>(k)), "MaxTh",
                         ns3::DoubleValue(static_cast<double>(k + m_mtuBytes)), "QW", ns3::DoubleValue(1.0), "UseEcn",
                         ns3::BooleanValue(true), "UseHardDrop", ns3::BooleanValue(false), "Gentle",
                         ns3::BooleanValue(false), "MeanPktSize", ns3::UintegerValue(m_mtuBytes));
    return tch;
}

ns3::Ptr<ns3::PointToPointNetDevice>
WideAreaNetwork::NewDevice(uint64_t rateBps) const
{
    auto dev = ns3::CreateObject<ns3::PointToPointNetDevice>();
    dev->SetAddress(ns3::Mac48Address::Allocate());
    dev->SetDataRate(ns3::DataRate(rateBps));
    dev->SetMtu(static_cast<uint16_t>(m_mtuBytes));
    auto queue = ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();
    queue->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, m_deviceQueuePackets));
    dev->SetQueue(queue);
    // Flow control between the queue disc and the device, as PointToPointHelper sets it up.
    auto ndqi = ns3::CreateObject<ns3::NetDeviceQueueInterface>();
    ndqi->GetTxQueue(0)->ConnectQueueTraces(queue);
    dev->AggregateObject(ndqi);
    return dev;
}

void
WideAreaNetwork::AddNics(std::size_t siteIndex, uint32_t count)
{
    // Each NIC: a host with the internet stack (DCTCP, like the gateways), one link to its gateway
    // with a marking queue disc at both ends (an incast onto a NIC queues at the gateway's port).
    ns3::InternetStackHelper stack;
    ns3::TrafficControlHelper tch = MarkingQueueDiscs();
    auto gatewayIp = m_gateways[siteIndex]->GetObject<ns3::Ipv4>();
    for (uint32_t n = 0; n < count; ++n)
    {
        auto host = ns3::CreateObject<ns3::Node>();
        stack.Install(host);
        host->GetObject<ns3::TcpL4Protocol>()->SetAttribute("SocketType", ns3::TypeIdValue(ns3::TcpDctcp::GetTypeId()));
        auto channel = ns3::CreateObject<ns3::PointToPointChannel>();
        channel->SetAttribute("Delay", ns3::TimeValue(m_nicLinkDelay));
        const auto nicDev = NewDevice(static_cast<uint64_t>(m_nicRateGbps * 1e9));
        const auto gwDev = NewDevice(static_cast<uint64_t>(m_nicRateGbps * 1e9));
        host->AddDevice(nicDev);
        m_gateways[siteIndex]->AddDevice(gwDev);
        nicDev->Attach(channel);
        gwDev->Attach(channel);
        for (const auto& dev : {nicDev, gwDev})
        {
            m_queueDiscs.push_back(tch.Install(dev).Get(0));
        }
        const uint32_t base = kNicLinkBase + static_cast<uint32_t>(m_nicLinks++) * 4u;
        const ns3::Ipv4Mask mask("255.255.255.252");
        auto hostIp = host->GetObject<ns3::Ipv4>();
        const uint32_t hostItf = hostIp->AddInterface(nicDev);
        const uint32_t gwItf = gatewayIp->AddInterface(gwDev);
        hostIp->AddAddress(hostItf, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(base + 1), mask));
        gatewayIp->AddAddress(gwItf, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(base + 2), mask));
        hostIp->SetUp(hostItf);
        gatewayIp->SetUp(gwItf);
        hostIp->AddAddress(0, ns3::Ipv4InterfaceAddress(NicAddress(siteIndex, n), ns3::Ipv4Mask::GetOnes()));
        m_nics[siteIndex].push_back(host);
    }
}

void
WideAreaNetwork::ConfigureInterfaces()
{
    ns3::TrafficControlHelper tch = MarkingQueueDiscs();
    for (std::size_t i = 0; i < m_links.size(); ++i)
    {
        WanLink& l = m_links[i];
        for (const auto& dev : {l.deviceA, l.deviceB})
        {
            const ns3::QueueDiscContainer c = tch.Install(dev);
            m_queueDiscs.push_back(c.Get(0));
        }
        // One /30 per link: 10.<i / 64>.<(i % 64) x 4>.1 and .2.
        const uint32_t base = 0x0A000000u + static_cast<uint32_t>(i) * 4u;
        const ns3::Ipv4Mask mask("255.255.255.252");
        auto ipA = m_gateways[SiteIndex(l.siteA)]->GetObject<ns3::Ipv4>();
        auto ipB = m_gateways[SiteIndex(l.siteB)]->GetObject<ns3::Ipv4>();
        l.interfaceA = ipA->AddInterface(l.deviceA);
        l.interfaceB = ipB->AddInterface(l.deviceB);
        ipA->AddAddress(l.interfaceA, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(base + 1), mask));
        ipB->AddAddress(l.interfaceB, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(base + 2), mask));
    }
    for (std::size_t s = 0; s < m_gateways.size(); ++s)
    {
        auto ip = m_gateways[s]->GetObject<ns3::Ipv4>();
        ip->AddAddress(0, ns3::Ipv4InterfaceAddress(SiteAddress(s), ns3::Ipv4Mask::GetOnes()));
    }
    ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    // Every address a gateway owns is advertised as a host route of its own (an external route of
    // the global routing), not only through the link it sits on: ns-3's TCP takes its source address
    // from the first route's interface, and a connection must survive that link going dark.
    std::vector<ns3::Ptr<ns3::Node>> hosts = m_gateways;
    for (const auto& site : m_nics)
    {
        hosts.insert(hosts.end(), site.begin(), site.end());
    }
    for (const auto& node : hosts)
    {
        auto router = node->GetObject<ns3::GlobalRouter>();
        auto ip = node->GetObject<ns3::Ipv4>();
        for (uint32_t itf = 0; itf < ip->GetNInterfaces(); ++itf)
        {
            for (uint32_t a = 0; a < ip->GetNAddresses(itf); ++a)
            {
                const ns3::Ipv4Address addr = ip->GetAddress(itf, a).GetLocal();
                if (!addr.IsLocalhost())
                {
                    router->InjectRoute(addr, ns3::Ipv4Mask::GetOnes());
                }
            }
        }
    }
    Reroute(std::nullopt);
}

ns3::Ipv4Address
WideAreaNetwork::OwnAddress(const ns3::Ptr<ns3::Node>& host)
{
    return host->GetObject<ns3::Ipv4>()->GetAddress(0, 1).GetLocal();
}

} // namespace ofab
