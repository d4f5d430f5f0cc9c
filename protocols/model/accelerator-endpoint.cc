#include "ofab/protocols/model/accelerator-endpoint.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cstdio>
#include <string>

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("AcceleratorEndpoint");
NS_OBJECT_ENSURE_REGISTERED(AcceleratorEndpoint);

using namespace ualink;

ns3::TypeId
AcceleratorEndpoint::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::AcceleratorEndpoint")
            .SetParent<UalinkRouter>()
            .SetGroupName("Ofab")
            .AddConstructor<AcceleratorEndpoint>()
            .AddAttribute("AcceleratorId", "10-bit accelerator id (0..1023), the src/dst of TL messages.",
                          UintegerValue(0), MakeUintegerAccessor(&AcceleratorEndpoint::m_id),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("CompletionTimeout",
                          "A request without a response this long after its tag was assigned fails "
                          "with status CompletionTimeout (implementation-defined; assumption).",
                          TimeValue(MicroSeconds(50)), MakeTimeAccessor(&AcceleratorEndpoint::m_completionTimeout),
                          MakeTimeChecker())
            .AddAttribute("CompleterLatency",
                          "Completer time from request arrival to its response being ready "
                          "(memory access; 0 = not modelled).",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&AcceleratorEndpoint::m_completerLatency),
                          MakeTimeChecker())
            .AddAttribute("RouterLatency",
                          "Forwarding latency of the accelerator's port logic for TL messages "
                          "addressed to other accelerators (direct topologies; assumption).",
                          TimeValue(NanoSeconds(100)), MakeTimeAccessor(&AcceleratorEndpoint::m_routerLatency),
                          MakeTimeChecker())
            .AddAttribute("MemoryBytes", "Completer address space; a request beyond it gets DecodeError.",
                          UintegerValue(1ULL << 40), MakeUintegerAccessor(&AcceleratorEndpoint::m_memoryBytes),
                          MakeUintegerChecker<uint64_t>())
            .AddTraceSource("TransactionIssued", "Issue() accepted a transaction.",
                            MakeTraceSourceAccessor(&AcceleratorEndpoint::m_issuedTrace),
                            "ofab::AcceleratorEndpoint::TransactionTracedCallback")
            .AddTraceSource("TransactionCompleted", "A transaction completed with status OKAY (record has latency).",
                            MakeTraceSourceAccessor(&AcceleratorEndpoint::m_completedTrace),
                            "ofab::AcceleratorEndpoint::TransactionTracedCallback")
            .AddTraceSource("TransactionFailed", "A transaction ended with a non-OKAY status (record has the reason).",
                            MakeTraceSourceAccessor(&AcceleratorEndpoint::m_failedTrace),
                            "ofab::AcceleratorEndpoint::TransactionTracedCallback")
            .AddTraceSource("RequestServed",
                            "The completer answered a request (in arrival order): the request, with the status it is "
                            "answered with.",
                            MakeTraceSourceAccessor(&AcceleratorEndpoint::m_requestServedTrace),
                            "ofab::AcceleratorEndpoint::RequestTracedCallback");
    return tid;
}

AcceleratorEndpoint::AcceleratorEndpoint()
    : m_id(0),
      m_completionTimeout(ns3::MicroSeconds(50)),
      m_routerLatency(ns3::NanoSeconds(100)),
      m_memoryBytes(1ULL << 40)
{
}

void
AcceleratorEndpoint::Validate() const
{
    if (m_id >= kMaxAccelerators)
    {
        throw ParameterError("AcceleratorId", "must be 0..1023 (10-bit), got " + std::to_string(m_id));
    }
    if (!m_completionTimeout.IsStrictlyPositive())
    {
        throw ParameterError("CompletionTimeout", "must be > 0");
    }
    if (m_completerLatency.IsStrictlyNegative() || m_routerLatency.IsStrictlyNegative())
    {
        throw ParameterError("CompleterLatency/RouterLatency", "must be >= 0");
    }
}

void
AcceleratorEndpoint::DoDispose()
{
    for (auto& op : m_orig)
    {
        op.timer.Cancel();
        op.timerArmed = false;
    }
    m_orig.clear();
    m_records.clear();
    UalinkRouter::DoDispose();
}

// --- originator ---------------------------------------------------------------------------------

namespace
{

std::string
Describe(const TransactionSpec& s)
{
    char addr[32];
    std::snprintf(addr, sizeof addr, "0x%llx", static_cast<unsigned long long>(s.address));
    return std::string(ToString(s.kind)) + " of " + std::to_string(s.bytes) + " B at " + addr + " to accelerator " +
           std::to_string(s.dst);
}

} // namespace

