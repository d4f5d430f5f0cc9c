// UalinkPort's per-flit paths: transmit (queues, packing, LLR, credits out) and receive (LLR,
// credits in, delivery to the router). Wiring, attributes and link state are in ualink-port.cc.

#include "ofab/protocols/model/ualink-port.h"

#include "ofab/protocols/model/ualink-router.h"

#include "ns3/simulator.h"

namespace ofab
{

// --- transmit -----------------------------------------------------------------------------------

void
UalinkPort::Enqueue(const TlMessage& m, int64_t nowTick)
{
    if (!m_up)
    {
        // The router only picks ports that are up; this is a message racing a link-down.
        std::vector<TlMessage> one{m};
        m_router->OnPortDown(m_index, one);
        return;
    }
    m_peekValid = false;
    m_arbiter.Enqueue(m, nowTick);
    m_queueDepth.Set(static_cast<uint32_t>(m_arbiter.Size()));
}

void
UalinkPort::Kick()
{
    if (m_up && !m_busy)
    {
        TrySend(NowTick());
    }
}

void
UalinkPort::KickAt(int64_t now)
{
    if (m_up && !m_busy)
    {
        TrySend(now);
    }
}

bool
UalinkPort::PeekSlots(uint32_t& slots)
{
    // TrySend asks first and the packer asks again: answer the repeat from the last look as long
    // as nothing changed (same time, no enqueue, no take, no credit grant).
    if (m_peekValid && m_peekTick == m_nowTick)
    {
        slots = m_peekSlots;
        return m_peekFound;
    }
    m_peekValid = true;
    m_peekTick = m_nowTick;
    m_peekFound = false;
    const TlMessage* m = m_arbiter.Peek(m_nowTick, m_txCredits);
    if (m == nullptr)
    {
        return false;
    }
    m_peekFound = true;
    if (m->kind == MessageKind::Request)
    {
        slots = m_cache.WouldCompress(m->dst, m->address) ? ualink::kCompressedRequestSlots
                                                          : ualink::kUncompressedRequestSlots;
    }
    else
    {
        slots = m_compressResponses ? ualink::kCompressedResponseSlots : ualink::kUncompressedResponseSlots;
    }
    m_peekSlots = slots;
    return true;
}

void
UalinkPort::TakeInto(TlMessage& m)
{
    m_peekValid = false;
    m_arbiter.PopInto(m);
    if (m.kind == MessageKind::Request)
    {
        m.compressed = m_cache.Compress(m.dst, m.address);
    }
    m_txCredits.Consume(m);
    m_router->OnMessageLeft(m, m_nowTick); // TakeInto() runs inside TrySend(m_nowTick)
    ++m_stats.messagesSent;
    m_stats.payloadBytesSent += ualink::PayloadBytes(m);
}

void
UalinkPort::NoteStalls(uint32_t mask)
{
    const uint32_t fresh = mask & ~m_stallMask;
    m_stallMask = mask;
    if (fresh == 0)
    {
        return;
    }
    for (uint32_t qc = 0; qc < ualink::kQueueClassCount; ++qc)
    {
        if (fresh & (1u << qc))
        {
            ++m_stats.creditStalls;
            m_creditStallTrace(static_cast<uint8_t>(qc / ualink::kChannelClassCount),
                               static_cast<uint8_t>(qc % ualink::kChannelClassCount));
        }
    }
}

void
UalinkPort::TrySend(int64_t now)
{
    // Now() is a virtual call: callers that know the time pass it; PeekSlots, called many times
    // per flit, reuses it.
    m_nowTick = now;
    if (m_creditIdleMask != 0)
    {
        CloseCreditIdle(now);
    }
    // 1. Link-level retry first: go-back-N re-sends the stored flits in order.
    if (m_llrTx.Replaying())
    {
        const uint16_t seq = m_llrTx.TakeReplay();
        ++m_stats.flitsReplayed;
        m_flitReplayedTrace(seq, m_llrTx.Slot(seq).tlBytes);
        SendFlit(&m_llrTx.Slot(seq), seq);
        return;
    }
    // 2. A new sequenced flit: TL stream in progress, an eligible message, or credits to return.
    uint32_t slots = 0;
    const bool tlReady = m_packer.HasWork() || PeekSlots(slots);
    if (!tlReady)
    {
        NoteStalls(m_arbiter.CreditStalledMask());
        // Nothing may go for want of credit: idle time until the next look (a grant kicks it). The
        // wait for the initial grant is link bring-up, not a shortage.
        m_creditIdleMask = m_creditsGranted ? m_arbiter.CreditStalledClasses() : 0;
        m_creditIdleSinceTick = now;
    }
    const bool creditsDue = m_creditDueTick <= now;
    if (tlReady || creditsDue)
    {
        if (m_llrTx.CanSendNew())
        {
            DlFlit& flit = m_llrTx.NextSlot();
            m_packer.Fill(flit, *this);
            const uint16_t seq = m_llrTx.Commit();
            ++m_stats.flitsSent;
            m_stats.tlBytesSent += flit.tlBytes;
            m_flitSentTrace(seq, flit.tlBytes);
            if (m_llrTx.Unacked() == 1)
            {
                m_lastAckProgressTick = now;
            }
            m_queueDepth.Set(static_cast<uint32_t>(m_arbiter.Size()));
            SendFlit(&flit, seq);
            // Padded while messages lacked credit (a credit-only flit is in the open idle episode).
            if (flit.tlBytes < ualink::kDlPayloadBytes && tlReady && m_busy && m_arbiter.CreditStalledClasses() != 0)
            {
                NoteCreditShortFlit(flit.tlBytes, m_txEndTick - now);
            }
            ArmReplayTimer();
            return;
        }
        ++m_stats.windowStalls; // resumes when an ACK frees the replay buffer
    }
    // 3. Nothing sequenced may go: an unsequenced control flit when an ACK or replay request is due.
    if (m_replayRequestDue || m_ackDueTick <= now)
    {
        ++m_stats.controlFlitsSent;
        m_flitSentTrace(llr::kNoSeq, 0);
        SendFlit(nullptr, llr::kNoSeq);
        return;
    }
    // 4. Idle: wake for the earliest thing that becomes due. What is due already is waiting for
    //    the replay buffer to drain; the ACK that drains it kicks the transmitter.
    int64_t wake = m_ackDueTick > now ? m_ackDueTick : kNever;
    if (m_creditDueTick > now && m_creditDueTick < wake)
    {
        wake = m_creditDueTick;
    }
    if (!tlReady && m_arbiter.Size() > 0 && m_arbiter.NextReadyTick() < wake)
    {
        wake = m_arbiter.NextReadyTick();
    }
    if (wake != kNever)
    {
        ScheduleWake(wake, now);
    }
}

void
UalinkPort::SendFlit(const DlFlit* flit, uint16_t seq)
{
    const OpticalChannel::Transmission tx = m_channel->Transmit(m_end, ualink::kDlFlitBytes);
    if (!tx.sent)
    {
        GoDown(); // the direction is down; its loss-of-signal report is on its way
        return;
    }
    Wire w;
    w.flit = flit;
    w.seq = seq;
    w.ack = m_llrRx.LastAccepted();
    w.replayRequest = m_replayRequestDue ? m_llrRx.Expected() : llr::kNoSeq;
    w.corrupted = tx.corrupted;
    w.epoch = tx.epoch;
    w.linkGeneration = m_linkGeneration;
    w.credits = m_rxBuffers.Released();
    if (m_pausedMask != 0)
    {
        for (uint32_t i = 0; i < w.credits.size(); ++i)
        {
            if (m_pausedMask & (1u << i))
            {
                w.credits[i] = m_pausedCredits[i];
            }
        }
    }
    w.arrivalTick = m_nowTick + tx.arrivalDelay.GetTimeStep();
    // Flits on one direction arrive in the order sent: only the first in line needs an event. On
    // the parallel core the flit goes into this port's own ring, with an arrival event per flit.
    if (!m_outRing.empty())
    {
        m_outRing[m_outTail++ & (m_outRing.size() - 1)] = w;
    }
    else
    {
        m_peer->m_wire.push_back(w);
    }
    if (!m_outRing.empty() || m_peer->m_wire.size() == 1)
    {
        ReusableEvent<UalinkPort, &UalinkPort::OnFlitArrival>::Schedule(m_peer->m_arrivalEvent, tx.arrivalDelay);
    }

    // Everything this header carries is now on its way. Credits count as returned only on a
    // sequenced flit, which link-level retry protects; a control flit carries them as a bonus.
    m_replayRequestDue = false;
    m_acceptedSinceAck = 0;
    m_ackDueTick = kNever;
    if (seq != llr::kNoSeq)
    {
        m_creditDueTick = kNever;
    }

    m_busy = true;
    m_txEndTick = m_nowTick + tx.serialization.GetTimeStep();
    ReusableEvent<UalinkPort, &UalinkPort::TxDone>::Schedule(m_txDoneEvent, tx.serialization);
}

void
UalinkPort::TxDone()
{
    m_busy = false;
    if (m_up)
    {
        TrySend(m_txEndTick);
    }
}

void
UalinkPort::ScheduleWake(int64_t tick, int64_t nowTick)
{
    // m_wakeTick != kNever exactly while a live wake is pending (OnWake and GoDown reset it).
    if (m_wakeTick <= tick)
    {
        return;
    }
    if (m_wakeTick != kNever)
    {
        m_staleWakes.push_back(m_wakeTick); // superseded: its firing will be ignored
    }
    m_wakeTick = tick;
    ReusableEvent<UalinkPort, &UalinkPort::OnWakeEvent>::Schedule(m_wakeEvent, ns3::TimeStep(tick - nowTick));
}

void
UalinkPort::OnWakeEvent()
{
    // At one tick, superseded wakes were scheduled before the live one (there is one live wake at a
    // time and it is always the latest scheduled), so they fire first: consume them in that order.
    if (!m_staleWakes.empty())
    {
        const int64_t now = NowTick();
        for (std::size_t i = 0; i < m_staleWakes.size(); ++i)
        {
            if (m_staleWakes[i] == now)
            {
                m_staleWakes[i] = m_staleWakes.back();
                m_staleWakes.pop_back();
                return;
            }
        }
    }
    OnWake();
}

void
UalinkPort::OnWake()
{
    m_wakeTick = kNever;
    Kick();
}

void
UalinkPort::ArmReplayTimer()
{
    // A flag, not EventId::IsRunning(): this runs for every DL flit sent.
    if (!m_replayTimerArmed)
    {
        m_replayTimerArmed = true;
        m_replayTimer = ScheduleForNode(GetContext(), m_replayTimeout, &UalinkPort::OnReplayTimer, this);
    }
}

void
UalinkPort::OnReplayTimer()
{
    m_replayTimerArmed = false;
    if (!m_up || m_llrTx.Unacked() == 0)
    {
        return;
    }
    const int64_t now = NowTick();
    const int64_t due = m_lastAckProgressTick + m_replayTimeout.GetTimeStep();
    if (now >= due)
    {
        ++m_stats.replayTimeouts;
        m_llrTx.OnTimeout();
        m_lastAckProgressTick = now;
        m_replayTimerArmed = true;
        m_replayTimer = ScheduleForNode(GetContext(), m_replayTimeout, &UalinkPort::OnReplayTimer, this);
        Kick();
        return;
    }
    m_replayTimerArmed = true;
    m_replayTimer = ScheduleForNode(GetContext(), ns3::TimeStep(due - now), &UalinkPort::OnReplayTimer, this);
}

// --- receive ------------------------------------------------------------------------------------

void
UalinkPort::OnFlitArrival()
{
    const std::vector<Wire>& ring = m_peer->m_outRing;
    Wire w;
    if (!ring.empty())
    {
        w = ring[m_inHead++ & (ring.size() - 1)];
    }
    else
    {
        w = m_wire.front();
        m_wire.pop_front();
        if (!m_wire.empty())
        {
            ReusableEvent<UalinkPort, &UalinkPort::OnFlitArrival>::Schedule(
                m_arrivalEvent, ns3::TimeStep(m_wire.front().arrivalTick - w.arrivalTick));
        }
    }
    const int64_t now = w.arrivalTick; // this event runs exactly then: no Now() call needed
    if (!m_up || w.linkGeneration != m_linkGeneration || !m_channel->IsDelivered(1 - m_end, w.epoch))
    {
        ++m_stats.lostInFlight;
        m_flitReceivedTrace(w.seq, DlRxOutcome::LostInFlight);
        return;
    }
    if (w.corrupted)
    {
        // The CRC failed: nothing in the flit, header included, can be trusted.
        ++m_stats.crcErrors;
        m_flitReceivedTrace(w.seq, DlRxOutcome::CrcError);
        if (m_llrRx.NoteGap())
        {
            m_replayRequestDue = true;
            ++m_stats.replayRequestsSent;
            KickAt(now);
        }
        return;
    }

    // Header: cumulative ACK, replay request, cumulative credits.
    bool kick = false;
    if (m_llrTx.OnAck(w.ack) > 0)
    {
        m_lastAckProgressTick = now;
        kick = true;
    }
    if (w.replayRequest != llr::kNoSeq && m_llrTx.OnReplayRequest(w.replayRequest))
    {
        ++m_stats.replayRequestsHonoured;
        m_lastAckProgressTick = now;
        kick = true;
    }
    if (m_txCredits.OnGrant(w.credits))
    {
        m_creditsGranted = true;
        m_peekValid = false;
        kick = true;
    }

    if (w.seq == llr::kNoSeq)
    {
        ++m_stats.controlFlitsReceived;
        m_flitReceivedTrace(w.seq, DlRxOutcome::Control);
    }
    else
    {
        switch (m_llrRx.Classify(w.seq))
        {
        case llr::LlrReceiver::Verdict::Accept:
            m_llrRx.Accept();
            ++m_stats.flitsAccepted;
            m_flitReceivedTrace(w.seq, DlRxOutcome::Accepted);
            NoteAccepted(now);
            Deliver(*w.flit, now);
            break;
        case llr::LlrReceiver::Verdict::OutOfSequence:
            ++m_stats.outOfSequence;
            m_flitReceivedTrace(w.seq, DlRxOutcome::OutOfSequence);
            if (m_llrRx.NoteGap())
            {
                m_replayRequestDue = true;
                ++m_stats.replayRequestsSent;
            }
            break;
        case llr::LlrReceiver::Verdict::Duplicate:
            ++m_stats.duplicates;
            m_flitReceivedTrace(w.seq, DlRxOutcome::Duplicate);
            m_ackDueTick = now; // the sender is replaying what we hold: tell it at once
            break;
        }
        kick = true;
    }
    if (kick)
    {
        KickAt(now);
    }
}

void
UalinkPort::NoteAccepted(int64_t now)
{
    ++m_acceptedSinceAck;
    if (m_acceptedSinceAck >= m_ackEveryFlits)
    {
        m_ackDueTick = now;
    }
    else if (m_acceptedSinceAck == 1)
    {
        m_ackDueTick = now + m_ackDelay.GetTimeStep();
    }
}

void
UalinkPort::Deliver(const DlFlit& flit, int64_t nowTick)
{
    for (const TlMessage& arrived : flit.messages)
    {
        TlMessage m = arrived;
        if (!m_rxBuffers.Occupy(m))
        {
            ++m_stats.bufferOverflows;
        }
        m.inPort = m_index;
        m.inVc = m.vc;
        m.inputReleased = false; // it holds the buffers it just took here
        ++m.hops;
        ++m_stats.messagesReceived;
        m_stats.payloadBytesReceived += ualink::PayloadBytes(m);
        m_messageReceivedTrace(m);
        m_router->Receive(*this, m, nowTick);
    }
    m_router->FlushKicks();
}

void
UalinkPort::ReleaseRxCredits(uint8_t vc, ChannelClass cc, uint32_t dataCredits, int64_t nowTick)
{
    m_rxBuffers.Release(vc, cc, dataCredits);
    if (m_up && m_pausedMask != kAllCredits && m_creditDueTick == kNever)
    {
        const int64_t now = nowTick >= 0 ? nowTick : NowTick();
        m_creditDueTick = now + m_creditReturnDelay.GetTimeStep();
        if (!m_busy)
        {
            ScheduleWake(m_creditDueTick, now); // when busy, the end of the flit looks at it
        }
    }
}

} // namespace ofab
