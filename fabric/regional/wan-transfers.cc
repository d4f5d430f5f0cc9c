// WideAreaNetwork: transfers, one TCP connection each between two gateways' site addresses.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// Listening ports: one per transfer, from here up.
constexpr uint32_t kFirstPort = 1024;
constexpr uint64_t kMaxTransfers = 65535 - kFirstPort;
/// Bytes handed to the sender socket per Send (it copies them into its buffer as it has room).
constexpr uint32_t kChunkBytes = 64 * 1024;

ns3::Ipv4Address
AddressOf(const ns3::Ptr<ns3::Node>& gateway)
{
    // The site address is the loopback interface's second address (WideAreaNetwork::ConfigureInterfaces).
    return gateway->GetObject<ns3::Ipv4>()->GetAddress(0, 1).GetLocal();
}

} // namespace

uint64_t
WideAreaNetwork::StartTransfer(uint32_t fromSite, uint32_t toSite, uint64_t bytes, std::string label)
{
    RequireBuilt("StartTransfer");
    const std::size_t from = SiteIndex(fromSite);
    const std::size_t to = SiteIndex(toSite);
    if (from == to || bytes == 0 || m_transfers.size() >= kMaxTransfers)
    {
        throw ParameterError("StartTransfer", from == to   ? "a transfer from a site to itself"
                                              : bytes == 0 ? "a transfer of 0 bytes"
                                                           : "too many transfers (one listening port each)");
    }
    const uint64_t id = m_transfers.size();
    TransferRecord rec;
    rec.id = id;
    rec.label = std::move(label);
    rec.fromSite = fromSite;
    rec.toSite = toSite;
    rec.bytes = bytes;
    rec.startNs = static_cast<double>(ns3::Simulator::Now().GetNanoSeconds());
    m_transfers.push_back(rec);
    m_flows.emplace_back();
    if (!m_gatewayUp[from] || !m_gatewayUp[to])
    {
        FailTransfer(id, "gateway of site " + m_planner->Mesh().NodeName(m_gatewayUp[from] ? toSite : fromSite) +
                             " is down");
        return id;
    }

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
    const uint16_t port = static_cast<uint16_t>(kFirstPort + id);
    Flow& f = m_flows.back();
    f.listener = ns3::Socket::CreateSocket(m_gateways[to], ns3::TcpSocketFactory::GetTypeId());
    configure(f.listener); // accepted sockets are forked from it, with its buffers
    f.listener->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    f.listener->Listen();
    f.listener->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                                  ns3::MakeCallback(&WideAreaNetwork::Accepted, this, id));

    f.sender = ns3::Socket::CreateSocket(m_gateways[from], ns3::TcpSocketFactory::GetTypeId());
    configure(f.sender);
    // ns-3's TCP takes the source address of the first route's interface whatever the bind says;
    // every interface address is advertised as a host route (ConfigureInterfaces) for that reason.
    f.sender->Bind();
    f.sender->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&WideAreaNetwork::SegmentSent, this, id));
    f.sender->SetConnectCallback(ns3::MakeCallback(&WideAreaNetwork::Connected, this, id),
                                 ns3::MakeCallback(&WideAreaNetwork::ConnectFailed, this, id));
    f.sender->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                                ns3::MakeCallback(&WideAreaNetwork::SenderClosedWithError, this, id));
    // Connected from an event, not from here: before the simulation starts the gateways' traffic
    // control layers are not initialised yet (their initialisation events come first at time 0).
    const ns3::Ptr<ns3::Socket> sender = f.sender;
    const ns3::InetSocketAddress remote(AddressOf(m_gateways[to]), port);
    ns3::Simulator::ScheduleWithContext(m_gateways[from]->GetId(), ns3::Seconds(0),
                                        [sender, remote]() { sender->Connect(remote); });
    return id;
}

void
WideAreaNetwork::Connected(uint64_t id, ns3::Ptr<ns3::Socket> s)
{
    s->SetSendCallback(ns3::MakeCallback(&WideAreaNetwork::Fill, this, id));
    Fill(id, s, s->GetTxAvailable());
}

