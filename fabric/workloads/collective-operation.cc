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
    const uint32_t step = r.step;
    if (ns3::Simulator::Now().GetTimeStep() >= m_settings.stopTick)
    {
        m_stopped = true; // no new work after the end of the run: the operation stays unfinished
        return;
    }
    if (m_hooks.stepStarted)
    {
        m_hooks.stepStarted(rank, step);
    }
    const int32_t target = m_plan.Target(rank, step);
    r.ownLeft = target == CollectivePlan::kNone ? 0 : m_plan.Writes(rank, step);
    r.toIssue = r.ownLeft;
    r.bytesLeft = m_plan.Bytes(rank, step);
    r.inFlight = 0;
    r.firstId = UINT64_MAX;
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
    const auto dst = static_cast<uint16_t>(m_members[m_plan.Target(rank, r.step)].accelerator);
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
        r.firstId = std::min(r.firstId, id);
    }
    r.issuing = false;
}

bool
CollectiveOperation::IsOurs(const Rank& r, const TransactionRecord& rec) const
{
    // Our writes carry our numbers; the rank's earlier steps ended before this one started, and its
    // endpoint's ids grow, so one of ours from this rank with an id from the step's first on is the
    // current step's. An immediate failure comes inside Issue(), before the id is known.
    return m_running && (r.issuing || (rec.workload == m_settings.workload && rec.operation == m_settings.operation &&
                                       rec.id >= r.firstId));
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
    const bool retry = m_running && m_retried.erase({self, rec.id}) > 0;
    if ((!retry && !IsOurs(r, rec)) || r.ownLeft == 0)
    {
        return;
    }
    if (!retry)
    {
        --r.inFlight;
    }
    --r.ownLeft;
    const auto partner = static_cast<uint32_t>(m_plan.Target(self, r.step));
    ++m_incomingDone[std::size_t{partner} * m_plan.Steps() + r.step];
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
    if (retried == m_retried.end() && !IsOurs(r, rec))
    {
        return;
    }
    // Attempts this write has had: recorded for a re-issued one, the one being issued for an
    // immediate failure inside Reissue(), else none yet.
    const uint32_t attempts = retried != m_retried.end() ? retried->second : (r.issuing ? m_reissueAttempt : 0);
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
                                                      &CollectiveOperation::Reissue, this, self, rec.dst, rec.address,
                                                      rec.bytes, attempts + 1));
        if (!r.issuing)
        {
            IssueMore(self);
        }
        return;
    }
    Finish(CollectiveStatus::Failed, rec.status);
}

void
CollectiveOperation::Reissue(uint32_t rank, uint16_t dst, uint64_t address, uint32_t bytes, uint32_t attempt)
{
    if (!m_running)
    {
        return; // the operation ended meanwhile (another write ran out of retries)
    }
    Rank& r = m_rank[rank];
    r.issuing = true;
    m_reissueAttempt = attempt;
    const uint64_t id = m_members[rank].endpoint->Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes,
                                                                        m_settings.trafficClass, m_settings.workload,
                                                                        m_settings.operation});
    r.issuing = false;
    m_reissueAttempt = 0;
    if (m_running)
    {
        m_retried.emplace(std::make_pair(rank, id), attempt);
    }
}

void
CollectiveOperation::TryAdvance(uint32_t rank)
{
    Rank& r = m_rank[rank];
    const uint32_t steps = m_plan.Steps();
    while (m_running && !m_stopped && r.step < steps && !r.issuing && r.ownLeft == 0 &&
           m_incomingDone[std::size_t{rank} * steps + r.step] == m_plan.ExpectedIn(rank, r.step))
    {
        ++r.step;
        if (r.step == steps)
        {
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
