#ifndef OFAB_PROTOCOLS_MODEL_CREDIT_STATE_H
#define OFAB_PROTOCOLS_MODEL_CREDIT_STATE_H

// TL credit flow control, per VC, in four credit classes.
//
// Credits travel as cumulative counters ("the receiver has released N buffers of this class since
// the link came up") rather than increments: a counter that arrives twice, late or not at all
// (its flit was lost and a later one carries a newer value) can never create or leak credit.
// Counters are 32-bit and compared modulo 2^32, so they may wrap during long runs.

#include "ofab/protocols/model/flit.h"

#include <array>
#include <cstdint>

namespace ofab
{

enum class CreditClass : uint8_t
{
    RequestCommand = 0,
    ResponseCommand = 1,
    RequestData = 2,  ///< 64 B buffers
    ResponseData = 3, ///< 64 B buffers
};

constexpr uint32_t kCreditClassCount = 4;

inline CreditClass
CommandClass(ChannelClass c)
{
    return c == ChannelClass::Request ? CreditClass::RequestCommand : CreditClass::ResponseCommand;
}

inline CreditClass
DataClass(ChannelClass c)
{
    return c == ChannelClass::Request ? CreditClass::RequestData : CreditClass::ResponseData;
}

/// One cumulative counter per (VC, credit class): index vc * 4 + class.
using CreditCounters = std::array<uint32_t, ualink::kVcCount * kCreditClassCount>;

inline uint32_t
CreditIndex(uint8_t vc, CreditClass c)
{
    return vc * kCreditClassCount + static_cast<uint32_t>(c);
}

/// Receive buffer sizes of one port, per VC (every VC gets the same).
struct BufferSizes
{
    uint32_t requestCommands = 0;
    uint32_t responseCommands = 0;
    uint32_t requestData64B = 0;
    uint32_t responseData64B = 0;

    uint32_t Of(CreditClass c) const;
};

/// Sender side: what the peer has granted and what we have used, per VC and class.
class TxCredits
{
  public:
    TxCredits();
    void Reset(); ///< link (re)initialisation: zero credits until the peer releases its initial ones

    uint32_t Available(uint8_t vc, CreditClass c) const
    {
        const uint32_t i = CreditIndex(vc, c);
        return m_granted[i] - m_consumed[i];
    }

    uint32_t Granted(uint8_t vc, CreditClass c) const { return m_granted[CreditIndex(vc, c)]; }
    uint32_t Consumed(uint8_t vc, CreditClass c) const { return m_consumed[CreditIndex(vc, c)]; }

    bool CanSend(const TlMessage& m) const
    {
        const ChannelClass cc = m.Class();
        return Available(m.vc, CommandClass(cc)) >= 1 && Available(m.vc, DataClass(cc)) >= ualink::DataCredits(m);
    }

    void Consume(const TlMessage& m)
    {
        const ChannelClass cc = m.Class();
        m_consumed[CreditIndex(m.vc, CommandClass(cc))] += 1;
        m_consumed[CreditIndex(m.vc, DataClass(cc))] += ualink::DataCredits(m);
    }

    /// A grant snapshot from the peer; keeps the newest value of every counter. Returns true when
    /// any counter moved (credits were returned).
    bool OnGrant(const CreditCounters& released);

  private:
    CreditCounters m_granted;
    CreditCounters m_consumed;
};

/// Receiver side: occupancy of our buffers and the cumulative releases we advertise.
class RxBuffers
{
  public:
    RxBuffers();
    void SetSizes(const BufferSizes& s) { m_sizes = s; }
    const BufferSizes& Sizes() const { return m_sizes; }

    /// Link (re)initialisation: everything currently free is released to the peer as initial credit.
    void Reset();

    /// A message arrived and takes buffers. False when it did not fit (the sender broke the
    /// credit contract: counted by the port as an overflow, never expected).
    bool Occupy(const TlMessage& m);
    /// A message left our buffers (forwarded or consumed): its buffers are free again.
    void Release(uint8_t vc, ChannelClass cc, uint32_t dataCredits);

    const CreditCounters& Released() const { return m_released; }
    uint32_t Occupied(uint8_t vc, CreditClass c) const { return m_occupied[CreditIndex(vc, c)]; }

  private:
    BufferSizes m_sizes;
    CreditCounters m_occupied;
    CreditCounters m_released;
};

} // namespace ofab

#endif