void
WideAreaNetwork::ConnectFailed(uint64_t id, ns3::Ptr<ns3::Socket>)
{
    FailTransfer(id, "connection not established (SYN retries exhausted)");
}

void
WideAreaNetwork::Fill(uint64_t id, ns3::Ptr<ns3::Socket> s, uint32_t)
{
    Flow& f = m_flows[id];
    const uint64_t total = m_transfers[id].bytes;
    while (f.queuedBytes < total && m_transfers[id].status == TransferStatus::InFlight)
    {
        const uint64_t n = std::min<uint64_t>({kChunkBytes, total - f.queuedBytes, s->GetTxAvailable()});
        if (n == 0)
        {
            return; // the send callback calls again when the buffer drains
        }
        const int sent = s->Send(ns3::Create<ns3::Packet>(static_cast<uint32_t>(n)));
        if (sent <= 0)
        {
            return;
        }
        f.queuedBytes += static_cast<uint64_t>(sent);
    }
    if (f.queuedBytes == total)
    {
        s->Close(); // a FIN after the last byte
    }
}

void
WideAreaNetwork::Accepted(uint64_t id, ns3::Ptr<ns3::Socket> s, const ns3::Address&)
{
    m_flows[id].receiver = s;
    s->SetRecvCallback(ns3::MakeCallback(&WideAreaNetwork::Received, this, id));
    m_flows[id].listener->Close(); // one connection per transfer
}

void
WideAreaNetwork::Received(uint64_t id, ns3::Ptr<ns3::Socket> s)
{
    TransferRecord& t = m_transfers[id];
    while (ns3::Ptr<ns3::Packet> p = s->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        if (t.status != TransferStatus::InFlight)
        {
            continue; // already failed (its site was lost): what straggles in is not counted
        }
        const double now = static_cast<double>(ns3::Simulator::Now().GetNanoSeconds());
        if (!t.firstByteNs)
        {
            t.firstByteNs = now;
        }
        t.deliveredBytes += p->GetSize();
        AddDelivered(t.fromSite, t.toSite, p->GetSize());
        if (t.deliveredBytes >= t.bytes)
        {
            t.status = TransferStatus::Completed;
            t.endNs = now;
            s->Close();
        }
    }
}

void
WideAreaNetwork::SenderClosedWithError(uint64_t id, ns3::Ptr<ns3::Socket>)
{
    FailTransfer(id, "connection aborted: retransmission limit reached");
}

void
WideAreaNetwork::SegmentSent(uint64_t id, ns3::Ptr<const ns3::Packet> p, const ns3::TcpHeader& h,
                             ns3::Ptr<const ns3::TcpSocketBase>)
{
    const uint32_t payload = p->GetSize();
    if (payload == 0)
    {
        return;
    }
    // A segment that starts below the highest byte sent so far is (partly) a retransmission.
    Flow& f = m_flows[id];
    const ns3::SequenceNumber32 start = h.GetSequenceNumber();
    const ns3::SequenceNumber32 end = start + payload;
    if (f.highestSentEnd && start < *f.highestSentEnd)
    {
        const uint32_t again = std::min<uint32_t>(payload, static_cast<uint32_t>(*f.highestSentEnd - start));
        m_transfers[id].retransmittedBytes += again;
    }
    if (!f.highestSentEnd || end > *f.highestSentEnd)
    {
        f.highestSentEnd = end;
    }
}

void
WideAreaNetwork::FailTransfer(uint64_t id, const std::string& reason)
{
    TransferRecord& t = m_transfers[id];
    if (t.status != TransferStatus::InFlight)
    {
        return;
    }
    t.status = TransferStatus::Failed;
    t.reason = reason;
    t.endNs = static_cast<double>(ns3::Simulator::Now().GetNanoSeconds());
    Flow& f = m_flows[id];
    // Nothing more is handed to the sender; its socket is left to TCP (a dead gateway's is silent anyway).
    if (f.sender)
    {
        f.sender->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
    }
}

} // namespace ofab
