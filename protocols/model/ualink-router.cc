#include "ofab/protocols/model/ualink-router.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <string>

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("UalinkRouter");
NS_OBJECT_ENSURE_REGISTERED(UalinkRouter);

ns3::TypeId
UalinkRouter::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("ofab::UalinkRouter")
            .SetParent<ns3::Object>()
            .SetGroupName("Ofab")
            .AddTraceSource("MessageDropped",
                            "A TL message could not continue (link down or no route) and was dropped "
                            "or answered with a failure status (the status given).",
                            ns3::MakeTraceSourceAccessor(&UalinkRouter::m_droppedTrace),
                            "ofab::UalinkRouter::MessageDroppedTracedCallback");
    return tid;
}

UalinkRouter::UalinkRouter() = default;

void
UalinkRouter::DoDispose()
{
    for (auto& p : m_ports)
    {
        p->Dispose();
    }
    m_ports.clear();
    m_linkDownHandler = LinkDownHandler();
    ns3::Object::DoDispose();
}

uint16_t
UalinkRouter::AddPort(ns3::Ptr<UalinkPort> port)
{
    if (m_ports.size() >= 0xFFFE)
    {
        throw ParameterError("Ports", "too many ports on one node");
    }
    const auto index = static_cast<uint16_t>(m_ports.size());
    port->SetRouter(this, index);
    m_ports.push_back(port);
    m_isDirty.push_back(0);
    return index;
}

ns3::Ptr<UalinkPort>
UalinkRouter::GetPort(uint32_t i) const
{
    if (i >= m_ports.size())
    {
        throw ParameterError("Port", "port " + std::to_string(i) + " does not exist (node has " +
                                         std::to_string(m_ports.size()) + ")");
    }
    return m_ports[i];
}

void
UalinkRouter::SetDestinationCount(uint32_t n)
{
    m_table.Resize(n);
}

void
UalinkRouter::SetRoute(uint16_t dst, const std::vector<ForwardingChoice>& choices)
{
    for (const auto& c : choices)
    {
        GetPort(c.port); // throws on an unknown port
    }
    m_table.SetEntry(dst, choices);
}

void
UalinkRouter::AddRoute(uint16_t dst, ForwardingChoice choice)
{
    GetPort(choice.port);
    m_table.AddChoice(dst, choice);
}

void
UalinkRouter::ClearRoute(uint16_t dst)
{
    m_table.ClearEntry(dst);
}

void
UalinkRouter::SetDefaultRoute(const std::vector<ForwardingChoice>& choices)
{
    for (const auto& c : choices)
    {
        GetPort(c.port);
    }
    m_table.SetDefault(choices);
}

void
UalinkRouter::MarkDirty(UalinkPort* port)
{
    const uint16_t i = port->GetIndex();
    if (!m_isDirty[i])
    {
        m_isDirty[i] = 1;
        m_dirty.push_back(port);
    }
}

void
UalinkRouter::FlushKicks()
{
    // Kicking can deliver nothing back into this router synchronously, but be safe against growth.
    for (std::size_t i = 0; i < m_dirty.size(); ++i)
    {
        UalinkPort* p = m_dirty[i];
        m_isDirty[p->GetIndex()] = 0;
        p->Kick();
    }
    m_dirty.clear();
}

const ForwardingChoice*
UalinkRouter::Select(const TlMessage& m, TransactionStatus& failure) const
{
    const ForwardingChoice* choices = nullptr;
    const uint32_t n = m_table.Lookup(m.dst, choices);
    if (n == 0)
    {
        failure = TransactionStatus::DecodeError;
        return nullptr;
    }
    // Requests spread by 256 B region (one region, one path: ordering); responses by tag.
    const uint64_t key = m.kind == MessageKind::Request ? m.address / ualink::kRegionBytes : m.tag;
    const ForwardingChoice* pick = &choices[key % n];
    if (m_ports[pick->port]->IsUp())
    {
        return pick;
    }
    uint32_t live = 0;
    for (uint32_t i = 0; i < n; ++i)
    {
        live += m_ports[choices[i].port]->IsUp() ? 1 : 0;
    }
    if (live == 0)
    {
        failure = TransactionStatus::LinkDown;
        return nullptr;
    }
    uint32_t want = static_cast<uint32_t>(key % live);
    for (uint32_t i = 0; i < n; ++i)
    {
        if (m_ports[choices[i].port]->IsUp() && want-- == 0)
        {
            return &choices[i];
        }
    }
    return nullptr; // unreachable
}

