#include "protocols/model/tl-packer.h"

#include <utility>

namespace ofab
{

using namespace ualink;

void
TlPacker::Reset()
{
    m_pending.clear();
    m_carryBytes = 0;
    m_carryDone.clear();
    m_tlFlitOpen = false;
}

void
TlPacker::Fill(DlFlit& flit, Source& source)
{
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
                TlMessage m = source.Take();
                free -= need;
                any = true;
                // Built in its queue slot: one copy of the message, not a temporary and a copy.
                Pending& p = m_pending.append();
                p.msg = std::move(m);
                p.halfFlitsLeft = DataHalfFlits(p.msg);
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

void
TlPacker::PopCompleted(std::vector<TlMessage>& out)
{
    // Delivery follows header order: a header-only message packed behind a write waits for the
    // write's data, so the receiver never sees a later request before an earlier one.
    while (!m_pending.empty() && m_pending.front().halfFlitsLeft == 0)
    {
        out.push_back(std::move(m_pending.front().msg));
        m_pending.pop_front();
    }
}

void
TlPacker::DrainAll(std::vector<TlMessage>& out)
{
    out.insert(out.end(), m_carryDone.begin(), m_carryDone.end());
    while (!m_pending.empty())
    {
        out.push_back(std::move(m_pending.front().msg));
        m_pending.pop_front();
    }
    Reset();
}

} // namespace ofab