void
AcceleratorEndpoint::ValidateSpec(const TransactionSpec& s) const
{
    // Messages are built only on the error path: Issue() is on the hot path of every workload.
    if (s.bytes == 0 || s.bytes > kMaxTransactionBytes)
    {
        throw ParameterError("bytes", Describe(s) + ": a request moves 1..256 B");
    }
    if ((s.address % kRegionBytes) + s.bytes > kRegionBytes)
    {
        throw ParameterError("address", Describe(s) + ": crosses a 256 B boundary (a request must "
                                                      "stay inside one 256 B-aligned region)");
    }
    if (s.kind == TransactionKind::WriteFull && s.bytes % kDataCreditBytes != 0)
    {
        throw ParameterError("bytes", Describe(s) + ": WriteFull moves whole 64 B beats (64..256 B)");
    }
    if ((s.kind == TransactionKind::AtomicR || s.kind == TransactionKind::AtomicNR) &&
        ((s.bytes != 4 && s.bytes != 8) || s.address % s.bytes != 0))
    {
        throw ParameterError("bytes", Describe(s) + ": atomics operate on aligned 4 or 8 B elements");
    }
    if (s.dst >= kMaxAccelerators || s.dst == m_id)
    {
        throw ParameterError("dst", Describe(s) + ": the destination must be another accelerator "
                                                  "id in 0..1023");
    }
    if (s.trafficClass > 1)
    {
        throw ParameterError("trafficClass", Describe(s) + ": traffic class is 0 or 1 (VC = 2 x "
                                                           "class + dateline class)");
    }
}

AcceleratorEndpoint::OriginatorPort&
AcceleratorEndpoint::Orig(uint16_t port)
{
    while (m_orig.size() <= port)
    {
        m_orig.emplace_back();
        OriginatorPort& op = m_orig.back();
        op.tagSlot.assign(kTagCount, kNoSlot);
        op.freeTags.reserve(kTagCount);
        for (uint32_t t = kTagCount; t-- > 0;)
        {
            op.freeTags.push_back(static_cast<uint16_t>(t)); // tag 0 is handed out first
        }
    }
    return m_orig[port];
}

uint32_t
AcceleratorEndpoint::NewRecord()
{
    if (!m_freeRecords.empty())
    {
        const uint32_t s = m_freeRecords.back();
        m_freeRecords.pop_back();
        return s;
    }
    m_records.emplace_back();
    return static_cast<uint32_t>(m_records.size() - 1);
}

uint64_t
AcceleratorEndpoint::Issue(const TransactionSpec& spec)
{
    ValidateSpec(spec);
    const uint32_t slot = NewRecord();
    TransactionRecord& r = m_records[slot];
    r = TransactionRecord();
    r.id = (static_cast<uint64_t>(m_id) << 48) | ++m_nextTxn;
    r.src = m_id;
    r.dst = spec.dst;
    r.kind = spec.kind;
    r.bytes = spec.bytes;
    r.address = spec.address;
    r.vc = static_cast<uint8_t>(spec.trafficClass * 2);
    r.workload = spec.workload;
    r.operation = spec.operation;
    r.issueTime = ns3::Simulator::Now();
    r.state = TransactionState::WaitingForTag;
    ++m_issued;
    const uint64_t id = r.id;
    m_issuedTrace(r);

    if (m_isolated)
    {
        Finish(slot, TransactionStatus::Isolate);
        return id;
    }
    // The port is fixed now: the tag space, and the ordering of this 256 B region, belong to it.
    TlMessage probe;
    probe.kind = MessageKind::Request;
    probe.dst = spec.dst;
    probe.address = spec.address;
    TransactionStatus failure = TransactionStatus::Okay;
    const ForwardingChoice* choice = Select(probe, failure);
    if (choice == nullptr)
    {
        Finish(slot, failure);
        return id;
    }
    m_records[slot].port = static_cast<uint8_t>(choice->port);
    OriginatorPort& op = Orig(choice->port);
    if (op.freeTags.empty() || !op.waiting.empty())
    {
        op.waiting.push_back(slot); // the 2049th waits, in order
        return id;
    }
    StartRequest(choice->port, slot);
    FlushKicks();
    return id;
}

uint64_t
AcceleratorEndpoint::Read(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t tc)
{
    return Issue(TransactionSpec{TransactionKind::Read, dst, address, bytes, tc});
}

uint64_t
AcceleratorEndpoint::Write(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t tc)
{
    return Issue(TransactionSpec{TransactionKind::Write, dst, address, bytes, tc});
}

uint64_t
AcceleratorEndpoint::WriteFull(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t tc)
{
    return Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes, tc});
}

uint64_t
AcceleratorEndpoint::AtomicR(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t tc)
{
    return Issue(TransactionSpec{TransactionKind::AtomicR, dst, address, bytes, tc});
}

uint64_t
AcceleratorEndpoint::AtomicNR(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t tc)
{
    return Issue(TransactionSpec{TransactionKind::AtomicNR, dst, address, bytes, tc});
}

