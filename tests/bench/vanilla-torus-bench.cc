// ofab-bench-vanilla-torus: the "vanilla ns-3" baseline that ofab's benchmark compares itself against.
//
// An R x C 2-D torus of nodes built only from stock ns-3 models: PointToPointNetDevice links
// (800 Gbps, 10 ns, small DropTail device queue), the IPv4 stack with one /30 subnet per link,
// Ipv4GlobalRoutingHelper shortest-path routes, and UDP. Every node runs a tiny custom sender that
// picks a uniformly random other node per packet and sends fixed-size UDP payloads with Poisson
// (exponential inter-arrival) timing at an offered load given as a fraction of the link rate.
//
// What counts as a packet-hop: one completed transmission of a packet on any point-to-point link,
// counted at every PointToPointNetDevice's "PhyTxEnd" trace source (fires once per frame when the
// last bit leaves the transmitter). Packets dropped by a full device queue never reach PhyTxEnd
// and are counted separately ("queue_drops", from "MacTxDrop"). Point-to-point devices need no
// ARP and global routing sends no control packets, so every hop is a data packet.
// packet_hops includes the hops of packets that are later dropped; "delivered_hops" counts only the
// hops of delivered packets, from the IPv4 TTL seen at the sink (hops = 65 - TTL, since the TTL
// starts at 64 and each forwarding router decrements it). avg_hops = delivered_hops /
// packets_delivered; with no drops delivered_hops == packet_hops. Each delivered packet's hop
// count is also compared with the torus distance between its source and sink nodes: a packet that
// took more hops than that counts in "nonminimal_deliveries" (0 when global routing is shortest-
// path, as it should be).
//
// Timing: the senders are active for --simTimeUs; the simulation then runs --drainUs longer with
// no new traffic so the packets in flight arrive ("in_flight_at_end" = sent - delivered - drops,
// normally 0; not 0 with --stockQdisc under overload, where FqCoDel queues grow without bound on
// this time scale because CoDel's 5 ms target never triggers within microseconds). wall_s covers
// Simulator::Run() only; building the topology, addresses, routes and applications is reported as
// setup_wall_s. "events" is Simulator::GetEventCount() over Run().
//
// Queueing: by default the links have no traffic-control queue disc and no flow control, so the
// small DropTail device queue (--queuePackets) is the only queue on a link. --stockQdisc=1 keeps
// ns-3's out-of-the-box behaviour instead (Ipv4AddressHelper installs an FqCoDel root queue disc
// above each flow-controlled device); its drops are reported as "qdisc_drops". That mode is
// markedly slower per hop (about 45 k instead of about 90 k packet-hops per wall second here).
//
// Time resolution is set to picoseconds: at 800 Gbps a 94-byte frame lasts 0.94 ns, which the
// default nanosecond resolution would round.
#include "ns3/application.h"
#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/queue-disc.h"
#include "ns3/queue-size.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/udp-socket-factory.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint16_t kSinkPort = 9000;

uint64_t g_packetsSent = 0;
uint64_t g_sendFailures = 0;
uint64_t g_packetsDelivered = 0;
uint64_t g_packetHops = 0;
uint64_t g_queueDrops = 0;
uint64_t g_qdiscDrops = 0;
uint64_t g_deliveredHops = 0;
uint64_t g_nonminimalDeliveries = 0;

// Torus geometry and every interface address's node, for the sink's shortest-path check.
uint32_t g_rows = 0;
uint32_t g_cols = 0;
std::unordered_map<uint32_t, uint32_t> g_nodeOfAddress;

uint32_t
TorusDistance(uint32_t a, uint32_t b)
{
    auto ring = [](uint32_t x, uint32_t y, uint32_t k) {
        const uint32_t d = x > y ? x - y : y - x;
        return std::min(d, k - d);
    };
    return ring(a / g_cols, b / g_cols, g_rows) + ring(a % g_cols, b % g_cols, g_cols);
}

void
OnPhyTxEnd(Ptr<const Packet>)
{
    ++g_packetHops;
}

void
OnMacTxDrop(Ptr<const Packet>)
{
    ++g_queueDrops;
}

void
OnQdiscDrop(Ptr<const QueueDiscItem>)
{
    ++g_qdiscDrops;
}

