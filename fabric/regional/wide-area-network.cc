// WideAreaNetwork: attributes, the checks between them, and what the built network answers.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/enum.h"
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
            .AddAttribute("PacketPolicy",
                          "The gateways' answer to dark lightpaths: reroute (withdraw them and route around, "
                          "after PacketHoldOffTime + PacketRerouteTime) or optical_only (keep every route and "
                          "wait for 1+1 switch-over or restoration, as a statically routed interconnect does)",
                          EnumValue(static_cast<int>(PacketPolicy::Reroute)),
                          MakeEnumAccessor(&WideAreaNetwork::m_packetPolicy),
                          MakeEnumChecker(static_cast<int>(PacketPolicy::Reroute), "reroute",
                                          static_cast<int>(PacketPolicy::OpticalOnly), "optical_only"))
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
