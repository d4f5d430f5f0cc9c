#ifndef OFAB_FABRIC_REGIONAL_WIDE_AREA_NETWORK_H
#define OFAB_FABRIC_REGIONAL_WIDE_AREA_NETWORK_H

// The packet layer between sites: one gateway per site, ns-3's own internet stack on it, each
// lightpath between two gateways a point-to-point link at the lightpath's capacity and latency, TCP
// (SACK, ECN, DCTCP) for the transfers, global IPv4 routing between gateways, and two-layer healing
// of failures: the optical layer (1+1 switch-over, restoration through MeshPlanner::Plan()) and the
// packet layer (routes recomputed without the dark lightpaths). What is faithful and what is
// simplified: README.md here, "Wide-area packet layer".

#include "ofab/fabric/regional/lightpath-channel.h"
#include "ofab/fabric/regional/mesh-planner.h"

#include "ns3/ipv4-address.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/queue-disc.h"
#include "ns3/sequence-number.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/traffic-control-helper.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{
class Packet;
class PointToPointNetDevice;
class TcpHeader;
class TcpSocketBase;
} // namespace ns3

namespace ofab
{

enum class TransferStatus
{
    InFlight,  ///< neither completed nor failed (yet, or when the run ended)
    Completed, ///< every byte reached the receiver
    Failed,    ///< with a reason
};

const char* ToString(TransferStatus status); ///< "in_flight", "completed", "failed"

enum class TransferKind
{
    Transfer, ///< StartTransfer: a TCP connection of its own (its own handshake and slow start)
    Message,  ///< SendMessage: a byte range of the long-lived connection of its ordered site pair
};

const char* ToString(TransferKind kind); ///< "transfer", "message"

/// What the gateways' routing does when lightpaths go dark (the packet layer's share of multi-layer
/// healing; the attribute PacketPolicy).
enum class PacketPolicy
{
    Reroute,     ///< withdraw dark links and route around them after PacketHoldOffTime + PacketRerouteTime
    OpticalOnly, ///< keep every route: traffic waits for the optical layer (switch-over, restoration)
};

/// Where a transfer starts or ends: a site's gateway itself, or one of the site's scale-out NICs
/// (accelerator `nic`'s, on its own link to the gateway; Build's `nics`).
struct WanHost
{
    uint32_t site = 0; ///< mesh node id
    std::optional<uint32_t> nic;
};

/// One transfer or message between two hosts (gateways or NICs); times in ns of simulated time.
struct TransferRecord
{
    uint64_t id = 0;
    std::string label;
    TransferKind kind = TransferKind::Transfer;
    uint32_t fromSite = 0; ///< mesh node ids
    uint32_t toSite = 0;
    std::optional<uint32_t> fromNic; ///< absent: the gateway itself
    std::optional<uint32_t> toNic;
    uint64_t bytes = 0;
    std::optional<uint64_t> connection; ///< the connection carrying it (absent: failed before it had one)
    uint64_t streamOffset = 0;          ///< where its bytes start in that connection's byte stream
    double startNs = 0;
    std::optional<double> firstByteNs; ///< the first payload byte reached the receiver
    std::optional<double> endNs;       ///< the last byte reached it (completed), or it failed
    uint64_t deliveredBytes = 0;       ///< in order, to the receiving application
    uint64_t retransmittedBytes = 0;   ///< payload the sender sent again (below its highest sequence sent)
    TransferStatus status = TransferStatus::InFlight;
    std::string reason; ///< why it failed
};

/// One TCP connection between two hosts: a transfer's own, or the long-lived one of an ordered host
/// pair that carries its messages one after another in one byte stream.
struct WanConnectionRecord
{
    uint64_t id = 0;
    uint32_t fromSite = 0;
    uint32_t toSite = 0;
    std::optional<uint32_t> fromNic;
    std::optional<uint32_t> toNic;
    bool persistent = false; ///< carries messages, stays open
    double openedNs = 0;
    std::optional<double> failedNs; ///< the connection failed (its undelivered transfers with it)
    std::string reason;
    uint64_t streamBytes = 0;        ///< bytes of every transfer put on it
    uint64_t queuedBytes = 0;        ///< handed to the sender socket so far
    uint64_t receivedBytes = 0;      ///< in order at the receiver (counted while the connection lives)
    uint64_t retransmittedBytes = 0; ///< payload the sender sent again
    std::vector<uint64_t> transfers; ///< ids, in stream order
};

/// One failure and how each layer healed it; durations in ns from the failure.
struct WanFailureRecord
{
    uint32_t id = 0;
    std::string kind;    ///< "duct", "route", "node", "gateway"
    std::string element; ///< the duct, route, node or site
    double atNs = 0;
    std::vector<uint32_t> down;                 ///< lightpaths that lost service
    std::vector<uint32_t> switchedToProtection; ///< lightpaths the 1+1 switch-over carries
    std::vector<uint32_t> protectionLost;       ///< still up, their standby path broke
    std::optional<double> detectNs;             ///< T_detect: loss of light seen (optical failures)
    std::optional<double> protectNs;            ///< T_protect: the switched lightpaths carry packets again
    std::optional<double> restoreNs;            ///< T_restore: restoration ran (its outcomes below)
    std::vector<topo::RestorationOutcome> restoration;
    std::optional<double> rerouteNs; ///< T_reroute: gateway routes recomputed without what went dark
    uint64_t lostBytes = 0;          ///< frames lost on the lightpaths it darkened, while dark
};

/// The packet link of one lightpath between two gateways.
struct WanLink
{
    uint32_t lightpath = 0;
    uint32_t siteA = 0; ///< mesh node of end 0
    uint32_t siteB = 0;
    ns3::Ptr<LightpathChannel> channel;
    ns3::Ptr<ns3::NetDevice> deviceA;
    ns3::Ptr<ns3::NetDevice> deviceB;
    uint32_t interfaceA = 0; ///< the IPv4 interface index of deviceA on its gateway
    uint32_t interfaceB = 0;
    bool light = false;             ///< the optical layer carries it (after switch-over or restoration delays)
    bool routed = false;            ///< the gateways' routes may use it (as of the last recomputation)
    std::optional<uint32_t> darkBy; ///< the failure that took it dark, while dark
    uint64_t lostAtDark = 0;        ///< the channel's lost bytes when it went dark
};

/**
 * The wide-area packet layer over a MeshPlanner's lightpaths. Create it (ns3::CreateObject), set its
 * attributes, then Build(); transfers, messages and failures may be called before the simulation runs
 * or scheduled into it. The planner must outlive the network: failures go through its plan. Trace
 * source TransferFinished: each transfer's or message's final record, once, when it completes or fails.
 */
class WideAreaNetwork : public ns3::Object
{
  public:
    static ns3::TypeId GetTypeId();
    WideAreaNetwork();
    ~WideAreaNetwork() override;

