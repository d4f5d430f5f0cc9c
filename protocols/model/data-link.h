#ifndef OFAB_PROTOCOLS_MODEL_DATA_LINK_H
#define OFAB_PROTOCOLS_MODEL_DATA_LINK_H

// Link-level retry (LLR) bookkeeping of the data link layer, free of ns-3 so that sequence
// arithmetic, windows and go-back-N can be tested on their own. UalinkPort drives it.

#include "ofab/protocols/model/flit.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace ofab
{
namespace llr
{

constexpr uint16_t kSeqCount = 511; ///< 9-bit sequence numbers 1..511; 0 is reserved ("none")
constexpr uint16_t kNoSeq = 0;
/// Most unacknowledged flits a sender may have out: beyond this, an old duplicate and a new flit
/// could carry the same number (window rule, half of the 511-number space, rounded up).
constexpr uint32_t kMaxWindow = 256;

/// The sequence number after `s`: 511 wraps to 1, never to the reserved 0.
inline uint16_t
Next(uint16_t s)
{
    return s >= kSeqCount ? 1 : static_cast<uint16_t>(s + 1);
}

inline uint16_t
Prev(uint16_t s)
{
    return s <= 1 ? kSeqCount : static_cast<uint16_t>(s - 1);
}

/// Steps from `from` forward to `to` on the 511-number ring (0..510).
inline uint32_t
Distance(uint16_t from, uint16_t to)
{
    return (static_cast<uint32_t>(to) + kSeqCount - from) % kSeqCount;
}

/**
 * Sender side: assigns sequence numbers, keeps every unacknowledged flit (the replay buffer: a
 * replay re-sends the stored object), and runs go-back-N.
 *
 * Flit objects come from a pool and go back to it when acknowledged; the most recently freed one
 * is reused first, so the memory a busy port touches is the flits actually in flight (hot in
 * cache), not a ring of 511 slots.
 */
class LlrSender
{
  public:
    LlrSender();

    void Reset();
    void SetDepth(uint32_t depth) { m_depth = depth; }
    uint32_t GetDepth() const { return m_depth; }

    uint32_t Unacked() const { return m_unacked; }
    bool CanSendNew() const { return m_unacked < m_depth; }
    /// The object the next new flit is built in; Commit() gives it its number.
    DlFlit& NextSlot();
    uint16_t Commit();

    bool Replaying() const { return m_replayNext != m_nextNew; }
    /// Next flit to re-send while Replaying().
    uint16_t TakeReplay();

    /// Cumulative acknowledgement: the receiver accepted everything up to and including `seq`.
    /// Returns how many flits left the replay buffer.
    uint32_t OnAck(uint16_t seq);
    /// Replay request: the receiver expects `expected` (implies an ACK of the flit before it).
    /// Returns false when `expected` is outside the unacknowledged window (stale request).
    bool OnReplayRequest(uint16_t expected);
    /// No acknowledgement progress for the replay timeout: re-send everything unacknowledged.
    void OnTimeout();

    uint16_t OldestUnacked() const { return m_oldest; }
    uint16_t NextNew() const { return m_nextNew; }
    /// The stored flit of an unacknowledged sequence number.
    DlFlit& Slot(uint16_t seq) { return *m_bySeq[seq]; }
    const DlFlit& Slot(uint16_t seq) const { return *m_bySeq[seq]; }

  private:
    void Release(uint16_t seq);

    std::array<DlFlit*, kSeqCount + 1> m_bySeq{}; ///< index = sequence number; [0] unused
    std::vector<std::unique_ptr<DlFlit>> m_pool;  ///< owns every flit object
    std::vector<DlFlit*> m_free;                  ///< LIFO: the last released is reused first
    DlFlit* m_building = nullptr;
    uint32_t m_depth = kMaxWindow;
    uint16_t m_oldest = 1;     ///< oldest unacknowledged (== m_nextNew when none)
    uint16_t m_nextNew = 1;    ///< number the next new flit gets
    uint16_t m_replayNext = 1; ///< next number to send; != m_nextNew while replaying
    uint32_t m_unacked = 0;
};

/**
 * Receiver side: accepts flits strictly in sequence, classifies the others, decides when a replay
 * request (one per gap, until the gap is filled) and an acknowledgement are due.
 */
class LlrReceiver
{
  public:
    enum class Verdict : uint8_t
    {
        Accept,        ///< the expected flit
        OutOfSequence, ///< a later flit: one before it was lost; ask for replay
        Duplicate,     ///< an earlier flit we already hold: drop, re-acknowledge
    };

    void Reset();
    Verdict Classify(uint16_t seq) const;
    /// Marks the expected flit accepted; returns its number.
    uint16_t Accept();

    uint16_t Expected() const { return m_expected; }
    uint16_t LastAccepted() const { return m_lastAccepted; }

    /// A gap was seen (CRC failure or out-of-sequence). True when a replay request must go out now
    /// (the first time for this gap).
    bool NoteGap();
    bool ReplayRequestOutstanding() const { return m_gapOpen; }

  private:
    uint16_t m_expected = 1;
    uint16_t m_lastAccepted = kNoSeq;
    bool m_gapOpen = false;
};

} // namespace llr
} // namespace ofab

#endif
