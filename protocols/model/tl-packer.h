#ifndef OFAB_PROTOCOLS_TL_PACKER_H
#define OFAB_PROTOCOLS_TL_PACKER_H

#include "protocols/model/flit.h"
#include "protocols/model/ring-queue.h"

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
    /// Where the packer takes messages from (the port: arbiter + credits + address cache).
    class Source
    {
      public:
        virtual ~Source() = default;
        /// True when a message may be taken now; `slots` = its header slots.
        virtual bool PeekSlots(uint32_t& slots) = 0;
        /// Takes the message PeekSlots() described (credits consumed, compression decided).
        virtual TlMessage Take() = 0;
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

    /// Builds the payload of one DL flit: `flit.messages`, `flit.tlBytes`.
    void Fill(DlFlit& flit, Source& source);

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

    RingQueue<Pending> m_pending;         ///< packed messages in header order, data half-flits to go
    uint32_t m_carryBytes = 0;            ///< rest of a half-flit that straddles into the next DL flit
    std::vector<TlMessage> m_carryDone;   ///< messages that straddling half-flit completes
    bool m_tlFlitOpen = false;            ///< one half-flit of the current TL flit emitted
    Stats m_stats;
};

} // namespace ofab

#endif