    /// One gateway per site (mesh node ids, each at most once), one link per lightpath between two
    /// of them (a lightpath that is down gets a dark link, for restoration); `nics[i]` (absent: 0)
    /// scale-out NICs behind site i's gateway, each a host with a link of its own to it (NicRate,
    /// NicLinkDelay). ParameterError for an unknown or repeated site, more than 254 NICs, a second
    /// Build, or a segment size the MTU cannot carry.
    void Build(MeshPlanner& planner, const std::vector<uint32_t>& sites, const std::vector<uint32_t>& nics = {});
    /// Checks the attributes against each other (Build does too): ParameterError naming the attribute
    /// for a delayed-ACK timeout not under the minimum RTO, or an ECN threshold not under the buffer.
    void Validate() const;

    /// A TCP connection from one site's gateway to another's carrying `bytes`; returns its id.
    /// ParameterError for a site without a gateway, from == to, 0 bytes or too many transfers.
    uint64_t StartTransfer(uint32_t fromSite, uint32_t toSite, uint64_t bytes, std::string label);
    /// The same between two hosts (a gateway or a NIC); ParameterError also for a NIC the site lacks.
    uint64_t StartTransfer(const WanHost& from, const WanHost& to, uint64_t bytes, std::string label);
    /// A message of `bytes` from one site to another on the pair's long-lived connection (opened at
    /// the pair's first message, or after the last one failed; kept open): messages of a pair travel
    /// in order, each a byte range of the stream, and one completes when the receiver has every byte
    /// up to its end. When the connection fails every message on it not yet delivered fails with the
    /// reason. Returns its id (the same id space as StartTransfer). ParameterError as StartTransfer.
    uint64_t SendMessage(uint32_t fromSite, uint32_t toSite, uint64_t bytes, std::string label);
    /// The same between two hosts, on their ordered pair's connection.
    uint64_t SendMessage(const WanHost& from, const WanHost& to, uint64_t bytes, std::string label);
    /// Transfers and messages, by id.
    const std::vector<TransferRecord>& Transfers() const { return m_transfers; }
    const std::vector<WanConnectionRecord>& Connections() const { return m_connections; }
    /// Payload delivered in order from one site to another so far (what the throughput series bin).
    uint64_t DeliveredBytes(uint32_t fromSite, uint32_t toSite) const;

