#ifndef OFAB_PROTOCOLS_MODEL_OUTPUT_ARBITER_H
#define OFAB_PROTOCOLS_MODEL_OUTPUT_ARBITER_H

#include "ofab/foundation/ring-queue.h"
#include "ofab/protocols/model/credit-state.h"
#include "ofab/protocols/model/flit.h"

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace ofab
{

/**
 * The TL messages waiting for one output port, and the arbiter that picks the next one.
 *
 * Messages wait in one FIFO per (VC, channel family, input): a message still occupies the buffer
 * of the input it came from (its credits are released when it leaves), so this is virtual output
 * queueing with per-input, per-VC buffers. FIFO order inside a queue is what keeps requests to one
 * 256 B region on one VC in order; nothing overtakes inside a queue.
 *
 * Arbitration is oldest first: of the queue heads that may go (ready time come, enough credits
 * granted by the downstream receiver), the one whose transaction entered the fabric earliest
 * (TlMessage::bornNs; a response carries its request's age). Equal ages go round robin over the
 * inputs, then over the 8 (VC, family) classes of that input. Only heads compete, so FIFO order
 * inside a queue (requests to one 256 B region on one VC) is kept.
 *
 * Why age, not round robin: round robin is fair per output, not per flow. On a torus past
 * saturation (8 x 8, 256 B writes at 0.9 of a port) the rows just past a dateline starved: there the
 * through traffic of a ring splits over two VCs and the turning and injected traffic competes with
 * both, so round robin over classes or inputs gave some flows a share below their demand; their
 * VC 0 buffers filled back along the ring to the sources' tags, whole x-rings fell idle, and
 * accepted throughput dropped to 62 % of the peak (0.43 of a port against 0.70), with transactions
 * reaching the completion timeout. Oldest first serves every flow in the order it arrived at the
 * fabric, which bounds every message's wait: the same run holds 99 % of the peak. Age-based
 * arbitration is what large HPC fabrics use for the same reason.
 *
 * A message is stored once, in its FIFO. A small "becomes ready" record (time, queue) waits in a
 * pending FIFO (ready times arrive in order when the forwarding latency is constant, the common
 * case) or, out of order, in a heap; when its time comes the queue's ready count goes up. The
 * arbiter looks only at inputs with ready messages (a bitmap), so picking is O(ready queue heads +
 * bitmap words), and the earliest ready time is the smaller of two heads.
 *
 * Memory: a queue exists only for an (input, class) pair that has carried a message (a dense
 * index maps the pair to it), and the messages of all queues are linked nodes of one shared pool,
 * so an output of a 1024-port switch costs little more than the messages it actually holds.
 */
class OutputArbiter
{
  public:
    OutputArbiter();

    /// Adds a message that leaves no earlier than m.readyTick (`nowTick`: the current time).
    void Enqueue(const TlMessage& m, int64_t nowTick);

    /// The next eligible message, or nullptr. Does not remove it: PopInto() does, so a message that does
    /// not fit the half-flit being built stays first in line.
    const TlMessage* Peek(int64_t nowTick, const TxCredits& credits);
    /// Removes the message the last Peek() returned, copying it to `out`.
    void PopInto(TlMessage& out);

    /// After a Peek() that returned nullptr: the earliest time a waiting message becomes ready
    /// (INT64_MAX when none).
    int64_t NextReadyTick() const { return m_nextPendingTick; }
    /// After Peek(): bit qc set when a ready head of class qc was held back for lack of credits.
    uint32_t CreditStalledMask() const { return m_stalledMask; }
    /// After Peek(): bit CreditIndex(vc, credit class) set for each kind of credit a held-back ready
    /// head lacked (command, data or both), so a command-bound link is told from a data-bound one.
    uint32_t CreditStalledClasses() const { return m_stalledCredits; }

    /// The queue head whose ready time came earliest (it has waited longest), among heads ready at
    /// `nowTick`; nullptr when none. Scans every queue head: for samplers, not the per-flit path.
    const TlMessage* OldestReadyHead(int64_t nowTick) const;

    std::size_t Size() const { return m_total; }

    /// Every waiting message, in FIFO order per queue; the arbiter is empty afterwards.
    void DrainAll(std::vector<TlMessage>& out);

  private:
    static constexpr uint32_t kNil = 0xFFFFFFFF;

    struct Pending
    {
        int64_t readyTick;
        uint64_t order; ///< arrival order: ties keep FIFO order
        uint32_t queue; ///< index into m_queues
    };
    struct Later
    {
        bool operator()(const Pending& a, const Pending& b) const
        {
            return a.readyTick != b.readyTick ? a.readyTick > b.readyTick : a.order > b.order;
        }
    };
    /// One (class, input) FIFO, created on first use: a linked list of nodes in the shared pool.
    struct Queue
    {
        uint32_t head = kNil;
        uint32_t tail = kNil;
        uint32_t ready = 0; ///< ready prefix length
        uint32_t slot = 0;
        uint32_t qc = 0;
    };
    struct Node
    {
        TlMessage m;
        uint32_t next;
    };

    void Promote(int64_t nowTick); ///< counts every message whose time has come as ready
    void MarkReady(uint32_t queue);
    static uint32_t SlotOf(uint16_t inPort) { return inPort == ualink::kLocalInput ? 0 : inPort + 1u; }
    void EnsureSlot(uint32_t slot);
    /// The queue of (class, slot), created when missing.
    uint32_t QueueOf(uint32_t qc, uint32_t slot);
    /// First slot with ready messages at or after `from` (wrapping); -1 when none.
    int NextReady(uint32_t from) const;

    uint32_t m_slots = 0;               ///< inputs known so far (grows as new inputs send)
    std::vector<uint32_t> m_index;      ///< slot * kQueueClassCount + qc -> index into m_queues, or kNil
    std::vector<Queue> m_queues;        ///< only the (class, input) pairs that were ever used
    std::vector<Node> m_pool;           ///< queued messages of every queue
    uint32_t m_free = kNil;             ///< free list of m_pool
    std::vector<uint64_t> m_readyBits;  ///< slots with a ready message in any class
    std::vector<uint8_t> m_slotClasses; ///< per slot: bit qc set while its class qc queue has ready messages
    std::vector<uint8_t> m_rrClass;     ///< per slot: the class it serves first next time
    uint32_t m_rrInput = 0;             ///< the slot served first next time
    uint32_t m_readySlots = 0;          ///< slots with a ready message (bits set in m_readyBits)
    std::size_t m_total = 0;
    RingQueue<Pending> m_pending; ///< ready times non-decreasing
    std::vector<Pending> m_heap;  ///< arrived out of order (push_heap / pop_heap with Later)
    uint64_t m_order = 0;
    int64_t m_nextPendingTick = std::numeric_limits<int64_t>::max();

    // the last Peek()
    uint32_t m_pickQueue = 0;
    uint32_t m_stalledMask = 0;
    uint32_t m_stalledCredits = 0;
};

} // namespace ofab

#endif
