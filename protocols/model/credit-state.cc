#include "ofab/protocols/model/credit-state.h"

namespace ofab
{

uint32_t
BufferSizes::Of(CreditClass c) const
{
    switch (c)
    {
    case CreditClass::RequestCommand:
        return requestCommands;
    case CreditClass::ResponseCommand:
        return responseCommands;
    case CreditClass::RequestData:
        return requestData64B;
    case CreditClass::ResponseData:
        return responseData64B;
    }
    return 0;
}

TxCredits::TxCredits()
{
    Reset();
}

void
TxCredits::Reset()
{
    m_granted.fill(0);
    m_consumed.fill(0);
}

bool
TxCredits::OnGrant(const CreditCounters& released)
{
    // Branch-free so the 16 counters compare in a few vector instructions (once per DL flit).
    uint32_t moved = 0;
    for (std::size_t i = 0; i < released.size(); ++i)
    {
        // Modulo-2^32 "newer than": a stale snapshot never takes credit back.
        const uint32_t newer = static_cast<int32_t>(released[i] - m_granted[i]) > 0 ? 1u : 0u;
        m_granted[i] = newer ? released[i] : m_granted[i];
        moved |= newer;
    }
    return moved != 0;
}

RxBuffers::RxBuffers()
{
    m_occupied.fill(0);
    m_released.fill(0);
}

void
RxBuffers::Reset()
{
    for (uint8_t vc = 0; vc < ualink::kVcCount; ++vc)
    {
        for (uint32_t c = 0; c < kCreditClassCount; ++c)
        {
            const auto cls = static_cast<CreditClass>(c);
            const uint32_t i = CreditIndex(vc, cls);
            const uint32_t size = m_sizes.Of(cls);
            m_released[i] = m_occupied[i] < size ? size - m_occupied[i] : 0;
        }
    }
}

bool
RxBuffers::Occupy(const TlMessage& m)
{
    const ChannelClass cc = m.Class();
    const uint32_t ci = CreditIndex(m.vc, CommandClass(cc));
    const uint32_t di = CreditIndex(m.vc, DataClass(cc));
    m_occupied[ci] += 1;
    m_occupied[di] += ualink::DataCredits(m);
    return m_occupied[ci] <= m_sizes.Of(CommandClass(cc)) && m_occupied[di] <= m_sizes.Of(DataClass(cc));
}

void
RxBuffers::Release(uint8_t vc, ChannelClass cc, uint32_t dataCredits)
{
    const uint32_t ci = CreditIndex(vc, CommandClass(cc));
    const uint32_t di = CreditIndex(vc, DataClass(cc));
    m_occupied[ci] -= 1;
    m_occupied[di] -= dataCredits;
    m_released[ci] += 1;
    m_released[di] += dataCredits;
}

} // namespace ofab