    /// The signature of the TransferFinished trace source: the transfer's final record. It fires
    /// once per transfer or message, when it completes or fails (inside StartTransfer / SendMessage
    /// for one that fails at once, its gateway being down).
    typedef void (*TransferFinishedCallback)(const TransferRecord& record);

    // Failures, now (schedule them with Simulator::Schedule for later). Each returns its record id.
    uint32_t FailDuct(const std::string& duct);
    uint32_t FailRoute(uint32_t route);
    uint32_t FailNode(uint32_t meshNode); ///< a junction, or a whole site (its gateway with it)
    uint32_t FailGateway(uint32_t site);  ///< the gateway alone; the optics are untouched
    /// Every failure so far, with its lost bytes counted up to now.
    std::vector<WanFailureRecord> Failures() const;

    const std::vector<uint32_t>& Sites() const { return m_sites; }
    const std::vector<WanLink>& Links() const { return m_links; }
    ns3::Ptr<ns3::Node> Gateway(uint32_t site) const;
    /// The scale-out NICs behind a site's gateway.
    uint32_t Nics(uint32_t site) const;
    bool GatewayUp(uint32_t site) const;
    /// The link of a lightpath; std::out_of_range when it joins no two gateways.
    const WanLink& LinkOf(uint32_t lightpath) const;

    /// The TCP window (send and receive buffers): MaxWindowBytes, or the bandwidth-delay product of
    /// the longest lightpath between two gateways when it is 0.
    uint64_t WindowBytes() const;
    uint32_t SegmentBytes() const; ///< TCP payload per packet: MTU - IPv4 - TCP with timestamps
    uint64_t EcnThresholdBytes() const;
    PacketPolicy Policy() const { return static_cast<PacketPolicy>(m_packetPolicy); }

    /// Fixes the random streams of the gateways' queue discs (RED draws in its marking band) from
    /// `stream` on, so a run does not depend on what else the process built; returns the count used.
    int64_t AssignStreams(int64_t stream);

    /// Payload delivered between two sites per bin (ThroughputBin), Gb/s, from t = 0 to now.
    std::vector<double> ThroughputGbps(uint32_t fromSite, uint32_t toSite) const;
    /// Summed over every site pair.
    std::vector<double> CrossSiteThroughputGbps() const;
    /// Time, ns up to now, during which no lit path of lightpaths joined two live gateways.
    double PartitionNs(uint32_t siteA, uint32_t siteB) const;
    /// Frames lost on dark lightpaths, all of them.
    uint64_t LostBytes() const;
    uint64_t RetransmittedBytes() const;
    /// The gateway sites a packet from `from` to `to` crosses under the routes in force, from and
    /// to included; empty when the routes lead nowhere (a dead end or a loop).
    std::vector<uint32_t> RoutedPath(uint32_t fromSite, uint32_t toSite) const;

  protected:
    void DoDispose() override;

  private:
    /// IPv4 + TCP headers of a data segment: 20 + 20 + 12 (the timestamp option, padded).
    static constexpr uint32_t kTcpIpHeaderBytes = 52;

    /// The sockets of one connection and where its sender and receiver are in its stream.
    struct Flow
    {
        ns3::Ptr<ns3::Socket> sender;
        ns3::Ptr<ns3::Socket> listener;
        ns3::Ptr<ns3::Socket> receiver;
        std::optional<ns3::SequenceNumber32> highestSentEnd; ///< one past the highest payload byte sent
        uint64_t highestSentOffset = 0;                      ///< the same, as a stream offset
        std::size_t firstOpen = 0; ///< index in the connection's transfers of the first not finished
        bool connected = false;    ///< the handshake completed: bytes go to the sender as they come
    };

    // Topology (wide-area-network.cc).
    void AddLink(const topo::Lightpath& lp);
    void ConfigureInterfaces();
    ns3::Time LinkDelay(uint32_t lightpath) const;
    std::size_t SiteIndex(uint32_t site) const;
    /// The node of a gateway or NIC; ParameterError for a NIC the site lacks.
    ns3::Ptr<ns3::Node> HostNode(const WanHost& host) const;
    /// A gateway's site address or a NIC's own (Build puts it second on the loopback): what
    /// connections go to, whichever link carries them.
    static ns3::Ipv4Address OwnAddress(const ns3::Ptr<ns3::Node>& host);
    void AddNics(std::size_t siteIndex, uint32_t count);
    /// A point-to-point device with the device queue every port has.
    ns3::Ptr<ns3::PointToPointNetDevice> NewDevice(uint64_t rateBps) const;
    /// The queue discs every port gets (DCTCP's step marker).
    ns3::TrafficControlHelper MarkingQueueDiscs() const;
    void RequireBuilt(const char* what) const;

