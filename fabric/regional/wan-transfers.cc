// WideAreaNetwork: transfers and messages, and the TCP connections between two gateways' site
// addresses that carry them: a transfer has a connection of its own; the messages of an ordered site
// pair share one long-lived connection, each a byte range of its stream.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ofab
{

namespace
{

/// Listening ports: one per connection, from here up.
constexpr uint32_t kFirstPort = 1024;
constexpr uint64_t kMaxConnections = 65535 - kFirstPort;

/// The key of an ordered host pair's message connection.
std::array<uint64_t, 4>
PairKey(uint32_t fromSite, std::optional<uint32_t> fromNic, uint32_t toSite, std::optional<uint32_t> toNic)
{
    return {fromSite, fromNic ? *fromNic + 1ull : 0ull, toSite, toNic ? *toNic + 1ull : 0ull};
}

double
NowNs()
{
    return static_cast<double>(ns3::Simulator::Now().GetNanoSeconds());
}

} // namespace

const char*
ToString(TransferKind kind)
{
    return kind == TransferKind::Message ? "message" : "transfer";
}

uint64_t
WideAreaNetwork::NewTransfer(TransferKind kind, const WanHost& from, const WanHost& to, uint64_t bytes,
                             std::string label)
{
    const char* what = kind == TransferKind::Message ? "SendMessage" : "StartTransfer";
    RequireBuilt(what);
    HostNode(from); // checks the site and the NIC
    HostNode(to);
    if (from.site == to.site || bytes == 0)
    {
        throw ParameterError(what, from.site == to.site ? "from a site to itself" : "of 0 bytes");
    }
    TransferRecord rec;
    rec.id = m_transfers.size();
    rec.label = std::move(label);
    rec.kind = kind;
    rec.fromSite = from.site;
    rec.toSite = to.site;
    rec.fromNic = from.nic;
    rec.toNic = to.nic;
    rec.bytes = bytes;
    rec.startNs = NowNs();
    m_transfers.push_back(rec);
    return rec.id;
}

bool
WideAreaNetwork::FailedAtOnce(uint64_t id)
{
    const TransferRecord& rec = m_transfers[id];
    const bool fromUp = m_gatewayUp[SiteIndex(rec.fromSite)];
    if (fromUp && m_gatewayUp[SiteIndex(rec.toSite)])
    {
        return false;
    }
    FailTransfer(id, "gateway of site " + m_planner->Mesh().NodeName(fromUp ? rec.toSite : rec.fromSite) + " is down");
    Notify({id});
    return true;
}

uint64_t
WideAreaNetwork::StartTransfer(uint32_t fromSite, uint32_t toSite, uint64_t bytes, std::string label)
{
    return StartTransfer(WanHost{fromSite, std::nullopt}, WanHost{toSite, std::nullopt}, bytes, std::move(label));
}

uint64_t
WideAreaNetwork::StartTransfer(const WanHost& from, const WanHost& to, uint64_t bytes, std::string label)
{
    const uint64_t id = NewTransfer(TransferKind::Transfer, from, to, bytes, std::move(label));
    if (FailedAtOnce(id))
    {
        return id;
    }
    Enqueue(OpenConnection(from, to, false), id);
    return id;
}

uint64_t
WideAreaNetwork::SendMessage(uint32_t fromSite, uint32_t toSite, uint64_t bytes, std::string label)
{
    return SendMessage(WanHost{fromSite, std::nullopt}, WanHost{toSite, std::nullopt}, bytes, std::move(label));
}

uint64_t
WideAreaNetwork::SendMessage(const WanHost& from, const WanHost& to, uint64_t bytes, std::string label)
{
    const uint64_t id = NewTransfer(TransferKind::Message, from, to, bytes, std::move(label));
    if (FailedAtOnce(id))
    {
        return id;
    }
    const auto key = PairKey(from.site, from.nic, to.site, to.nic);
    const auto it = m_messageConnection.find(key);
    const uint64_t c = it != m_messageConnection.end() ? it->second : OpenConnection(from, to, true);
    m_messageConnection[key] = c;
    Enqueue(c, id);
    return id;
}

uint64_t
WideAreaNetwork::OpenConnection(const WanHost& fromHost, const WanHost& toHost, bool persistent)
{
    if (m_connections.size() >= kMaxConnections)
    {
        throw ParameterError(persistent ? "SendMessage" : "StartTransfer",
                             "too many connections (one listening port each)");
    }
    const ns3::Ptr<ns3::Node> from = HostNode(fromHost);
    const ns3::Ptr<ns3::Node> to = HostNode(toHost);
    const uint64_t c = m_connections.size();
    WanConnectionRecord rec;
    rec.id = c;
    rec.fromSite = fromHost.site;
    rec.toSite = toHost.site;
    rec.fromNic = fromHost.nic;
    rec.toNic = toHost.nic;
    rec.persistent = persistent;
    rec.openedNs = NowNs();
    m_connections.push_back(rec);
    m_flows.emplace_back();

    const auto window = static_cast<uint32_t>(WindowBytes());
    auto configure = [&](const ns3::Ptr<ns3::Socket>& s) {
        s->SetAttribute("SndBufSize", ns3::UintegerValue(window));
        s->SetAttribute("RcvBufSize", ns3::UintegerValue(window));
        s->SetAttribute("SegmentSize", ns3::UintegerValue(SegmentBytes()));
        s->SetAttribute("Sack", ns3::BooleanValue(true));
        s->SetAttribute("Timestamp", ns3::BooleanValue(true));
        s->SetAttribute("WindowScaling", ns3::BooleanValue(true));
        s->SetAttribute("MinRto", ns3::TimeValue(m_minRto));
        s->SetAttribute("DelAckTimeout", ns3::TimeValue(m_delAckTimeout));
        s->SetAttribute("UseEcn", ns3::EnumValue(ns3::TcpSocketState::On));
    };
    const uint16_t port = static_cast<uint16_t>(kFirstPort + c);
    Flow& f = m_flows.back();
    f.listener = ns3::Socket::CreateSocket(to, ns3::TcpSocketFactory::GetTypeId());
    configure(f.listener); // accepted sockets are forked from it, with its buffers
    f.listener->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    f.listener->Listen();
    f.listener->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                                  ns3::MakeCallback(&WideAreaNetwork::Accepted, this, c));

    f.sender = ns3::Socket::CreateSocket(from, ns3::TcpSocketFactory::GetTypeId());
    configure(f.sender);
    // ns-3's TCP takes the source address of the first route's interface whatever the bind says;
    // every interface address is advertised as a host route (ConfigureInterfaces) for that reason.
    f.sender->Bind();
    f.sender->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&WideAreaNetwork::SegmentSent, this, c));
    f.sender->SetConnectCallback(ns3::MakeCallback(&WideAreaNetwork::Connected, this, c),
                                 ns3::MakeCallback(&WideAreaNetwork::ConnectFailed, this, c));
    f.sender->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                                ns3::MakeCallback(&WideAreaNetwork::SenderClosedWithError, this, c));
    // Connected from an event, not from here: before the simulation starts the gateways' traffic
    // control layers are not initialised yet (their initialisation events come first at time 0).
    const ns3::Ptr<ns3::Socket> sender = f.sender;
    const ns3::InetSocketAddress remote(OwnAddress(to), port);
    ns3::Simulator::ScheduleWithContext(from->GetId(), ns3::Seconds(0),
                                        [sender, remote]() { sender->Connect(remote); });
    return c;
}

