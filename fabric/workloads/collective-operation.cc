#include "ofab/fabric/workloads/collective-operation.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

namespace
{
constexpr uint64_t kWriteBytes = 256;                       ///< a write's size: the UALink maximum request
constexpr uint64_t kAddressWindowBytes = uint64_t{1} << 30; ///< address window written in each partner
} // namespace

CollectiveOperation::CollectiveOperation(CollectivePlan plan, std::vector<Member> members, Settings settings,
                                         Hooks hooks)
    : m_plan(std::move(plan)),
      m_members(std::move(members)),
      m_settings(settings),
      m_hooks(std::move(hooks))
{
    uint32_t top = 0;
    for (const Member& m : m_members)
    {
        top = std::max(top, m.accelerator + 1);
    }
    m_rankOf.assign(top, -1);
    for (uint32_t r = 0; r < m_members.size(); ++r)
    {
        m_rankOf[m_members[r].accelerator] = static_cast<int32_t>(r);
    }
    m_rank.assign(m_members.size(), Rank{});
    m_incomingDone.assign(m_members.size() * m_plan.Steps(), 0);
}

CollectiveOperation::~CollectiveOperation()
{
    for (ns3::EventId& e : m_reissues)
    {
        e.Cancel();
    }
}

int32_t
CollectiveOperation::RankOf(uint32_t accelerator) const
{
    return accelerator < m_rankOf.size() ? m_rankOf[accelerator] : -1;
}

void
CollectiveOperation::Start()
{
    m_running = true;
    m_start = ns3::Simulator::Now();
    for (uint32_t r = 0; r < m_rank.size() && m_running; ++r)
    {
        StartStep(r);
    }
    // A rank with nothing to write or wait for in its first steps (a chain's far end) moves on.
    for (uint32_t r = 0; r < m_rank.size() && m_running; ++r)
    {
        TryAdvance(r);
    }
}

void
CollectiveOperation::StartStep(uint32_t rank)
{
    Rank& r = m_rank[rank];
    if (ns3::Simulator::Now().GetTimeStep() >= m_settings.stopTick)
    {
        m_stopped = true; // no new work after the end of the run: the operation stays unfinished
        return;
    }
    const uint32_t step = r.next++;
    if (m_hooks.stepStarted)
    {
        m_hooks.stepStarted(rank, step);
    }
    const int32_t target = m_plan.Target(rank, step);
    r.issuingStep = step;
    r.toIssue = target == CollectivePlan::kNone ? 0 : m_plan.Writes(rank, step);
    r.bytesLeft = m_plan.Bytes(rank, step);
    if (r.toIssue > 0)
    {
        r.open.push_back(OpenStep{step, UINT64_MAX, UINT64_MAX, r.toIssue});
    }
    IssueMore(rank);
}

void
CollectiveOperation::IssueMore(uint32_t rank)
{
    Rank& r = m_rank[rank];
    if (r.toIssue == 0)
    {
        return; // nothing left to send in this step (or nothing to send at all: no target)
    }
    Member& self = m_members[rank];
    const auto dst = static_cast<uint16_t>(m_members[m_plan.Target(rank, r.issuingStep)].accelerator);
    r.issuing = true;
    while (r.toIssue > 0 && r.inFlight < kWindowWrites && m_running)
    {
        const auto bytes = static_cast<uint32_t>(r.bytesLeft < kWriteBytes ? r.bytesLeft : kWriteBytes);
        r.bytesLeft -= bytes;
        --r.toIssue;
        ++r.inFlight;
        const uint64_t address = *self.nextAddress;
        *self.nextAddress = (address + kWriteBytes) % kAddressWindowBytes;
        *self.issuedBytes += bytes;
        const uint64_t id =
            self.endpoint->Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes,
                                                 m_settings.trafficClass, m_settings.workload, m_settings.operation});
        // The issuing step is the last opened (it stays open until its last write, not yet issued
        // or just issued, completes).
        OpenStep& o = r.open.back();
        o.firstId = std::min(o.firstId, id);
        if (r.toIssue == 0)
        {
            o.lastId = id;
        }
    }
    r.issuing = false;
}

CollectiveOperation::OpenStep*
CollectiveOperation::FindStep(Rank& r, uint32_t step)
{
    for (OpenStep& o : r.open)
    {
        if (o.step == step)
        {
            return &o;
        }
    }
    return nullptr;
}

CollectiveOperation::OpenStep*
CollectiveOperation::FindOurs(Rank& r, const TransactionRecord& rec)
{
    // An immediate failure comes inside Issue(), before the id is known: the issuing step's. Else
    // our writes carry our numbers, and a rank issues its steps one after the other with its
    // endpoint's ids growing, so each open step holds one range of our ids; a step that closed had
    // all its writes complete, so nothing of it comes back.
    if (!m_running)
    {
        return nullptr;
    }
    if (r.issuing)
    {
        return FindStep(r, r.issuingStep);
    }
    if (rec.workload != m_settings.workload || rec.operation != m_settings.operation)
    {
        return nullptr;
    }
    for (OpenStep& o : r.open)
    {
        if (rec.id >= o.firstId && rec.id <= o.lastId)
        {
            return &o;
        }
    }
    return nullptr;
}

