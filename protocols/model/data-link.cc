#include "ofab/protocols/model/data-link.h"

namespace ofab
{
namespace llr
{

LlrSender::LlrSender()
{
    Reset();
}

void
LlrSender::Reset()
{
    while (m_unacked > 0)
    {
        Release(m_oldest);
        m_oldest = Next(m_oldest);
        --m_unacked;
    }
    m_oldest = 1;
    m_nextNew = 1;
    m_replayNext = 1;
}

void
LlrSender::Release(uint16_t seq)
{
    DlFlit* f = m_bySeq[seq];
    m_bySeq[seq] = nullptr;
    f->messages.clear();
    f->tlBytes = 0;
    f->seq = kNoSeq;
    m_free.push_back(f);
}

DlFlit&
LlrSender::NextSlot()
{
    if (m_building == nullptr)
    {
        if (m_free.empty())
        {
            m_pool.push_back(std::make_unique<DlFlit>()); // warm-up only: bounded by the depth
            m_free.push_back(m_pool.back().get());
        }
        m_building = m_free.back();
        m_free.pop_back();
    }
    return *m_building;
}

uint16_t
LlrSender::Commit()
{
    const uint16_t seq = m_nextNew;
    NextSlot().seq = seq;
    m_bySeq[seq] = m_building;
    m_building = nullptr;
    m_nextNew = Next(m_nextNew);
    m_replayNext = m_nextNew; // a new flit is only built when not replaying
    ++m_unacked;
    return seq;
}

uint16_t
LlrSender::TakeReplay()
{
    const uint16_t seq = m_replayNext;
    m_replayNext = Next(m_replayNext);
    return seq;
}

uint32_t
LlrSender::OnAck(uint16_t seq)
{
    if (seq == kNoSeq || m_unacked == 0)
    {
        return 0;
    }
    const uint32_t d = Distance(m_oldest, seq);
    if (d >= m_unacked)
    {
        return 0; // already acknowledged, or not a number we sent
    }
    // Where the replay pointer stands relative to the window, before the window moves.
    const uint32_t replayOffset = Distance(m_oldest, m_replayNext);
    const uint32_t released = d + 1;
    for (uint32_t i = 0; i < released; ++i)
    {
        Release(m_oldest);
        m_oldest = Next(m_oldest);
    }
    m_unacked -= released;
    if (replayOffset < released)
    {
        m_replayNext = m_oldest; // the receiver already holds what we were about to replay
    }
    return released;
}

bool
LlrSender::OnReplayRequest(uint16_t expected)
{
    if (m_unacked == 0)
    {
        return false;
    }
    const uint32_t d = Distance(m_oldest, expected);
    if (d > m_unacked)
    {
        return false;
    }
    OnAck(Prev(expected)); // no-op when d == 0
    if (m_unacked == 0)
    {
        return false;
    }
    m_replayNext = m_oldest; // go-back-N from the first flit the receiver lacks
    return true;
}

void
LlrSender::OnTimeout()
{
    m_replayNext = m_oldest;
}

void
LlrReceiver::Reset()
{
    m_expected = 1;
    m_lastAccepted = kNoSeq;
    m_gapOpen = false;
}

LlrReceiver::Verdict
LlrReceiver::Classify(uint16_t seq) const
{
    const uint32_t d = Distance(m_expected, seq);
    if (d == 0)
    {
        return Verdict::Accept;
    }
    return d < kMaxWindow ? Verdict::OutOfSequence : Verdict::Duplicate;
}

uint16_t
LlrReceiver::Accept()
{
    m_lastAccepted = m_expected;
    m_expected = Next(m_expected);
    m_gapOpen = false;
    return m_lastAccepted;
}

bool
LlrReceiver::NoteGap()
{
    if (m_gapOpen)
    {
        return false;
    }
    m_gapOpen = true;
    return true;
}

} // namespace llr
} // namespace ofab