    // Transfers (wan-transfers.cc, wan-connections.cc). The connection id comes first: ns-3 binds a
    // callback's leading arguments.
    uint64_t NewTransfer(TransferKind kind, const WanHost& from, const WanHost& to, uint64_t bytes, std::string label);
    /// A new transfer between sites of which one has its gateway down fails at once (and is notified).
    bool FailedAtOnce(uint64_t id);
    uint64_t OpenConnection(const WanHost& from, const WanHost& to, bool persistent);
    void Enqueue(uint64_t connection, uint64_t id);
    void Connected(uint64_t id, ns3::Ptr<ns3::Socket> s);
    void ConnectFailed(uint64_t id, ns3::Ptr<ns3::Socket> s);
    void Fill(uint64_t id, ns3::Ptr<ns3::Socket> s, uint32_t available);
    void Accepted(uint64_t id, ns3::Ptr<ns3::Socket> s, const ns3::Address& from);
    void Received(uint64_t id, ns3::Ptr<ns3::Socket> s);
    void SenderClosedWithError(uint64_t id, ns3::Ptr<ns3::Socket> s);
    void SegmentSent(uint64_t id, ns3::Ptr<const ns3::Packet> p, const ns3::TcpHeader& h,
                     ns3::Ptr<const ns3::TcpSocketBase> s);
    void FailConnection(uint64_t connection, const std::string& reason);
    /// Marks a transfer failed (no notice: Notify after every record is consistent); false when it had finished.
    bool FailTransfer(uint64_t id, const std::string& reason);
    /// Fires TransferFinished for each, with a copy of its record (a listener may start more transfers).
    void Notify(const std::vector<uint64_t>& ids);
    void AddDelivered(uint32_t from, uint32_t to, uint64_t bytes);

    // Healing (wan-healing.cc).
    uint32_t Record(std::string kind, std::string element, const topo::FailureImpact& impact);
    void Darken(WanLink& link, uint32_t failure);
    void UpdateLit(WanLink& link);
    void ScheduleOpticalHealing(uint32_t failure);
    void SwitchOver(uint32_t failure);
    void Restore(uint32_t failure);
    void Reroute(std::optional<uint32_t> failure);
    void KillGateway(uint32_t site, uint32_t failure, const std::string& why);
    void UpdatePartitions();

    // Attributes.
    uint32_t m_gatewayBufferBytes = 0;
    uint64_t m_ecnThresholdBytes = 0;
    uint32_t m_mtuBytes = 0;
    uint32_t m_deviceQueuePackets = 0;
    ns3::Time m_forwardingLatency;
    uint64_t m_maxWindowBytes = 0;
    ns3::Time m_minRto;
    ns3::Time m_delAckTimeout;
    ns3::Time m_lossOfLightDetection;
    ns3::Time m_protectionSwitchTime;
    ns3::Time m_restorationTime;
    ns3::Time m_packetRerouteTime;
    ns3::Time m_packetHoldOffTime;
    ns3::Time m_throughputBin;
    int m_packetPolicy = 0; ///< a PacketPolicy (ns-3's enum attributes hold an int)
    double m_nicRateGbps = 0;
    ns3::Time m_nicLinkDelay;

    MeshPlanner* m_planner = nullptr; ///< not owned: the caller's, which outlives this network
    std::vector<uint32_t> m_sites;
    std::vector<ns3::Ptr<ns3::Node>> m_gateways;          ///< by site index
    std::vector<std::vector<ns3::Ptr<ns3::Node>>> m_nics; ///< by site index, then NIC
    std::size_t m_nicLinks = 0;
    std::vector<bool> m_gatewayUp;
    std::vector<WanLink> m_links;
    std::vector<ns3::Ptr<ns3::QueueDisc>> m_queueDiscs;
    std::map<uint32_t, std::size_t> m_linkOfLightpath;
    std::vector<TransferRecord> m_transfers;
    std::vector<WanConnectionRecord> m_connections;
    std::vector<Flow> m_flows; ///< by connection id
    /// The live long-lived connection of each ordered host pair (messages): (from site, from NIC + 1
    /// or 0 for the gateway, to site, to NIC + 1 or 0).
    std::map<std::array<uint64_t, 4>, uint64_t> m_messageConnection;
    ns3::TracedCallback<const TransferRecord&> m_transferFinished;
    std::vector<WanFailureRecord> m_failures;
    /// Delivered bytes per (from, to) site pair, per bin.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<uint64_t>> m_deliveredPerBin;
    /// Per unordered site pair (lower index first): partition intervals [start, end), end open while partitioned.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<std::pair<double, std::optional<double>>>> m_partitions;
};

} // namespace ofab

#endif
