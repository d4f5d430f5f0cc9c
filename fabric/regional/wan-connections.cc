// WideAreaNetwork: the socket side of a connection. The sender is filled from the connection's
// stream as its buffer drains; the receiver's in-order bytes are handed to the transfers of the
// stream in order (a message completes when its last byte is in); segments sent again are charged
// to the transfers whose bytes they carry.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// Bytes handed to the sender socket per Send (it copies them into its buffer as it has room).
constexpr uint32_t kChunkBytes = 64 * 1024;

} // namespace

void
WideAreaNetwork::Connected(uint64_t c, ns3::Ptr<ns3::Socket> s)
{
    m_flows[c].connected = true;
    s->SetSendCallback(ns3::MakeCallback(&WideAreaNetwork::Fill, this, c));
    Fill(c, s, s->GetTxAvailable());
}

void
WideAreaNetwork::ConnectFailed(uint64_t c, ns3::Ptr<ns3::Socket>)
{
    FailConnection(c, "connection not established (SYN retries exhausted)");
}

void
WideAreaNetwork::Fill(uint64_t c, ns3::Ptr<ns3::Socket> s, uint32_t)
{
    WanConnectionRecord& conn = m_connections[c];
    while (conn.queuedBytes < conn.streamBytes && !conn.failedNs)
    {
        const uint64_t n = std::min<uint64_t>({kChunkBytes, conn.streamBytes - conn.queuedBytes, s->GetTxAvailable()});
        if (n == 0)
        {
            return; // the send callback calls again when the buffer drains
        }
        const int sent = s->Send(ns3::Create<ns3::Packet>(static_cast<uint32_t>(n)));
        if (sent <= 0)
        {
            return;
        }
        conn.queuedBytes += static_cast<uint64_t>(sent);
    }
    if (!conn.persistent && !conn.failedNs && conn.queuedBytes == conn.streamBytes)
    {
        s->Close(); // a transfer's own connection: a FIN after its last byte
    }
}

void
WideAreaNetwork::Accepted(uint64_t c, ns3::Ptr<ns3::Socket> s, const ns3::Address&)
{
    m_flows[c].receiver = s;
    s->SetRecvCallback(ns3::MakeCallback(&WideAreaNetwork::Received, this, c));
    m_flows[c].listener->Close(); // one connection per listening port
}

void
WideAreaNetwork::Received(uint64_t c, ns3::Ptr<ns3::Socket> s)
{
    std::vector<uint64_t> finished;
    while (ns3::Ptr<ns3::Packet> p = s->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        WanConnectionRecord& conn = m_connections[c];
        if (conn.failedNs)
        {
            continue; // its transfers failed (a site was lost): what straggles in is not counted
        }
        const double now = static_cast<double>(ns3::Simulator::Now().GetNanoSeconds());
        uint64_t left = p->GetSize();
        conn.receivedBytes += left;
        AddDelivered(conn.fromSite, conn.toSite, left);
        Flow& f = m_flows[c];
        // The stream's bytes in order: each transfer takes up to its end, the rest goes to the next.
        while (left > 0 && f.firstOpen < conn.transfers.size())
        {
            TransferRecord& t = m_transfers[conn.transfers[f.firstOpen]];
            const uint64_t take = std::min(left, t.bytes - t.deliveredBytes);
            if (!t.firstByteNs)
            {
                t.firstByteNs = now;
            }
            t.deliveredBytes += take;
            left -= take;
            if (t.deliveredBytes == t.bytes)
            {
                t.status = TransferStatus::Completed;
                t.endNs = now;
                finished.push_back(t.id);
                ++f.firstOpen;
            }
        }
        if (!conn.persistent && conn.receivedBytes == conn.streamBytes)
        {
            s->Close();
        }
    }
    Notify(finished); // after the records are consistent: a listener may send the next message
}

void
WideAreaNetwork::SenderClosedWithError(uint64_t c, ns3::Ptr<ns3::Socket>)
{
    FailConnection(c, "connection aborted: retransmission limit reached");
}

void
WideAreaNetwork::SegmentSent(uint64_t c, ns3::Ptr<const ns3::Packet> p, const ns3::TcpHeader& h,
                             ns3::Ptr<const ns3::TcpSocketBase>)
{
    const uint32_t payload = p->GetSize();
    if (payload == 0)
    {
        return;
    }
    // Stream offsets from sequence numbers: relative to the highest byte sent so far (32-bit
    // sequence numbers wrap; the difference does not). The first data segment starts the stream.
    Flow& f = m_flows[c];
    const ns3::SequenceNumber32 start = h.GetSequenceNumber();
    const int64_t startOffset =
        f.highestSentEnd ? static_cast<int64_t>(f.highestSentOffset) + (start - *f.highestSentEnd) : 0;
    const int64_t endOffset = startOffset + payload;
    const auto highest = static_cast<int64_t>(f.highestSentOffset);
    if (f.highestSentEnd && startOffset < highest)
    {
        // A segment that starts below the highest byte sent so far is (partly) a retransmission:
        // charge [startOffset, min(end, highest)) to the transfers whose bytes those are.
        const auto lo = static_cast<uint64_t>(std::max<int64_t>(0, startOffset));
        const auto hi = static_cast<uint64_t>(std::min(endOffset, highest));
        WanConnectionRecord& conn = m_connections[c];
        conn.retransmittedBytes += hi - lo;
        auto it = std::upper_bound(conn.transfers.begin(), conn.transfers.end(), lo,
                                   [&](uint64_t off, uint64_t id) { return off < m_transfers[id].streamOffset; });
        for (it = it == conn.transfers.begin() ? it : it - 1; it != conn.transfers.end(); ++it)
        {
            TransferRecord& t = m_transfers[*it];
            if (t.streamOffset >= hi)
            {
                break;
            }
            const uint64_t from = std::max(lo, t.streamOffset);
            const uint64_t to = std::min(hi, t.streamOffset + t.bytes);
            t.retransmittedBytes += to > from ? to - from : 0;
        }
    }
    if (!f.highestSentEnd || endOffset > highest)
    {
        f.highestSentEnd = start + payload;
        f.highestSentOffset = static_cast<uint64_t>(endOffset);
    }
}

} // namespace ofab
