// AcceleratorEndpoint's receive side (responses to the originator, requests to the completer,
// transit traffic in router mode), its link-down hooks and queries. Issue, tags and timeouts are
// in accelerator-endpoint.cc.

#include "ofab/protocols/model/accelerator-endpoint.h"

#include "ns3/simulator.h"

namespace ofab
{

using namespace ualink;

// --- receive: responses, requests, transit ------------------------------------------------------

void
AcceleratorEndpoint::Receive(UalinkPort& /*in*/, TlMessage& m, int64_t nowTick)
{
    if (m.dst != m_id)
    {
        Forward(m, nowTick + m_routerLatency.GetTimeStep(), nowTick);
        return;
    }
    ReleaseInput(m); // consumed here: its receive buffers are free at once
    if (m.kind == MessageKind::Request)
    {
        OnRequest(m, nowTick);
    }
    else
    {
        OnResponse(m);
    }
}

void
AcceleratorEndpoint::OnResponse(TlMessage& m)
{
    if (m.origPort >= m_orig.size())
    {
        ++m_staleResponses;
        return;
    }
    OriginatorPort& op = m_orig[m.origPort];
    const uint32_t slot = op.tagSlot[m.tag];
    if (slot == kNoSlot || m_records[slot].id != m.txnId)
    {
        ++m_staleResponses; // its transaction already ended (timeout, link-down failure)
        return;
    }
    m_records[slot].requestHops = m.requestHops;
    m_records[slot].responseHops = m.hops;
    Finish(slot, m.status);
}

void
AcceleratorEndpoint::OnRequest(TlMessage& m, int64_t nowTick)
{
    TransactionStatus status = TransactionStatus::Okay;
    if (m_isolated)
    {
        status = TransactionStatus::Isolate;
    }
    else if (m.address + m.length > m_memoryBytes)
    {
        status = TransactionStatus::DecodeError;
        ++m_completer.decodeErrors;
    }
    ++m_completer.requestsServed;
    if (status == TransactionStatus::Okay)
    {
        if (m.txnKind == TransactionKind::Read || m.txnKind == TransactionKind::AtomicR)
        {
            m_completer.payloadBytesRead += m.length;
        }
        else
        {
            m_completer.payloadBytesWritten += m.length;
        }
    }
    if (status == TransactionStatus::Okay)
    {
        m_requestServedTrace(m);
    }
    else
    {
        // The request is the sender's (its replay buffer on the parallel core): tell the status on a copy.
        TlMessage refused = m;
        refused.status = status;
        m_requestServedTrace(refused);
    }
    TlMessage rsp = MakeResponse(m, status);
    // Answer through the port the request came in on when the route allows it: in a pod with
    // planes the response returns through the request's plane; otherwise the table decides.
    const ForwardingChoice* choice = nullptr;
    const ForwardingChoice* choices = nullptr;
    const uint32_t n = m_table.Lookup(rsp.dst, choices);
    for (uint32_t i = 0; i < n; ++i)
    {
        if (choices[i].port == m.inPort && m_ports[m.inPort]->IsUp())
        {
            choice = &choices[i];
            break;
        }
    }
    TransactionStatus failure = TransactionStatus::Okay;
    if (choice == nullptr)
    {
        choice = Select(rsp, failure);
    }
    if (choice == nullptr)
    {
        ++m_completer.responsesUnroutable; // the originator will time out
        m_droppedTrace(rsp, failure);
        return;
    }
    EnqueueAt(rsp, *choice, nowTick + m_completerLatency.GetTimeStep(), nowTick);
}

// --- link-down policy hooks -----------------------------------------------------------------------

void
AcceleratorEndpoint::FailLocalRequest(const TlMessage& m, TransactionStatus reason)
{
    if (m.kind != MessageKind::Request || m.origPort >= m_orig.size())
    {
        return;
    }
    OriginatorPort& op = m_orig[m.origPort];
    const uint32_t slot = op.tagSlot[m.tag];
    if (slot != kNoSlot && m_records[slot].id == m.txnId)
    {
        Finish(slot, reason);
    }
}

void
AcceleratorEndpoint::PortWentDown(uint16_t index)
{
    if (index >= m_orig.size())
    {
        return;
    }
    // Transactions waiting for a tag of this port never left: they fail now rather than wait.
    while (!m_orig[index].waiting.empty())
    {
        const uint32_t slot = m_orig[index].waiting.front();
        m_orig[index].waiting.pop_front();
        Finish(slot, TransactionStatus::LinkDown);
    }
}

// --- queries ------------------------------------------------------------------------------------

std::vector<TransactionRecord>
AcceleratorEndpoint::GetInFlightTransactions() const
{
    std::vector<TransactionRecord> out;
    for (const auto& r : m_records)
    {
        if (r.state == TransactionState::WaitingForTag || r.state == TransactionState::Outstanding)
        {
            out.push_back(r);
        }
    }
    return out;
}

uint32_t
AcceleratorEndpoint::GetOutstanding(uint16_t port) const
{
    return port < m_orig.size() ? m_orig[port].outstanding : 0;
}

uint32_t
AcceleratorEndpoint::GetWaitingForTag(uint16_t port) const
{
    return port < m_orig.size() ? static_cast<uint32_t>(m_orig[port].waiting.size()) : 0;
}

} // namespace ofab
