#include "ofab/protocols/model/ualink-port.h"

#include "ofab/protocols/model/ualink-router.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/photonic-link.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <string>

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("UalinkPort");
NS_OBJECT_ENSURE_REGISTERED(UalinkPort);

const char*
ToString(DlRxOutcome o)
{
    switch (o)
    {
    case DlRxOutcome::Accepted:
        return "Accepted";
    case DlRxOutcome::Control:
        return "Control";
    case DlRxOutcome::CrcError:
        return "CrcError";
    case DlRxOutcome::OutOfSequence:
        return "OutOfSequence";
    case DlRxOutcome::Duplicate:
        return "Duplicate";
    case DlRxOutcome::LostInFlight:
        return "LostInFlight";
    }
    return "?";
}

ns3::TypeId
UalinkPort::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::UalinkPort")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddConstructor<UalinkPort>()
            .AddAttribute("ReplayBufferDepth",
                          "Replay buffer depth in DL flits = most unacknowledged flits (1..256, the "
                          "window rule for 9-bit sequence numbers).",
                          UintegerValue(256), MakeUintegerAccessor(&UalinkPort::m_replayDepth),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ReplayTimeout",
                          "Time without acknowledgement progress after which every unacknowledged "
                          "flit is re-sent (covers lost ACK and replay-request flits).",
                          TimeValue(MicroSeconds(1)), MakeTimeAccessor(&UalinkPort::m_replayTimeout), MakeTimeChecker())
            .AddAttribute("AckEveryFlits",
                          "An idle reverse direction sends an ACK flit once this many flits were "
                          "accepted without one (ACK coalescing).",
                          UintegerValue(8), MakeUintegerAccessor(&UalinkPort::m_ackEveryFlits),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("AckDelay",
                          "An idle reverse direction sends an ACK flit at the latest this long after "
                          "the first unacknowledged accepted flit.",
                          TimeValue(NanoSeconds(20)), MakeTimeAccessor(&UalinkPort::m_ackDelay), MakeTimeChecker())
            .AddAttribute("CreditReturnDelay",
                          "Released credits ride on the next DL flit; when none goes out within "
                          "this time a credit-only flit carries them.",
                          TimeValue(NanoSeconds(20)), MakeTimeAccessor(&UalinkPort::m_creditReturnDelay),
                          MakeTimeChecker())
            .AddAttribute("AddressCompression",
                          "Request header compression: Cache (compress on an address-cache hit), "
                          "Always, Never.",
                          EnumValue(static_cast<int>(AddressCache::Mode::Cache)),
                          MakeEnumAccessor(&UalinkPort::m_compressionMode),
                          MakeEnumChecker(static_cast<int>(AddressCache::Mode::Cache), "Cache",
                                          static_cast<int>(AddressCache::Mode::Always), "Always",
                                          static_cast<int>(AddressCache::Mode::Never), "Never"))
            .AddAttribute(
                "AddressCacheEntries", "Entries of the per-link address cache (LRU) used for request compression.",
                UintegerValue(16), MakeUintegerAccessor(&UalinkPort::m_cacheEntries), MakeUintegerChecker<uint32_t>())
            .AddAttribute("AddressCacheRegionBytes",
                          "Bytes of address space one cache entry covers (power of two, >= 256).", UintegerValue(4096),
                          MakeUintegerAccessor(&UalinkPort::m_cacheRegionBytes), MakeUintegerChecker<uint32_t>())
            .AddAttribute("CompressResponses",
                          "Responses in the compressed 4 B format (8 per control half-flit); "
                          "false: 8 B (4 per half-flit).",
                          BooleanValue(true), MakeBooleanAccessor(&UalinkPort::m_compressResponses),
                          MakeBooleanChecker())
            // Default sizes let the smallest message of each credit class fill an 800 Gb/s link over
            // the longest default credit round trip, endpoint -> 150 ns switch, 402.8 ns (measured in
            // tests/fabric/experiment/credit-round-trip-test.cc, which checks these against it), with
            // 24-42 % margin: compressed read requests (8 B: 4941 needed), compressed write responses
            // (4 B: 9882), atomic operands and results in one 64 B buffer each (40 B and 36 B on the
            // TL stream: 989 and 1098). The derivation table is in protocols/README.md.
            .AddAttribute("RequestCommandBuffers",
                          "Receive buffer per VC for request headers (entries = request-command credits).",
                          UintegerValue(6144), MakeUintegerAccessor(&UalinkPort::m_requestCommands),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ResponseCommandBuffers",
                          "Receive buffer per VC for response headers (entries = response-command credits).",
                          UintegerValue(12288), MakeUintegerAccessor(&UalinkPort::m_responseCommands),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("RequestDataBuffers",
                          "Receive buffer per VC for request (originator) data, in 64-byte buffers "
                          "(one data credit each, whatever fills it: a 4 B atomic operand takes one).",
                          UintegerValue(1280), MakeUintegerAccessor(&UalinkPort::m_requestData),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("ResponseDataBuffers",
                          "Receive buffer per VC for response (read) data, in 64-byte buffers "
                          "(one data credit each, whatever fills it: an AtomicR result takes one).",
                          UintegerValue(1408), MakeUintegerAccessor(&UalinkPort::m_responseData),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("LinkRetrainTime",
                          "After the channel is up again in both directions, time until the data "
                          "link is back up (link training and the DL up handshake).",
                          TimeValue(MicroSeconds(1)), MakeTimeAccessor(&UalinkPort::m_retrainTime), MakeTimeChecker())
            .AddAttribute("RoutingGroup",
                          "Routing group of this port (e.g. torus dimension): a message changing "
                          "group restarts in VC class 0 (dateline rule).",
                          UintegerValue(0), MakeUintegerAccessor(&UalinkPort::m_routingGroup),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("DlFlitSent", "A DL flit left (seq 0 = control flit; TL payload bytes).",
                            MakeTraceSourceAccessor(&UalinkPort::m_flitSentTrace),
                            "ofab::UalinkPort::FlitSentTracedCallback")
            .AddTraceSource("DlFlitReplayed", "A sequenced DL flit was re-sent by link-level retry.",
                            MakeTraceSourceAccessor(&UalinkPort::m_flitReplayedTrace),
                            "ofab::UalinkPort::FlitSentTracedCallback")
            .AddTraceSource("DlFlitReceived", "A DL flit arrived (sequence number, what the DL did with it).",
                            MakeTraceSourceAccessor(&UalinkPort::m_flitReceivedTrace),
                            "ofab::UalinkPort::FlitReceivedTracedCallback")
            .AddTraceSource("CreditStall",
                            "A (VC, channel family 0=request 1=response) became blocked for lack of "
                            "credits from the peer.",
                            MakeTraceSourceAccessor(&UalinkPort::m_creditStallTrace),
                            "ofab::UalinkPort::CreditStallTracedCallback")
            .AddTraceSource("LinkState", "The data link went up (true) or down (false).",
                            MakeTraceSourceAccessor(&UalinkPort::m_linkStateTrace),
                            "ofab::UalinkPort::LinkStateTracedCallback")
            .AddTraceSource("TlMessageReceived", "A TL message was delivered by an accepted DL flit.",
                            MakeTraceSourceAccessor(&UalinkPort::m_messageReceivedTrace),
                            "ofab::UalinkPort::MessageTracedCallback")
            .AddTraceSource("QueueDepth", "TL messages waiting in this port's output queues.",
                            MakeTraceSourceAccessor(&UalinkPort::m_queueDepth), "ns3::TracedValueCallback::Uint32");
    return tid;
}

UalinkPort::UalinkPort()
    : m_replayDepth(256),
      m_ackEveryFlits(8),
      m_compressionMode(static_cast<int>(AddressCache::Mode::Cache)),
      m_cacheEntries(16),
      m_cacheRegionBytes(4096),
      m_compressResponses(true),
      m_requestCommands(6144),
      m_responseCommands(12288),
      m_requestData(1280),
      m_responseData(1408),
      m_routingGroup(0),
      m_queueDepth(0)
{
    m_txDoneEvent = ns3::Create<ReusableEvent<UalinkPort, &UalinkPort::TxDone>>(this);
    m_arrivalEvent = ns3::Create<ReusableEvent<UalinkPort, &UalinkPort::OnFlitArrival>>(this);
    m_wakeEvent = ns3::Create<ReusableEvent<UalinkPort, &UalinkPort::OnWakeEvent>>(this);
}

UalinkPort::~UalinkPort() = default;

void
UalinkPort::Validate() const
{
    if (m_replayDepth < 1 || m_replayDepth > llr::kMaxWindow)
    {
        throw ParameterError("ReplayBufferDepth",
                             "must be 1..256 DL flits (9-bit sequence window), got " + std::to_string(m_replayDepth));
    }
    if (!m_replayTimeout.IsStrictlyPositive())
    {
        throw ParameterError("ReplayTimeout", "must be > 0");
    }
    if (m_ackEveryFlits < 1 || m_ackEveryFlits >= m_replayDepth + 1)
    {
        throw ParameterError("AckEveryFlits", "must be 1..ReplayBufferDepth, got " + std::to_string(m_ackEveryFlits));
    }
    if (m_ackDelay.IsStrictlyNegative() || m_creditReturnDelay.IsStrictlyNegative() ||
        m_retrainTime.IsStrictlyNegative())
    {
        throw ParameterError("AckDelay/CreditReturnDelay/LinkRetrainTime", "must be >= 0");
    }
    if (m_ackDelay >= m_replayTimeout)
    {
        throw ParameterError("AckDelay", "must be shorter than ReplayTimeout");
    }
    if (m_cacheRegionBytes < ualink::kRegionBytes || (m_cacheRegionBytes & (m_cacheRegionBytes - 1)) != 0)
    {
        throw ParameterError("AddressCacheRegionBytes",
                             "must be a power of two >= 256, got " + std::to_string(m_cacheRegionBytes));
    }
    const uint32_t dataMin = ualink::kMaxTransactionBytes / ualink::kDataCreditBytes + 1;
    if (m_requestCommands < 1 || m_responseCommands < 1)
    {
        throw ParameterError("RequestCommandBuffers/ResponseCommandBuffers", "must be >= 1 entry per VC");
    }
    if (m_requestData < dataMin || m_responseData < dataMin)
    {
        throw ParameterError("RequestDataBuffers/ResponseDataBuffers",
                             "must hold one 256 B transaction with byte enables (>= " + std::to_string(dataMin) +
                                 " x 64 B per VC)");
    }
}

void
UalinkPort::DoDispose()
{
    m_wakeEvent->Cancel(); // never scheduled again: every pending firing (stale or live) is void
    m_replayTimer.Cancel();
    m_replayTimerArmed = false;
    if (m_channel)
    {
        // The channel may outlive this port: it must not call back into it.
        m_channel->TraceDisconnectWithoutContext("LossOfSignal", ns3::MakeCallback(&UalinkPort::OnLossOfSignal, this));
        m_channel->TraceDisconnectWithoutContext("SignalRestored",
                                                 ns3::MakeCallback(&UalinkPort::OnSignalRestored, this));
    }
    m_channel = nullptr;
    m_peer = nullptr;
    m_router = nullptr;
    Object::DoDispose();
}

void
UalinkPort::SetRouter(UalinkRouter* router, uint16_t index)
{
    m_router = router;
    m_index = index;
    const uint32_t context = GetContext();
    m_txDoneEvent->SetContext(context);
    m_arrivalEvent->SetContext(context);
    m_wakeEvent->SetContext(context);
}

uint32_t
UalinkPort::GetContext() const
{
    return m_router != nullptr ? m_router->GetContext() : ns3::Simulator::NO_CONTEXT;
}

void
UalinkPort::Attach(ns3::Ptr<OpticalChannel> channel, uint8_t end, ns3::Ptr<UalinkPort> peer)
{
    Validate();
    if (end > 1)
    {
        throw ParameterError("End", "an optical channel has ends 0 and 1");
    }
    m_channel = channel;
    m_end = end;
    m_peer = ns3::PeekPointer(peer);
    m_llrTx.SetDepth(m_replayDepth);
    m_rxBuffers.SetSizes(BufferSizes{m_requestCommands, m_responseCommands, m_requestData, m_responseData});
    m_cache.Configure(static_cast<AddressCache::Mode>(m_compressionMode), m_cacheEntries, m_cacheRegionBytes);
    channel->TraceConnectWithoutContext("LossOfSignal", ns3::MakeCallback(&UalinkPort::OnLossOfSignal, this));
    channel->TraceConnectWithoutContext("SignalRestored", ns3::MakeCallback(&UalinkPort::OnSignalRestored, this));
    if (ParallelSimulatorImpl::Current() != nullptr)
    {
        // A slot may be written again once its flit arrived in an earlier window: more slots than
        // flits sent over a window (<= the lookahead <= P) plus a flight (P + a flit), at the
        // fastest the link can go. P: propagation + FEC.
        const PhotonicLink& link = *channel->GetLink(end);
        const double fastestFlitS = ualink::kDlFlitBytes * 8.0 / (link.GetLineCount() * link.GetLineRateBps());
        const double p = (link.GetPropagationDelay() + link.GetFecLatency()).GetSeconds();
        std::size_t slots = 8;
        while (static_cast<double>(slots) < 2.0 * p / fastestFlitS + 8.0)
        {
            slots *= 2;
        }
        m_outRing.assign(slots, Wire{});
    }
    ScheduleForNode(GetContext(), ns3::TimeStep(0), &UalinkPort::BringUp, this);
}

double
UalinkPort::GetCapacityBps() const
{
    if (!m_channel)
    {
        return 0;
    }
    return m_channel->GetLink(m_end)->GetCapacityBps();
}

uint32_t
UalinkPort::GetLanes() const
{
    return static_cast<uint32_t>(std::floor(GetCapacityBps() / 200e9 + 1e-9));
}

// --- link state ---------------------------------------------------------------------------------

void
UalinkPort::BringUp()
{
    if (m_up || !m_channel || !m_channel->IsUp(0) || !m_channel->IsUp(1))
    {
        return;
    }
    NS_LOG_FUNCTION(this << m_index);
    m_up = true;
    m_llrTx.Reset();
    m_llrRx.Reset();
    m_packer.Reset();
    m_cache.Reset();
    m_txCredits.Reset();
    m_rxBuffers.Reset(); // everything free now is the initial credit grant
    m_replayRequestDue = false;
    m_acceptedSinceAck = 0;
    m_ackDueTick = kNever;
    m_creditDueTick = NowTick(); // release the initial credits at once
    m_stallMask = 0;
    m_creditIdleMask = 0;
    m_creditsGranted = false;
    m_pausedCredits = m_rxBuffers.Released(); // a paused class withholds from its initial grant on
    m_linkStateTrace(true);
    Kick();
}

void
UalinkPort::GoDown()
{
    if (!m_up)
    {
        return;
    }
    NS_LOG_FUNCTION(this << m_index);
    CloseCreditIdle(NowTick()); // a down link waits for no credit
    m_up = false;
    ++m_linkGeneration; // both ends step together: what is still on the fibre is void
    ++m_stats.linkDowns;
    if (m_wakeTick != kNever)
    {
        m_staleWakes.push_back(m_wakeTick);
    }
    m_wakeTick = kNever;
    m_replayTimer.Cancel();
    m_replayTimerArmed = false;

    // Unacknowledged and half-packed messages left this node already (their input buffers were
    // released when the packer took them); queued ones still hold theirs.
    std::vector<TlMessage> lost;
    for (uint16_t s = m_llrTx.OldestUnacked(); s != m_llrTx.NextNew(); s = llr::Next(s))
    {
        const auto& msgs = m_llrTx.Slot(s).messages;
        lost.insert(lost.end(), msgs.begin(), msgs.end());
    }
    m_packer.DrainAll(lost);
    for (TlMessage& m : lost)
    {
        m.inputReleased = true;
    }
    m_arbiter.DrainAll(lost);
    m_peekValid = false;
    m_queueDepth.Set(0);
    m_llrTx.Reset();
    m_llrRx.Reset();
    m_txCredits.Reset();
    m_linkStateTrace(false);
    if (m_router)
    {
        m_router->OnPortDown(m_index, lost);
    }
}

// --- credit hooks and figures -------------------------------------------------------------------

void
UalinkPort::CloseCreditIdle(int64_t nowTick)
{
    for (uint32_t i = 0; i < m_stats.creditIdleTicks.size(); ++i)
    {
        if (m_creditIdleMask & (1u << i))
        {
            m_stats.creditIdleTicks[i] += nowTick - m_creditIdleSinceTick;
        }
    }
    m_creditIdleMask = 0;
}

void
UalinkPort::NoteCreditShortFlit(uint16_t tlBytes, int64_t flitTicks)
{
    const int64_t padded = flitTicks * (ualink::kDlPayloadBytes - tlBytes) / ualink::kDlPayloadBytes;
    const uint32_t mask = m_arbiter.CreditStalledClasses();
    for (uint32_t i = 0; i < m_stats.creditIdleTicks.size(); ++i)
    {
        if (mask & (1u << i))
        {
            m_stats.creditIdleTicks[i] += padded;
        }
    }
}

int64_t
UalinkPort::GetCreditIdleTicks(uint8_t vc, CreditClass c) const
{
    const uint32_t i = CreditIndex(vc, c);
    const int64_t open = (m_creditIdleMask & (1u << i)) ? NowTick() - m_creditIdleSinceTick : 0;
    return m_stats.creditIdleTicks[i] + open;
}

const TlMessage*
UalinkPort::GetOldestReadyMessage() const
{
    return m_arbiter.OldestReadyHead(NowTick());
}

void
UalinkPort::SetCreditReturnPaused(bool paused)
{
    SetCreditPauseMask(paused ? kAllCredits : 0);
}

void
UalinkPort::SetCreditReturnPaused(uint8_t vc, CreditClass c, bool paused)
{
    const uint32_t bit = 1u << CreditIndex(vc, c);
    SetCreditPauseMask(paused ? (m_pausedMask | bit) : (m_pausedMask & ~bit));
}

void
UalinkPort::SetCreditPauseMask(uint32_t mask)
{
    const uint32_t added = mask & ~m_pausedMask;
    const uint32_t removed = m_pausedMask & ~mask;
    for (uint32_t i = 0; i < m_pausedCredits.size(); ++i)
    {
        if (added & (1u << i))
        {
            m_pausedCredits[i] = m_rxBuffers.Released()[i];
        }
    }
    m_pausedMask = mask;
    if (removed != 0)
    {
        m_creditDueTick = NowTick(); // hand back what was withheld at once
        Kick();
    }
}

void
UalinkPort::OnLossOfSignal(uint8_t /*receivingEnd*/)
{
    // Either direction lost: the far end learns it as a remote fault, so both data links go down.
    GoDown();
}

void
UalinkPort::OnSignalRestored(uint8_t /*receivingEnd*/)
{
    if (m_channel->IsUp(0) && m_channel->IsUp(1))
    {
        ScheduleForNode(GetContext(), m_retrainTime, &UalinkPort::BringUp, this);
    }
}

} // namespace ofab
