#ifndef OFAB_PROTOCOLS_MODEL_UALINK_PORT_H
#define OFAB_PROTOCOLS_MODEL_UALINK_PORT_H

#include "ofab/foundation/kernel/reusable-event.h"
#include "ofab/protocols/model/address-cache.h"
#include "ofab/protocols/model/credit-state.h"
#include "ofab/protocols/model/data-link.h"
#include "ofab/protocols/model/output-arbiter.h"
#include "ofab/protocols/model/tl-packer.h"

#include "ofab/photonics/model/optical-channel.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/simulator.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace ofab
{

class UalinkRouter;

/// What the data link layer did with an arriving DL flit.
enum class DlRxOutcome : uint8_t
{
    Accepted,      ///< in sequence, TL messages delivered
    Control,       ///< unsequenced ACK / replay-request flit
    CrcError,      ///< corrupted on the link (photonic frame error): replay requested
    OutOfSequence, ///< a flit before it was lost: dropped, replay requested
    Duplicate,     ///< already held (a replay overlapped): dropped
    LostInFlight,  ///< the link went down while it was on the fibre
};

const char* ToString(DlRxOutcome o);

/**
 * One UALink port at one end of an OpticalChannel: transaction-layer output queues and arbiter,
 * TL flit packing, TL credit flow control, and the data link layer with link-level retry.
 *
 * Transmit side, per DL flit: replayed flits first, then a new sequenced flit built from the TL
 * stream (when the LLR window and the peer's credits allow), else an unsequenced control flit
 * when an ACK or replay request is due. ACKs, replay requests and credit returns ride in every DL
 * flit's header, so they cost separate flits only when the reverse direction is idle (after
 * AckDelay / CreditReturnDelay, or at once for a replay request).
 *
 * Receive side: a corrupted flit (the photonic layer's draw) or an out-of-sequence one triggers one
 * replay request per gap (go-back-N); accepted flits deliver their TL messages to the router.
 *
 * Events per DL flit: one "transmitter free" at the sender, one "arrival" at the receiver; both
 * reuse preallocated event objects, and arrivals on one direction are chained (one pending
 * arrival event per direction, the next scheduled when one is processed). The flit object is not
 * copied: the receiver reads it from the sender's replay buffer.
 *
 * Link down (loss of signal in either direction of the channel, the far end is told by a remote
 * fault): unacknowledged and queued TL messages go to the router's link-down policy; sequence
 * numbers, credits and the address cache restart when the channel is up again (+ LinkRetrainTime).
 */
class UalinkPort : public ns3::Object
{
  public:
    struct Stats
    {
        uint64_t flitsSent = 0;        ///< new sequenced DL flits (first transmissions)
        uint64_t flitsReplayed = 0;    ///< retransmissions of sequenced flits
        uint64_t controlFlitsSent = 0; ///< unsequenced ACK / replay-request flits
        uint64_t flitsAccepted = 0;
        uint64_t controlFlitsReceived = 0;
        uint64_t crcErrors = 0;
        uint64_t outOfSequence = 0;
        uint64_t duplicates = 0;
        uint64_t lostInFlight = 0;
        uint64_t replayRequestsSent = 0;
        uint64_t replayRequestsHonoured = 0;
        uint64_t replayTimeouts = 0;
        uint64_t creditStalls = 0;    ///< a (VC, family) became blocked on credits
        uint64_t windowStalls = 0;    ///< TL data waited because the replay buffer was full
        uint64_t bufferOverflows = 0; ///< receive buffer over its size: must stay 0
        uint64_t messagesSent = 0;
        uint64_t messagesReceived = 0;
        uint64_t payloadBytesSent = 0; ///< transaction data bytes (goodput numerator)
        uint64_t payloadBytesReceived = 0;
        uint64_t tlBytesSent = 0; ///< DL payload bytes holding TL half-flits
        uint64_t linkDowns = 0;
        /// Per (VC, credit class), index CreditIndex(vc, class): ticks the link carried no TL data
        /// while a ready message waited for credits of that class: the transmitter had nothing it
        /// could send (idle, or only control and credit flits), and the padded share of flits closed
        /// early for the same reason (a trickle of credits sends part-empty flits). Closed episodes
        /// only: GetCreditIdleTicks() adds the one still open.
        std::array<int64_t, ualink::kVcCount * kCreditClassCount> creditIdleTicks{};
    };

    static ns3::TypeId GetTypeId();
    UalinkPort();
    ~UalinkPort() override;

    /// Throws ParameterError naming the attribute when a value is unusable.
    void Validate() const;

    // --- wiring (UalinkRouter::AddPort and UalinkHelper) ------------------------------------------
    void SetRouter(UalinkRouter* router, uint16_t index);
    /// The simulation context (node) this port's events run in: its router's.
    uint32_t GetContext() const;
    /// Connects this port to end `end` of `channel`; `peer` sits at the other end. The link comes
    /// up (initial credits exchanged) as soon as both directions of the channel are up.
    void Attach(ns3::Ptr<OpticalChannel> channel, uint8_t end, ns3::Ptr<UalinkPort> peer);

    UalinkRouter* GetRouter() const { return m_router; }
    uint16_t GetIndex() const { return m_index; }
    ns3::Ptr<OpticalChannel> GetChannel() const { return m_channel; }
    uint8_t GetEnd() const { return m_end; }
    UalinkPort* GetPeer() const { return m_peer; }
    uint32_t GetRoutingGroup() const { return m_routingGroup; }

    bool IsUp() const { return m_up; }
    /// A DL flit is being serialized right now.
    bool IsTransmitting() const { return m_busy; }
    /// Transmit capacity now (usable lines x line rate), bit/s.
    double GetCapacityBps() const;
    /// UALink width (x1, x2, x4) equivalent of the capacity at 200 Gb/s per lane.
    uint32_t GetLanes() const;

    // --- transaction layer (router) ---------------------------------------------------------------
    /// Queues a TL message to leave on this port no earlier than m.readyTick.
    void Enqueue(const TlMessage& m, int64_t nowTick);
    /// Starts a transmission if the transmitter is free and something may go.
    void Kick();
    /// A message that arrived on this port left the node: its receive buffers are free.
    /// `nowTick`: the current time when the caller knows it (-1: ask the simulator).
    void ReleaseRxCredits(uint8_t vc, ChannelClass cc, uint32_t dataCredits, int64_t nowTick = -1);
    std::size_t GetQueuedMessages() const { return m_arbiter.Size(); }

    /// Test / experiment hook: a receiver that stops returning credits (buffers still drain).
    void SetCreditReturnPaused(bool paused);
    /// The same for one (VC, credit class) only: the other credits keep flowing.
    void SetCreditReturnPaused(uint8_t vc, CreditClass c, bool paused);

    /// Stats::creditIdleTicks of (vc, c) up to now, the episode still open included.
    int64_t GetCreditIdleTicks(uint8_t vc, CreditClass c) const;
    /// The queued message that has been ready to leave longest (nullptr: none is ready). A scan of
    /// the queue heads, for samplers such as a starvation detector.
    const TlMessage* GetOldestReadyMessage() const;

    const Stats& GetStats() const { return m_stats; }
    const TlPacker::Stats& GetPackerStats() const { return m_packer.GetStats(); }
    const AddressCache& GetAddressCache() const { return m_cache; }
    const TxCredits& GetTxCredits() const { return m_txCredits; }
    const RxBuffers& GetRxBuffers() const { return m_rxBuffers; }
    uint32_t GetUnackedFlits() const { return m_llrTx.Unacked(); }

    typedef void (*FlitSentTracedCallback)(uint16_t seq, uint16_t tlBytes);
    typedef void (*FlitReceivedTracedCallback)(uint16_t seq, DlRxOutcome outcome);
    typedef void (*CreditStallTracedCallback)(uint8_t vc, uint8_t channelClass);
    typedef void (*LinkStateTracedCallback)(bool up);
    typedef void (*MessageTracedCallback)(const TlMessage& message);

  protected:
    void DoDispose() override;

  private:
    /// One transmission on the fibre, kept in the receiver's FIFO until its arrival event (DL
    /// flits on one direction arrive in the order they were sent).
    struct Wire
    {
        const DlFlit* flit = nullptr; ///< nullptr: control flit
        uint16_t seq = llr::kNoSeq;
        uint16_t ack = llr::kNoSeq;
        uint16_t replayRequest = llr::kNoSeq;
        bool corrupted = false;
        uint32_t epoch = 0;
        uint32_t linkGeneration = 0;
        int64_t arrivalTick = 0;
        CreditCounters credits{};
    };

    // The packer's source (TlPacker::Fill calls these directly).
    friend class TlPacker;
    bool PeekSlots(uint32_t& slots);
    void TakeInto(TlMessage& out);

    static int64_t NowTick() { return ns3::Simulator::Now().GetTimeStep(); }
    void KickAt(int64_t nowTick);
    void TrySend(int64_t nowTick);
    void SendFlit(const DlFlit* flit, uint16_t seq);
    void TxDone();
    void OnFlitArrival();
    void Deliver(const DlFlit& flit, int64_t nowTick);
    void NoteAccepted(int64_t nowTick);
    void ScheduleWake(int64_t tick, int64_t nowTick); ///< nowTick: the current time
    void OnWake();
    void OnWakeEvent(); ///< m_wakeEvent fired: a superseded (stale) wake, or the current one
    void ArmReplayTimer();
    void OnReplayTimer();
    void NoteStalls(uint32_t mask);
    /// Ends the open credit-idle episode at `nowTick`, adding its time to each class it waited for.
    void CloseCreditIdle(int64_t nowTick);
    /// A flit went out with only `tlBytes` of TL payload while ready messages lacked credit: its
    /// padding counts as credit-idle time of the classes they lacked.
    void NoteCreditShortFlit(uint16_t tlBytes, int64_t flitTicks);
    void SetCreditPauseMask(uint32_t mask);

    void BringUp();
    void GoDown();
    void OnLossOfSignal(uint8_t receivingEnd);
    void OnSignalRestored(uint8_t receivingEnd);

    // attributes
    uint32_t m_replayDepth;
    ns3::Time m_replayTimeout;
    uint32_t m_ackEveryFlits;
    ns3::Time m_ackDelay;
    ns3::Time m_creditReturnDelay;
    int m_compressionMode; ///< AddressCache::Mode (ns-3 3.37 enum attributes are int)
    uint32_t m_cacheEntries;
    uint32_t m_cacheRegionBytes;
    bool m_compressResponses;
    uint32_t m_requestCommands;
    uint32_t m_responseCommands;
    uint32_t m_requestData;
    uint32_t m_responseData;
    ns3::Time m_retrainTime;
    uint32_t m_routingGroup;

    // wiring
    UalinkRouter* m_router = nullptr;
    uint16_t m_index = 0;
    ns3::Ptr<OpticalChannel> m_channel;
    uint8_t m_end = 0;
    UalinkPort* m_peer = nullptr;

    // state
    bool m_up = false;
    bool m_busy = false;     ///< the transmitter is serializing a flit
    int64_t m_nowTick = 0;   ///< current time during one TrySend()
    int64_t m_txEndTick = 0; ///< end of the flit being serialized
    uint32_t m_linkGeneration = 0;
    llr::LlrSender m_llrTx;
    llr::LlrReceiver m_llrRx;
    TlPacker m_packer;
    OutputArbiter m_arbiter;
    AddressCache m_cache;
    TxCredits m_txCredits;
    RxBuffers m_rxBuffers;
    RingQueue<Wire> m_wire; ///< transmissions from the peer still on the fibre, in arrival order
    /// On the parallel core the peer may run on another thread, so a sender does not write into its
    /// peer: it writes its flits into its own ring, and every flit's arrival event reads the next
    /// one (m_inHead counts what this port took from the peer's ring). The ring is sized (Attach)
    /// so that a slot is written again only after its flit arrived in an earlier window.
    std::vector<Wire> m_outRing;
    uint64_t m_outTail = 0;
    uint64_t m_inHead = 0;
    ns3::Ptr<ReusableEvent<UalinkPort, &UalinkPort::TxDone>> m_txDoneEvent;
    ns3::Ptr<ReusableEvent<UalinkPort, &UalinkPort::OnFlitArrival>> m_arrivalEvent;

    static constexpr uint32_t kAllCredits = (1u << (ualink::kVcCount * kCreditClassCount)) - 1;
    uint32_t m_pausedMask = 0;        ///< bit CreditIndex(vc, class): its returns are withheld
    CreditCounters m_pausedCredits{}; ///< what was released when the pause began, per counter
    uint32_t m_creditIdleMask = 0;    ///< credit classes the idle transmitter waits for (0: none)
    bool m_creditsGranted = false;    ///< the peer's initial grant arrived since the link came up
    int64_t m_creditIdleSinceTick = 0;
    bool m_replayRequestDue = false;
    uint32_t m_acceptedSinceAck = 0;
    static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
    int64_t m_ackDueTick = kNever;
    int64_t m_creditDueTick = kNever;
    int64_t m_lastAckProgressTick = 0;
    /// One preallocated wake event, scheduled again and again. A wake superseded by an earlier one
    /// is not cancelled (that would disable the shared event object): its tick goes to
    /// m_staleWakes and its firing is ignored, at the same place in the event order where the
    /// cancelled event of a per-wake allocation would have been skipped.
    ns3::Ptr<ReusableEvent<UalinkPort, &UalinkPort::OnWakeEvent>> m_wakeEvent;
    int64_t m_wakeTick = kNever;       ///< the live wake; kNever when none is pending
    std::vector<int64_t> m_staleWakes; ///< ticks of superseded wakes still in the event queue
    ns3::EventId m_replayTimer;
    bool m_replayTimerArmed = false; ///< m_replayTimer is pending
    uint32_t m_stallMask = 0;
    bool m_peekValid = false; ///< the last PeekSlots() answer still holds
    bool m_peekFound = false;
    uint32_t m_peekSlots = 0;
    int64_t m_peekTick = 0;
    Stats m_stats;

    ns3::TracedCallback<uint16_t, uint16_t> m_flitSentTrace;
    ns3::TracedCallback<uint16_t, uint16_t> m_flitReplayedTrace;
    ns3::TracedCallback<uint16_t, DlRxOutcome> m_flitReceivedTrace;
    ns3::TracedCallback<uint8_t, uint8_t> m_creditStallTrace;
    ns3::TracedCallback<bool> m_linkStateTrace;
    ns3::TracedCallback<const TlMessage&> m_messageReceivedTrace;
    ns3::TracedValue<uint32_t> m_queueDepth;
};

} // namespace ofab

#endif
