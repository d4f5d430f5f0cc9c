// WideAreaNetwork: attributes, the gateways and their links, and what the results read.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/global-router-interface.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
#include "ns3/red-queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/tcp-dctcp.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace ofab
{

namespace
{

/// IPv4 + TCP headers of a data segment: 20 + 20 + 12 (the timestamp option, padded).
constexpr uint32_t kTcpIpHeaderBytes = 52;

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

const char*
ToString(TransferStatus status)
{
    switch (status)
    {
    case TransferStatus::InFlight:
        return "in_flight";
    case TransferStatus::Completed:
        return "completed";
    case TransferStatus::Failed:
        return "failed";
    }
    return "?";
}

NS_OBJECT_ENSURE_REGISTERED(WideAreaNetwork);

ns3::TypeId
WideAreaNetwork::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::WideAreaNetwork")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddConstructor<WideAreaNetwork>()
            .AddAttribute("GatewayBufferBytes",
                          "Egress buffer per gateway port (the queue disc's limit); an assumption of a "
                          "shallow-buffer switch ASIC class, README.md",
                          UintegerValue(16u << 20), MakeUintegerAccessor(&WideAreaNetwork::m_gatewayBufferBytes),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("EcnThresholdBytes",
                          "Queue at which packets are ECN-marked (DCTCP's K); 0: C x RTT / 7 of the longest "
                          "lightpath (Alizadeh et al., SIGCOMM 2010), at least 2 MTU, at most half the buffer",
                          UintegerValue(0), MakeUintegerAccessor(&WideAreaNetwork::m_ecnThresholdBytes),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("MtuBytes", "IPv4 MTU of the gateway links (packets of about 4 KiB)", UintegerValue(4096),
                          MakeUintegerAccessor(&WideAreaNetwork::m_mtuBytes), MakeUintegerChecker<uint32_t>(600, 65535))
            .AddAttribute("DeviceQueuePackets",
                          "Frames a port holds beyond its queue disc (the queue disc is flow-controlled by it)",
                          UintegerValue(4), MakeUintegerAccessor(&WideAreaNetwork::m_deviceQueuePackets),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("ForwardingLatency",
                          "A gateway's port-to-port forwarding time, added to the delay of every link it "
                          "transmits on (an assumption, README.md)",
                          TimeValue(MicroSeconds(2)), MakeTimeAccessor(&WideAreaNetwork::m_forwardingLatency),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("MaxWindowBytes",
                          "TCP send and receive buffers (the window); 0: the bandwidth-delay product of the "
                          "longest lightpath between two gateways",
                          UintegerValue(0), MakeUintegerAccessor(&WideAreaNetwork::m_maxWindowBytes),
                          MakeUintegerChecker<uint64_t>(0, 0xFFFFFFFFu))
            .AddAttribute("TcpMinRto", "TCP's minimum retransmission timeout (Linux: 200 ms; ns-3's default: 1 s)",
                          TimeValue(MilliSeconds(200)), MakeTimeAccessor(&WideAreaNetwork::m_minRto),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddAttribute("TcpDelayedAckTimeout",
                          "Longest a receiver holds back the ACK of a lone segment (Linux's TCP_DELACK_MIN, 40 ms; "
                          "ns-3's default, 200 ms, would outlast the minimum RTO after a loss)",
                          TimeValue(MilliSeconds(40)), MakeTimeAccessor(&WideAreaNetwork::m_delAckTimeout),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddAttribute("LossOfLightDetection", "From a cut to the transceivers' loss-of-signal alarm",
                          TimeValue(MicroSeconds(10)), MakeTimeAccessor(&WideAreaNetwork::m_lossOfLightDetection),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ProtectionSwitchTime",
                          "1+1 switch-over after detection (ITU-T G.841 / G.873.1 target: within 50 ms)",
                          TimeValue(MilliSeconds(50)), MakeTimeAccessor(&WideAreaNetwork::m_protectionSwitchTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("RestorationTime",
                          "Restoration of unprotected lightpaths over surviving spans after detection "
                          "(published: hundreds of ms to seconds)",
                          TimeValue(MilliSeconds(500)), MakeTimeAccessor(&WideAreaNetwork::m_restorationTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("PacketRerouteTime",
                          "Gateways see a link change and install new routes: BFD 3 x 10 ms plus SPF and FIB "
                          "update (~20 ms)",
                          TimeValue(MilliSeconds(50)), MakeTimeAccessor(&WideAreaNetwork::m_packetRerouteTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("PacketHoldOffTime",
                          "Extra wait before the packet layer withdraws a dark link, so optical protection can "
                          "act first (multi-layer hold-off; 0: none)",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&WideAreaNetwork::m_packetHoldOffTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ThroughputBin", "Bin width of the per-site-pair throughput series",
                          TimeValue(MilliSeconds(1)), MakeTimeAccessor(&WideAreaNetwork::m_throughputBin),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("NicRateGbps",
                          "Line rate of a scale-out NIC and of its link to the site's gateway, Gb/s (one 400 "
                          "Gb/s NIC per accelerator, as in today's GPU clusters)",
                          DoubleValue(400), MakeDoubleAccessor(&WideAreaNetwork::m_nicRateGbps),
                          MakeDoubleChecker<double>(0.001, 1e6))
            .AddAttribute("NicLinkDelay",
                          "One-way delay between a NIC and its gateway (in-site cabling and the scale-out "
                          "switches, folded into one link: an assumption)",
                          TimeValue(MicroSeconds(1)), MakeTimeAccessor(&WideAreaNetwork::m_nicLinkDelay),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("TransferFinished",
                            "A transfer or message completed or failed (once each), with its final record",
                            MakeTraceSourceAccessor(&WideAreaNetwork::m_transferFinished),
                            "ofab::WideAreaNetwork::TransferFinishedCallback");
    return tid;
}

WideAreaNetwork::WideAreaNetwork() = default;
WideAreaNetwork::~WideAreaNetwork() = default;

void
WideAreaNetwork::DoDispose()
{
    m_flows.clear();
    m_queueDiscs.clear();
    m_links.clear();
    m_gateways.clear();
    m_nics.clear();
    m_planner = nullptr;
    Object::DoDispose();
}

void
WideAreaNetwork::RequireBuilt(const char* what) const
{
    if (m_planner == nullptr)
    {
        throw ParameterError(what, "the wide-area network is not built yet");
    }
}

std::size_t
WideAreaNetwork::SiteIndex(uint32_t site) const
{
    const auto it = std::find(m_sites.begin(), m_sites.end(), site);
    if (it == m_sites.end())
    {
        throw ParameterError("Site", "mesh node " + std::to_string(site) + " has no gateway");
    }
    return static_cast<std::size_t>(it - m_sites.begin());
}

ns3::Ptr<ns3::Node>
WideAreaNetwork::Gateway(uint32_t site) const
{
    return m_gateways.at(SiteIndex(site));
}

uint32_t
WideAreaNetwork::Nics(uint32_t site) const
{
    return static_cast<uint32_t>(m_nics.at(SiteIndex(site)).size());
}

ns3::Ptr<ns3::Node>
WideAreaNetwork::HostNode(const WanHost& host) const
{
    const std::size_t i = SiteIndex(host.site);
    if (!host.nic)
    {
        return m_gateways[i];
    }
    if (*host.nic >= m_nics[i].size())
    {
        throw ParameterError("Nic", "site " + m_planner->Mesh().NodeName(host.site) + " has " +
                                        std::to_string(m_nics[i].size()) + " NICs, no NIC " +
                                        std::to_string(*host.nic));
    }
    return m_nics[i][*host.nic];
}

bool
WideAreaNetwork::GatewayUp(uint32_t site) const
{
    return m_gatewayUp.at(SiteIndex(site));
}

const WanLink&
WideAreaNetwork::LinkOf(uint32_t lightpath) const
{
    return m_links.at(m_linkOfLightpath.at(lightpath));
}

uint32_t
WideAreaNetwork::SegmentBytes() const
{
    return m_mtuBytes - kTcpIpHeaderBytes;
}

ns3::Time
WideAreaNetwork::LinkDelay(uint32_t lightpath) const
{
    return ns3::Seconds(m_planner->LatencyMs(lightpath) * 1e-3) + m_forwardingLatency;
}

uint64_t
WideAreaNetwork::WindowBytes() const
{
    if (m_maxWindowBytes > 0)
    {
        return m_maxWindowBytes;
    }
    double bdpBytes = 0;
    for (const WanLink& l : m_links)
    {
        const double rtt = 2 * LinkDelay(l.lightpath).GetSeconds();
        bdpBytes = std::max(bdpBytes, m_planner->CapacityGbps(l.lightpath) * 1e9 * rtt / 8);
    }
    const double segments = std::ceil(bdpBytes / SegmentBytes());
    return static_cast<uint64_t>(std::max(segments, 10.0)) * SegmentBytes();
}

uint64_t
WideAreaNetwork::EcnThresholdBytes() const
{
    if (m_ecnThresholdBytes > 0)
    {
        return m_ecnThresholdBytes;
    }
    double bdpBytes = 0;
    for (const WanLink& l : m_links)
    {
        const double rtt = 2 * LinkDelay(l.lightpath).GetSeconds();
        bdpBytes = std::max(bdpBytes, m_planner->CapacityGbps(l.lightpath) * 1e9 * rtt / 8);
    }
    const uint64_t k = std::max<uint64_t>(static_cast<uint64_t>(std::ceil(bdpBytes / 7)), 2ull * m_mtuBytes);
    return std::min<uint64_t>(k, m_gatewayBufferBytes / 2);
}

void
WideAreaNetwork::Validate() const
{
    if (m_delAckTimeout >= m_minRto)
    {
        throw ParameterError("TcpDelayedAckTimeout", "must be under TcpMinRto (" + FormatTime(m_minRto) +
                                                         "): a lone retransmission's ACK would wait out the RTO");
    }
    if (m_ecnThresholdBytes >= m_gatewayBufferBytes)
    {
        throw ParameterError("EcnThresholdBytes", "must be under GatewayBufferBytes (" +
                                                      std::to_string(m_gatewayBufferBytes) +
                                                      "): the queue would drop before it marks");
    }
}

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

int64_t
WideAreaNetwork::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (const auto& q : m_queueDiscs)
    {
        used += ns3::DynamicCast<ns3::RedQueueDisc>(q)->AssignStreams(stream + used);
    }
    return used;
}

} // namespace ofab