void
UalinkRouter::EnqueueAt(TlMessage& m, const ForwardingChoice& choice, int64_t readyTick, int64_t nowTick)
{
    UalinkPort* out = PeekPointer(m_ports[choice.port]);
    // Dateline rule: the class restarts at 0 when the message changes routing group (or is
    // injected here) and moves to 1 on a choice that crosses the dateline.
    const uint32_t inGroup = m.inPort == ualink::kLocalInput ? ualink::kNoGroup : m_ports[m.inPort]->GetRoutingGroup();
    uint8_t vcClass = inGroup == out->GetRoutingGroup() ? (m.vc & 1) : 0;
    if (choice.crossesDateline)
    {
        vcClass = 1;
    }
    m.vc = static_cast<uint8_t>((m.vc & ~1u) | vcClass);
    m.readyTick = readyTick;
    ++m_routerStats.forwarded;
    out->Enqueue(m, nowTick);
    MarkDirty(out);
}

void
UalinkRouter::Forward(TlMessage& m, int64_t readyTick, int64_t nowTick)
{
    TransactionStatus failure = TransactionStatus::Okay;
    const ForwardingChoice* pick = Select(m, failure);
    if (pick == nullptr)
    {
        Undeliverable(m, failure);
        return;
    }
    EnqueueAt(m, *pick, readyTick, nowTick);
}

void
UalinkRouter::Reinject(const TlMessage& m)
{
    TlMessage copy = m;
    const int64_t now = ns3::Simulator::Now().GetTimeStep();
    Forward(copy, now, now);
    FlushKicks();
}

void
UalinkRouter::Undeliverable(TlMessage& m, TransactionStatus reason)
{
    if (!m_linkDownHandler.IsNull() && !m_inHandler)
    {
        std::vector<TlMessage> one{m};
        m_inHandler = true;
        m_linkDownHandler(kNoPort, one);
        m_inHandler = false;
        m_routerStats.handedToHandler += 1 - one.size();
        for (auto& left : one)
        {
            ApplyDefaultPolicy(left, reason);
        }
        return;
    }
    ApplyDefaultPolicy(m, reason);
}

void
UalinkRouter::OnPortDown(uint16_t index, std::vector<TlMessage>& messages)
{
    if (!m_linkDownHandler.IsNull() && !m_inHandler && !messages.empty())
    {
        const std::size_t before = messages.size();
        m_inHandler = true;
        m_linkDownHandler(index, messages);
        m_inHandler = false;
        m_routerStats.handedToHandler += before - messages.size();
    }
    for (auto& m : messages)
    {
        ApplyDefaultPolicy(m, TransactionStatus::LinkDown);
    }
    messages.clear();
    PortWentDown(index);
    FlushKicks();
}

void
UalinkRouter::ApplyDefaultPolicy(TlMessage& m, TransactionStatus reason)
{
    m_droppedTrace(m, reason);
    if (m.kind != MessageKind::Request)
    {
        ReleaseInput(m);
        ++m_routerStats.responsesDropped;
        return;
    }
    if (m.inPort == ualink::kLocalInput)
    {
        FailLocalRequest(m, reason);
        return;
    }
    // A request passing through: answer it with the failure so its originator learns at once.
    ReleaseInput(m);
    TlMessage rsp = MakeResponse(m, reason);
    TransactionStatus failure = TransactionStatus::Okay;
    const ForwardingChoice* pick = Select(rsp, failure);
    if (pick == nullptr)
    {
        ++m_routerStats.requestsDropped; // no way back either: the originator times out
        return;
    }
    ++m_routerStats.failedBack;
    const int64_t now = ns3::Simulator::Now().GetTimeStep();
    EnqueueAt(rsp, *pick, now, now);
}

void
UalinkRouter::FailLocalRequest(const TlMessage& /*m*/, TransactionStatus /*reason*/)
{
    ++m_routerStats.requestsDropped; // a switch originates nothing; endpoints override
}

TlMessage
UalinkRouter::MakeResponse(const TlMessage& req, TransactionStatus status)
{
    TlMessage r;
    r.txnId = req.txnId;
    r.bornNs = req.bornNs; // a response carries its transaction's age
    r.address = req.address;
    r.src = req.dst;
    r.dst = req.src;
    r.tag = req.tag;
    r.length = req.length;
    r.inPort = ualink::kLocalInput;
    r.origPort = req.origPort;
    r.txnKind = req.txnKind;
    r.kind = (req.txnKind == TransactionKind::Read || req.txnKind == TransactionKind::AtomicR)
                 ? MessageKind::ReadResponse
                 : MessageKind::WriteResponse;
    r.status = status;
    r.vc = static_cast<uint8_t>(req.vc & ~1u); // same traffic class; dateline class restarts
    r.inVc = r.vc;
    r.hops = 0;
    r.requestHops = req.hops;
    ualink::Seal(r);
    return r;
}

} // namespace ofab