void
AcceleratorEndpoint::StartRequest(uint16_t port, uint32_t slot)
{
    OriginatorPort& op = Orig(port);
    TransactionRecord& r = m_records[slot];
    const uint16_t tag = op.freeTags.back();
    op.freeTags.pop_back();
    op.tagSlot[tag] = slot;
    ++op.outstanding;
    r.tag = tag;
    r.state = TransactionState::Outstanding;
    const ns3::Time tagTime = ns3::Simulator::Now();
    r.tagTime = tagTime;
    op.deadlines.push_back(Deadline{(tagTime + m_completionTimeout).GetTimeStep(), r.id, tag});
    ArmTimeout(port);

    TlMessage m;
    m.txnId = r.id;
    m.bornNs = static_cast<uint32_t>(tagTime.GetNanoSeconds());
    m.address = r.address;
    m.src = m_id;
    m.dst = r.dst;
    m.tag = tag;
    m.length = static_cast<uint16_t>(r.bytes);
    m.inPort = kLocalInput;
    m.origPort = static_cast<uint8_t>(port);
    m.kind = MessageKind::Request;
    m.txnKind = r.kind;
    m.vc = r.vc;
    m.workload = r.workload;
    m.operation = r.operation;
    Seal(m);
    if (!m_ports[port]->IsUp())
    {
        std::vector<TlMessage> one{m};
        OnPortDown(port, one); // policy: fails the transaction (or the handler re-routes it)
        return;
    }
    // The entry's dateline flag for this port still applies (a direct topology's first hop).
    ForwardingChoice choice{port, false};
    const ForwardingChoice* choices = nullptr;
    const uint32_t n = m_table.Lookup(m.dst, choices);
    for (uint32_t i = 0; i < n; ++i)
    {
        if (choices[i].port == port)
        {
            choice = choices[i];
            break;
        }
    }
    const int64_t now = tagTime.GetTimeStep(); // no event ran since: still the current time
    EnqueueAt(m, choice, now, now);
}

bool
AcceleratorEndpoint::IsLive(const OriginatorPort& op, const Deadline& d) const
{
    const uint32_t slot = op.tagSlot[d.tag];
    return slot != kNoSlot && m_records[slot].id == d.txnId;
}

void
AcceleratorEndpoint::Finish(uint32_t slot, TransactionStatus status)
{
    // Work on a copy: trace sinks may issue new transactions, which can reuse this slot or grow
    // m_records / m_orig under any reference held across the call.
    TransactionRecord done = m_records[slot];
    const bool hadTag = done.state == TransactionState::Outstanding;
    done.status = status;
    done.endTime = ns3::Simulator::Now();
    done.state = status == TransactionStatus::Okay ? TransactionState::Completed : TransactionState::Failed;
    m_records[slot].state = done.state;
    m_freeRecords.push_back(slot);
    const uint16_t port = done.port;
    if (hadTag)
    {
        OriginatorPort& op = m_orig[port];
        op.tagSlot[done.tag] = kNoSlot;
        op.freeTags.push_back(done.tag);
        --op.outstanding;
        // Keep the deadline queue short: drop finished transactions at its head.
        while (!op.deadlines.empty() && !IsLive(op, op.deadlines.front()))
        {
            op.deadlines.pop_front();
        }
    }
    if (status == TransactionStatus::Okay)
    {
        ++m_completed;
        m_completedTrace(done);
    }
    else
    {
        ++m_failed;
        m_failedTrace(done);
    }
    if (!hadTag)
    {
        return;
    }
    // A freed tag goes to the oldest waiting transaction. A request started here may fail at once
    // (its port is down) and come back through Finish(): the loop already running hands on its tag,
    // so a long queue drains in this loop, not by recursion as deep as the queue.
    if (m_orig[port].granting)
    {
        return;
    }
    m_orig[port].granting = true;
    while (!m_orig[port].waiting.empty() && !m_orig[port].freeTags.empty())
    {
        const uint32_t next = m_orig[port].waiting.front();
        m_orig[port].waiting.pop_front();
        StartRequest(port, next);
    }
    m_orig[port].granting = false;
}

void
AcceleratorEndpoint::ArmTimeout(uint16_t port)
{
    OriginatorPort& op = m_orig[port];
    if (op.timerArmed || op.deadlines.empty())
    {
        return;
    }
    op.timerArmed = true;
    const int64_t delay = op.deadlines.front().tick - ns3::Simulator::Now().GetTimeStep();
    op.timer = ScheduleForNode(GetContext(), ns3::TimeStep(delay > 0 ? delay : 0), &AcceleratorEndpoint::OnTimeout,
                               this, port);
}

void
AcceleratorEndpoint::OnTimeout(uint16_t port)
{
    m_orig[port].timerArmed = false;
    const int64_t now = ns3::Simulator::Now().GetTimeStep();
    // Index m_orig afresh each time: Finish() runs trace sinks that may add originator ports.
    while (!m_orig[port].deadlines.empty() && m_orig[port].deadlines.front().tick <= now)
    {
        const Deadline d = m_orig[port].deadlines.front();
        m_orig[port].deadlines.pop_front();
        if (IsLive(m_orig[port], d))
        {
            Finish(m_orig[port].tagSlot[d.tag], TransactionStatus::CompletionTimeout);
        }
    }
    while (!m_orig[port].deadlines.empty() && !IsLive(m_orig[port], m_orig[port].deadlines.front()))
    {
        m_orig[port].deadlines.pop_front();
    }
    ArmTimeout(port);
    FlushKicks();
}

} // namespace ofab
