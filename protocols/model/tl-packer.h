#ifndef OFAB_PROTOCOLS_MODEL_TL_PACKER_H
#define OFAB_PROTOCOLS_MODEL_TL_PACKER_H

#include "ofab/foundation/ring-queue.h"
#include "ofab/protocols/model/flit.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * Turns the TL messages leaving one port into the TL half-flit stream and cuts that stream into
 * 628-byte DL flit payloads.
 *
 * The stream is a sequence of 32 B half-flits, paired into 64 B TL flits. A control half-flit holds
 * the headers of as many next messages as fit in its 8 four-byte slots (uncompressed request 4,
 * compressed request 2, compressed response 1); the data half-flits of those messages follow it in
 * header order (a partial Write adds its byte-enable half-flit). Messages are delivered in header
 * order. No constant efficiency is applied
 * anywhere: goodput is whatever this packing leaves of 628 / 640.
 *
 * A half-flit that does not fit the rest of a DL flit straddles into the next one; a message is
 * delivered by the DL flit that carries its last byte. When the stream runs dry, the open TL flit is
 * closed with an idle half-flit and the DL flit is padded.
 */
class TlPacker
{
  public:
    /**
     * Where the packer takes messages from. Fill() is a template over any type with PeekSlots()
     * and TakeInto() as below (the port: arbiter + credits + address cache, called directly on the
     * per-flit path); this base class serves sources that would rather override virtuals (tests).
     */
    class Source
    {
      public:
        virtual ~Source() = default;
        /// True when a message may be taken now; `slots` = its header slots.
        virtual bool PeekSlots(uint32_t& slots) = 0;
        /// Takes the message PeekSlots() described (credits consumed, compression decided).
        virtual TlMessage Take() = 0;
        /// Take() into `out`, the packer's own slot for it.
        void TakeInto(TlMessage& out) { out = Take(); }
    };

    struct Stats
    {
        uint64_t controlHalfFlits = 0;
        uint64_t dataHalfFlits = 0;
        uint64_t idleHalfFlits = 0;
        uint64_t headerSlotsUsed = 0;
    };

    void Reset();

    /// Bytes of a started stream still to send (a straddling half-flit, data of packed headers).
    bool HasWork() const { return m_carryBytes > 0 || !m_pending.empty(); }

    /// Builds the payload of one DL flit: `flit.messages`, `flit.tlBytes`. `S` has PeekSlots() and
    /// TakeInto() as Source describes them.
    template <typename S>
    void Fill(DlFlit& flit, S& source);

    /// Messages whose header was packed but which were not completely sent; empties the packer.
    void DrainAll(std::vector<TlMessage>& out);

    const Stats& GetStats() const { return m_stats; }

  private:
    struct Pending
    {
        TlMessage msg;
        uint32_t halfFlitsLeft = 0;
    };

    void PopCompleted(std::vector<TlMessage>& out); ///< moves fully sent head messages to `out`

    RingQueue<Pending> m_pending;       ///< packed messages in header order, data half-flits to go
    uint32_t m_carryBytes = 0;          ///< rest of a half-flit that straddles into the next DL flit
    std::vector<TlMessage> m_carryDone; ///< messages that straddling half-flit completes
    bool m_tlFlitOpen = false;          ///< one half-flit of the current TL flit emitted
    Stats m_stats;
};

template <typename S>
void
TlPacker::Fill(DlFlit& flit, S& source)
{
    using namespace ualink;
    flit.messages.clear();
    flit.tlBytes = 0;
    uint32_t budget = kDlPayloadBytes;
    if (m_carryBytes > 0)
    {
        budget -= m_carryBytes;
        flit.tlBytes += m_carryBytes;
        m_carryBytes = 0;
        flit.messages.insert(flit.messages.end(), m_carryDone.begin(), m_carryDone.end());
        m_carryDone.clear();
    }
    while (budget > 0)
    {
        bool idle = false;
        if (!m_pending.empty())
        {
            Pending& p = m_pending.front();
            const uint32_t whole = budget / kHalfFlitBytes;
            if (whole > 1 && p.halfFlitsLeft > 1)
            {
                // Several data half-flits of one message fit: take them in one step (all but the
                // last one, which goes through the common path below and may complete it).
                const uint32_t n = (p.halfFlitsLeft - 1 < whole - 1) ? p.halfFlitsLeft - 1 : whole - 1;
                p.halfFlitsLeft -= n;
                budget -= n * kHalfFlitBytes;
                flit.tlBytes += n * kHalfFlitBytes;
                m_stats.dataHalfFlits += n;
                m_tlFlitOpen ^= (n & 1) != 0;
            }
            --p.halfFlitsLeft;
            ++m_stats.dataHalfFlits;
            // Completed messages go straight to the flit, or wait for the next one when this
            // half-flit straddles the DL flit boundary.
            PopCompleted(budget >= kHalfFlitBytes ? flit.messages : m_carryDone);
        }
        else
        {
            // A control half-flit: headers of the next messages, in arbitration order, while they fit.
            uint32_t free = kSlotsPerControlHalfFlit;
            uint32_t need = 0;
            bool any = false;
            while (free > 0 && source.PeekSlots(need) && need <= free)
            {
                // Taken straight into its queue slot: one copy of the message.
                Pending& p = m_pending.append();
                source.TakeInto(p.msg);
                p.halfFlitsLeft = DataHalfFlits(p.msg);
                free -= need;
                any = true;
            }
            if (any)
            {
                PopCompleted(budget >= kHalfFlitBytes ? flit.messages : m_carryDone);
                ++m_stats.controlHalfFlits;
                m_stats.headerSlotsUsed += kSlotsPerControlHalfFlit - free;
            }
            else if (m_tlFlitOpen && flit.tlBytes > 0 && budget >= kHalfFlitBytes)
            {
                idle = true; // stream dry mid-TL-flit: close it
                ++m_stats.idleHalfFlits;
            }
            else
            {
                break; // stream dry: the rest of the DL flit is padding
            }
        }
        if (budget >= kHalfFlitBytes)
        {
            budget -= kHalfFlitBytes;
            flit.tlBytes += kHalfFlitBytes;
        }
        else
        {
            m_carryBytes = kHalfFlitBytes - budget;
            flit.tlBytes += budget;
            budget = 0;
        }
        m_tlFlitOpen = !m_tlFlitOpen;
        if (idle)
        {
            break;
        }
    }
}

} // namespace ofab

#endif