// Sends payload-byte UDP packets, each to a uniformly random other node, with exponential gaps.
class RandomUdpSender : public Application
{
  public:
    void Setup(uint32_t self, const std::vector<Ipv4Address>* destinations, uint32_t payloadBytes,
               double meanGapSeconds, int64_t streamBase)
    {
        m_self = self;
        m_destinations = destinations;
        m_payloadBytes = payloadBytes;
        m_dest = CreateObject<UniformRandomVariable>();
        m_dest->SetStream(streamBase);
        m_gap = CreateObject<ExponentialRandomVariable>();
        m_gap->SetAttribute("Mean", DoubleValue(meanGapSeconds));
        m_gap->SetStream(streamBase + 1);
    }

  private:
    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        m_socket->Bind();
        ScheduleNext();
    }

    void StopApplication() override
    {
        Simulator::Cancel(m_next);
        if (m_socket)
        {
            m_socket->Close();
        }
    }

    void ScheduleNext() { m_next = Simulator::Schedule(Seconds(m_gap->GetValue()), &RandomUdpSender::SendOne, this); }

    void SendOne()
    {
        const auto n = static_cast<uint32_t>(m_destinations->size());
        uint32_t dst = m_dest->GetInteger(0, n - 2); // uniform over the n - 1 other nodes
        if (dst >= m_self)
        {
            ++dst;
        }
        Ptr<Packet> p = Create<Packet>(m_payloadBytes);
        if (m_socket->SendTo(p, 0, InetSocketAddress((*m_destinations)[dst], kSinkPort)) >= 0)
        {
            ++g_packetsSent;
        }
        else
        {
            ++g_sendFailures;
        }
        ScheduleNext();
    }

    uint32_t m_self = 0;
    const std::vector<Ipv4Address>* m_destinations = nullptr;
    uint32_t m_payloadBytes = 0;
    Ptr<UniformRandomVariable> m_dest;
    Ptr<ExponentialRandomVariable> m_gap;
    Ptr<Socket> m_socket;
    EventId m_next;
};

// Counts the UDP packets that arrive at kSinkPort.
class CountingUdpSink : public Application
{
  public:
    explicit CountingUdpSink(uint32_t self)
        : m_self(self)
    {
    }

  private:
    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), kSinkPort));
        m_socket->SetIpRecvTtl(true);
        m_socket->SetRecvCallback(MakeCallback(&CountingUdpSink::OnRecv, this));
    }

    void StopApplication() override
    {
        if (m_socket)
        {
            m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
            m_socket->Close();
        }
    }

    void OnRecv(Ptr<Socket> socket)
    {
        Address from;
        while (Ptr<Packet> p = socket->RecvFrom(from))
        {
            ++g_packetsDelivered;
            SocketIpTtlTag ttl;
            if (p->RemovePacketTag(ttl))
            {
                const uint32_t hops = 65u - ttl.GetTtl();
                g_deliveredHops += hops;
                const uint32_t src = g_nodeOfAddress.at(InetSocketAddress::ConvertFrom(from).GetIpv4().Get());
                if (hops > TorusDistance(src, m_self))
                {
                    ++g_nonminimalDeliveries;
                }
            }
        }
    }

    uint32_t m_self;
    Ptr<Socket> m_socket;
};

// Mean shortest-path hop count between distinct nodes of an R x C torus (what global routing
// should reproduce).
double
ExpectedAvgHops(uint32_t rows, uint32_t cols)
{
    auto ringMean = [](uint32_t k) {
        double sum = 0;
        for (uint32_t d = 0; d < k; ++d)
        {
            sum += std::min(d, k - d);
        }
        return sum / k; // mean over all k positions, including distance 0
    };
    const double n = static_cast<double>(rows) * cols;
    return (ringMean(rows) + ringMean(cols)) * n / (n - 1);
}

} // namespace