void
WideAreaNetwork::Enqueue(uint64_t c, uint64_t id)
{
    WanConnectionRecord& conn = m_connections[c];
    TransferRecord& t = m_transfers[id];
    t.connection = c;
    t.streamOffset = conn.streamBytes;
    conn.streamBytes += t.bytes;
    conn.transfers.push_back(id);
    // Once connected, the send callback is set: hand the new bytes over now (before, Connected will).
    if (m_flows[c].connected && !conn.failedNs)
    {
        Fill(c, m_flows[c].sender, m_flows[c].sender->GetTxAvailable());
    }
}

void
WideAreaNetwork::FailConnection(uint64_t c, const std::string& reason)
{
    WanConnectionRecord& conn = m_connections[c];
    if (conn.failedNs)
    {
        return;
    }
    conn.failedNs = NowNs();
    conn.reason = reason;
    const auto it = m_messageConnection.find(PairKey(conn.fromSite, conn.fromNic, conn.toSite, conn.toNic));
    if (it != m_messageConnection.end() && it->second == c)
    {
        m_messageConnection.erase(it); // the pair's next message opens a new connection
    }
    Flow& f = m_flows[c];
    // Nothing more is handed to the sender; its socket is left to TCP (a dead gateway's is silent anyway).
    if (f.sender)
    {
        f.sender->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
    }
    std::vector<uint64_t> failed;
    for (std::size_t i = f.firstOpen; i < conn.transfers.size(); ++i)
    {
        if (FailTransfer(conn.transfers[i], reason))
        {
            failed.push_back(conn.transfers[i]);
        }
    }
    f.firstOpen = conn.transfers.size();
    Notify(failed);
}

bool
WideAreaNetwork::FailTransfer(uint64_t id, const std::string& reason)
{
    TransferRecord& t = m_transfers[id];
    if (t.status != TransferStatus::InFlight)
    {
        return false;
    }
    t.status = TransferStatus::Failed;
    t.reason = reason;
    t.endNs = NowNs();
    return true;
}

void
WideAreaNetwork::Notify(const std::vector<uint64_t>& ids)
{
    for (uint64_t id : ids)
    {
        const TransferRecord record = m_transfers[id];
        m_transferFinished(record);
    }
}

uint64_t
WideAreaNetwork::DeliveredBytes(uint32_t fromSite, uint32_t toSite) const
{
    uint64_t total = 0;
    const auto it = m_deliveredPerBin.find({fromSite, toSite});
    if (it != m_deliveredPerBin.end())
    {
        for (uint64_t b : it->second)
        {
            total += b;
        }
    }
    return total;
}

} // namespace ofab