void
CollectiveOperation::OnCompleted(const TransactionRecord& rec)
{
    const int32_t rank = RankOf(rec.src);
    if (rank < 0)
    {
        return;
    }
    const auto self = static_cast<uint32_t>(rank);
    Rank& r = m_rank[self];
    const auto retried = m_running ? m_retried.find({self, rec.id}) : m_retried.end();
    const bool retry = retried != m_retried.end();
    OpenStep* o = retry ? FindStep(r, retried->second.step) : FindOurs(r, rec);
    if (retry)
    {
        m_retried.erase(retried);
    }
    if (o == nullptr)
    {
        return;
    }
    if (!retry)
    {
        --r.inFlight;
    }
    const uint32_t step = o->step;
    if (--o->left == 0)
    {
        r.open.erase(r.open.begin() + (o - r.open.data()));
    }
    const auto partner = static_cast<uint32_t>(m_plan.Target(self, step));
    ++m_incomingDone[std::size_t{partner} * m_plan.Steps() + step];
    IssueMore(self);
    TryAdvance(partner);
    TryAdvance(self);
}

void
CollectiveOperation::OnFailed(const TransactionRecord& rec)
{
    const int32_t rank = RankOf(rec.src);
    if (rank < 0 || !m_running)
    {
        return;
    }
    const auto self = static_cast<uint32_t>(rank);
    Rank& r = m_rank[self];
    const auto retried = m_retried.find({self, rec.id});
    OpenStep* o = retried != m_retried.end() ? FindStep(r, retried->second.step) : FindOurs(r, rec);
    if (o == nullptr)
    {
        return;
    }
    // Attempts this write has had: recorded for a re-issued one, the one being issued for an
    // immediate failure inside Reissue(), else none yet.
    const uint32_t attempts =
        retried != m_retried.end() ? retried->second.attempts : (r.issuing ? m_reissueAttempt : 0);
    if (retried != m_retried.end())
    {
        m_retried.erase(retried);
    }
    else if (!(r.issuing && m_reissueAttempt > 0))
    {
        --r.inFlight; // a first attempt ended: the window has room again (a retry is not counted)
    }
    if (attempts < m_settings.retries)
    {
        ++m_retries;
        if (m_hooks.retried)
        {
            m_hooks.retried();
        }
        m_reissues.push_back(ns3::Simulator::Schedule(m_settings.retryBackoff * static_cast<int64_t>(1u << attempts),
                                                      &CollectiveOperation::Reissue, this, self, o->step, rec.dst,
                                                      rec.address, rec.bytes, attempts + 1));
        if (!r.issuing)
        {
            IssueMore(self);
            TryAdvance(self); // the last write of a step may just have gone out: the next may start
        }
        return;
    }
    Finish(CollectiveStatus::Failed, rec.status);
}

void
CollectiveOperation::Reissue(uint32_t rank, uint32_t step, uint16_t dst, uint64_t address, uint32_t bytes,
                             uint32_t attempt)
{
    if (!m_running)
    {
        return; // the operation ended meanwhile (another write ran out of retries)
    }
    Rank& r = m_rank[rank];
    const uint32_t issuingStep = r.issuingStep;
    r.issuing = true;
    r.issuingStep = step; // an immediate failure is this write's
    m_reissueAttempt = attempt;
    const uint64_t id = m_members[rank].endpoint->Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes,
                                                                        m_settings.trafficClass, m_settings.workload,
                                                                        m_settings.operation});
    r.issuing = false;
    r.issuingStep = issuingStep;
    m_reissueAttempt = 0;
    if (m_running)
    {
        m_retried.emplace(std::make_pair(rank, id), Retry{attempt, step});
    }
}

void
CollectiveOperation::TryAdvance(uint32_t rank)
{
    Rank& r = m_rank[rank];
    const uint32_t steps = m_plan.Steps();
    const uint32_t slices = m_plan.Slices();
    while (m_running && !m_stopped && !r.finished && !r.issuing)
    {
        if (r.next == steps)
        {
            // Done once its own writes and the writes into it all completed: the incoming of the
            // last P steps is what no later step of this rank waited for.
            if (!r.open.empty())
            {
                return;
            }
            for (uint32_t t = steps > slices ? steps - slices : 0; t < steps; ++t)
            {
                if (!IncomingDone(rank, t))
                {
                    return;
                }
            }
            r.finished = true;
            if (m_hooks.rankFinished)
            {
                m_hooks.rankFinished(rank);
            }
            if (++m_ranksDone == m_rank.size())
            {
                Finish(CollectiveStatus::Completed, TransactionStatus::Okay);
            }
            return;
        }
        if (r.toIssue > 0 || r.open.size() >= m_plan.InFlight() ||
            (r.next >= slices && !IncomingDone(rank, r.next - slices)))
        {
            return;
        }
        StartStep(rank);
    }
}

void
CollectiveOperation::Finish(CollectiveStatus status, TransactionStatus failure)
{
    m_running = false;
    if (m_hooks.finished)
    {
        m_hooks.finished(status, failure);
    }
}

} // namespace ofab
