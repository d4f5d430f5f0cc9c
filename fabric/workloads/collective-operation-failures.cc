#include "ofab/fabric/workloads/collective-operation.h"

#include "ofab/foundation/kernel/parallel-simulator-impl.h"

// How an operation meets failure: a failed write sent again after a doubling backoff, and, out of
// retries, the failing rank stopping at once and the others when the news reaches them.

namespace ofab
{

void
CollectiveOperation::OnFailed(const TransactionRecord& rec)
{
    const int32_t rank = RankOf(rec.src);
    if (rank < 0)
    {
        return;
    }
    const auto self = static_cast<uint32_t>(rank);
    Rank& r = m_rank[self];
    if (r.stopped)
    {
        return;
    }
    const auto retried = r.retried.find(rec.id);
    OpenStep* o = retried != r.retried.end() ? FindStep(r, retried->second.step) : FindOurs(r, rec);
    if (o == nullptr)
    {
        return;
    }
    // Attempts this write has had: recorded for a re-issued one, the one being issued for an
    // immediate failure inside Reissue(), else none yet.
    const uint32_t attempts =
        retried != r.retried.end() ? retried->second.attempts : (r.issuing ? r.reissueAttempt : 0);
    if (retried != r.retried.end())
    {
        r.retried.erase(retried);
    }
    else if (!(r.issuing && r.reissueAttempt > 0))
    {
        --r.inFlight; // a first attempt ended: the window has room again (a retry is not counted)
    }
    if (attempts < m_settings.retries)
    {
        ++r.retries;
        if (m_hooks.retried)
        {
            RunSerially([this] { m_hooks.retried(); });
        }
        Arm(self, ScheduleForNode(r.context, m_settings.retryBackoff * static_cast<int64_t>(1u << attempts),
                                  &CollectiveOperation::Reissue, this, self, o->step, rec.dst, rec.address, rec.bytes,
                                  attempts + 1));
        if (!r.issuing)
        {
            IssueMore(self);
            TryAdvance(self); // the last write of a step may just have gone out: the next may start
        }
        return;
    }
    Fail(self, rec.status);
}

void
CollectiveOperation::Reissue(uint32_t rank, uint32_t step, uint16_t dst, uint64_t address, uint32_t bytes,
                             uint32_t attempt)
{
    Rank& r = m_rank[rank];
    if (r.stopped)
    {
        return; // the operation ended meanwhile (another write ran out of retries)
    }
    const uint32_t issuingStep = r.issuingStep;
    r.issuing = true;
    r.issuingStep = step; // an immediate failure is this write's
    r.reissueAttempt = attempt;
    const uint64_t id = m_members[rank].endpoint->Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes,
                                                                        m_settings.trafficClass, m_settings.workload,
                                                                        m_settings.operation});
    r.issuing = false;
    r.issuingStep = issuingStep;
    r.reissueAttempt = 0;
    if (!r.stopped)
    {
        r.retried.emplace(id, Retry{attempt, step});
    }
}

void
CollectiveOperation::Fail(uint32_t rank, TransactionStatus failure)
{
    Stop(rank);
    RunSerially([this, rank, failure] {
        if (!m_running)
        {
            return; // another write failed the operation first
        }
        for (uint32_t r = 0; r < m_rank.size(); ++r)
        {
            if (r != rank)
            {
                Arm(r, ScheduleForNode(m_rank[r].context, m_settings.notice, &CollectiveOperation::Stop, this, r));
            }
        }
        Finish(CollectiveStatus::Failed, failure);
    });
}

void
CollectiveOperation::Stop(uint32_t rank)
{
    Rank& r = m_rank[rank];
    r.stopped = true;
    StopListening(rank);
    for (ns3::EventId& e : r.timers)
    {
        e.Cancel(); // its re-issues (this very event is running: cancelling it does nothing)
    }
    r.timers.clear();
}

} // namespace ofab