int
main(int argc, char* argv[])
{
    Time::SetResolution(Time::PS);

    uint32_t rows = 8;
    uint32_t cols = 8;
    double load = 0.15;
    uint32_t payload = 64;
    double simTimeUs = 10.0;
    double drainUs = 1.0;
    uint32_t seed = 1;
    uint32_t queuePackets = 32;
    std::string dataRate = "800Gbps";
    std::string delay = "10ns";
    bool ecmp = false;
    bool stockQdisc = false;
    std::string jsonPath;

    CommandLine cmd(__FILE__);
    cmd.AddValue("rows", "torus rows", rows);
    cmd.AddValue("cols", "torus columns", cols);
    cmd.AddValue("load", "offered payload load per node, as a fraction of the link rate", load);
    cmd.AddValue("payload", "UDP payload bytes per packet", payload);
    cmd.AddValue("simTimeUs", "simulated time during which the senders inject (us)", simTimeUs);
    cmd.AddValue("drainUs", "extra simulated time with no new traffic, to drain (us)", drainUs);
    cmd.AddValue("seed", "RNG seed (RngSeedManager::SetSeed, must be > 0)", seed);
    cmd.AddValue("queuePackets", "DropTail device queue capacity in packets", queuePackets);
    cmd.AddValue("dataRate", "link data rate", dataRate);
    cmd.AddValue("delay", "link propagation delay", delay);
    cmd.AddValue("ecmp",
                 "per-packet random choice among equal-cost next hops "
                 "(Ipv4GlobalRouting::RandomEcmpRouting; ns-3 default off: one fixed path)",
                 ecmp);
    cmd.AddValue("stockQdisc",
                 "keep ns-3's default FqCoDel queue disc and device flow control "
                 "(default: none, the DropTail device queue is the only queue)",
                 stockQdisc);
    cmd.AddValue("json", "also write the JSON result to this path", jsonPath);
    cmd.Parse(argc, argv);

    if (rows < 3 || cols < 3 || payload == 0 || load <= 0 || simTimeUs <= 0 || drainUs < 0 || seed == 0 ||
        queuePackets == 0)
    {
        std::cerr << "ofab-bench-vanilla-torus: need rows, cols >= 3, payload > 0, load > 0, "
                     "simTimeUs > 0, drainUs >= 0, seed > 0, queuePackets > 0\n";
        return 2;
    }
    if (static_cast<uint64_t>(rows) * cols * 2 > (1u << 22))
    {
        std::cerr << "ofab-bench-vanilla-torus: too many links for 10.0.0.0/8 in /30 subnets\n";
        return 2;
    }

    Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(ecmp));
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(1);

    const auto setupStart = std::chrono::steady_clock::now();

    const uint32_t n = rows * cols;
    NodeContainer nodes;
    nodes.Create(n);

    InternetStackHelper internet;
    internet.Install(nodes);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(dataRate));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                 QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, queuePackets)));
    // No flow control: the devices get no NetDeviceQueueInterface, so Ipv4AddressHelper::Assign
    // installs no queue disc (FqCoDel otherwise) and the small DropTail device queue is the only
    // queue on a link; it drops when full. Checked after the build below.
    if (!stockQdisc)
    {
        p2p.DisableFlowControl();
    }

    Ipv4AddressHelper addresses;
    addresses.SetBase("10.0.0.0", "255.255.255.252");
    NetDeviceContainer allDevices;

    auto id = [cols](uint32_t r, uint32_t c) { return r * cols + c; };
    for (uint32_t r = 0; r < rows; ++r)
    {
        for (uint32_t c = 0; c < cols; ++c)
        {
            // Each node owns its +column and +row links; together they cover the torus once.
            const uint32_t right = id(r, (c + 1) % cols);
            const uint32_t down = id((r + 1) % rows, c);
            for (uint32_t peer : {right, down})
            {
                NetDeviceContainer link = p2p.Install(nodes.Get(id(r, c)), nodes.Get(peer));
                addresses.Assign(link);
                addresses.NewNetwork();
                allDevices.Add(link);
            }
        }
    }

    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    for (uint32_t i = 0; i < allDevices.GetN(); ++i)
    {
        Ptr<NetDevice> dev = allDevices.Get(i);
        Ptr<QueueDisc> qdisc = dev->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(dev);
        if (static_cast<bool>(qdisc) != stockQdisc)
        {
            std::cerr << "ofab-bench-vanilla-torus: queue disc on a link device is " << (qdisc ? "present" : "missing")
                      << ", not as configured\n";
            return 1;
        }
        bool connected = dev->TraceConnectWithoutContext("PhyTxEnd", MakeCallback(&OnPhyTxEnd)) &&
                         dev->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&OnMacTxDrop));
        if (qdisc)
        {
            connected = connected && qdisc->TraceConnectWithoutContext("Drop", MakeCallback(&OnQdiscDrop));
        }
        if (!connected)
        {
            std::cerr << "ofab-bench-vanilla-torus: cannot connect a trace source\n";
            return 1;
        }
    }

    // Each node's UDP sink address: the address of its first point-to-point interface.
    std::vector<Ipv4Address> sinkAddress(n);
    g_rows = rows;
    g_cols = cols;
    for (uint32_t i = 0; i < n; ++i)
    {
        Ptr<Ipv4> ipv4 = nodes.Get(i)->GetObject<Ipv4>();
        sinkAddress[i] = ipv4->GetAddress(1, 0).GetLocal();
        for (uint32_t ifc = 1; ifc < ipv4->GetNInterfaces(); ++ifc)
        {
            g_nodeOfAddress[ipv4->GetAddress(ifc, 0).GetLocal().Get()] = i;
        }
    }

    const double linkBps = static_cast<double>(DataRate(dataRate).GetBitRate());
    const double meanGapSeconds = payload * 8.0 / (load * linkBps);
    const Time sendStop = NanoSeconds(simTimeUs * 1000.0);
    const Time runStop = NanoSeconds((simTimeUs + drainUs) * 1000.0);
    for (uint32_t i = 0; i < n; ++i)
    {
        Ptr<CountingUdpSink> sink = CreateObject<CountingUdpSink>(i);
        nodes.Get(i)->AddApplication(sink);
        sink->SetStartTime(Seconds(0));
        sink->SetStopTime(runStop);

        Ptr<RandomUdpSender> sender = CreateObject<RandomUdpSender>();
        sender->Setup(i, &sinkAddress, payload, meanGapSeconds, 2 * static_cast<int64_t>(i));
        nodes.Get(i)->AddApplication(sender);
        sender->SetStartTime(Seconds(0));
        sender->SetStopTime(sendStop);
    }
    Simulator::Stop(runStop);

    const auto runStart = std::chrono::steady_clock::now();
    const double setupWall = std::chrono::duration<double>(runStart - setupStart).count();
    const uint64_t eventsBefore = Simulator::GetEventCount();
    Simulator::Run();
    const auto runEnd = std::chrono::steady_clock::now();
    const uint64_t events = Simulator::GetEventCount() - eventsBefore;
    const double wall = std::chrono::duration<double>(runEnd - runStart).count();
    Simulator::Destroy();

    const double avgHops = g_packetsDelivered ? static_cast<double>(g_deliveredHops) / g_packetsDelivered : 0.0;
    std::ostringstream json;
    json << std::setprecision(6);
    json << "{\"program\":\"ofab-bench-vanilla-torus\",\"rows\":" << rows << ",\"cols\":" << cols
         << ",\"load\":" << load << ",\"payload_bytes\":" << payload << ",\"data_rate\":\"" << dataRate
         << "\",\"delay\":\"" << delay << "\",\"queue_packets\":" << queuePackets << ",\"qdisc\":\""
         << (stockQdisc ? "FqCoDel" : "none") << "\""
         << ",\"ecmp\":" << (ecmp ? "true" : "false") << ",\"seed\":" << seed << ",\"sim_time_us\":" << simTimeUs
         << ",\"drain_us\":" << drainUs << ",\"packets_sent\":" << g_packetsSent
         << ",\"send_failures\":" << g_sendFailures << ",\"packets_delivered\":" << g_packetsDelivered
         << ",\"queue_drops\":" << g_queueDrops << ",\"qdisc_drops\":" << g_qdiscDrops
         << ",\"in_flight_at_end\":" << (g_packetsSent - g_packetsDelivered - g_queueDrops - g_qdiscDrops)
         << ",\"packet_hops\":" << g_packetHops << ",\"delivered_hops\":" << g_deliveredHops
         << ",\"avg_hops\":" << avgHops << ",\"nonminimal_deliveries\":" << g_nonminimalDeliveries
         << ",\"expected_avg_hops\":" << ExpectedAvgHops(rows, cols) << ",\"events\":" << events
         << ",\"setup_wall_s\":" << setupWall << ",\"wall_s\":" << wall
         << ",\"packet_hops_per_s\":" << (wall > 0 ? g_packetHops / wall : 0.0)
         << ",\"events_per_s\":" << (wall > 0 ? events / wall : 0.0) << "}";

    std::cout << json.str() << std::endl;
    if (!jsonPath.empty())
    {
        std::ofstream out(jsonPath);
        out << json.str() << "\n";
        if (!out)
        {
            std::cerr << "ofab-bench-vanilla-torus: cannot write " << jsonPath << "\n";
            return 1;
        }
    }
    return 0;
}
