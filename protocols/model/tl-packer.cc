#include "ofab/protocols/model/tl-packer.h"

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
