#include "ofab/fabric/workloads/collective-operation.h"

#include "ofab/foundation/kernel/parallel-simulator-impl.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

namespace
{
constexpr uint64_t kWriteBytes = 256; ///< a write's size: the UALink maximum request
/// Address space each rank's cursor wraps in (in every partner); an operation in which a rank writes
/// more takes a window of the next power of two above its writes.
constexpr uint64_t kAddressWindowBytes = uint64_t{1} << 30;
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
    const uint32_t steps = m_plan.Steps();
    m_rank.assign(m_members.size(), Rank{});
    m_incomingDone.assign(m_members.size() * steps, 0);
    m_writesBefore.assign(m_members.size() * (std::size_t{steps} + 1), 0);
    uint64_t most = 0;
    for (uint32_t r = 0; r < m_members.size(); ++r)
    {
        uint64_t* before = &m_writesBefore[std::size_t{r} * (steps + 1)];
        for (uint32_t s = 0; s < steps; ++s)
        {
            before[s + 1] = before[s] + (m_plan.Target(r, s) == CollectivePlan::kNone ? 0 : m_plan.Writes(r, s));
        }
        most = std::max(most, before[steps]);
    }
    m_window = kAddressWindowBytes;
    while (m_window < most * kWriteBytes)
    {
        m_window <<= 1;
    }
    // Each rank takes its range now, so that its writes' addresses tell the partners their step
    // whatever else it writes meanwhile (another operation of a graph).
    for (uint32_t r = 0; r < m_members.size(); ++r)
    {
        Member& m = m_members[r];
        m_rank[r].context = m.endpoint->GetContext();
        m_rank[r].base = *m.nextAddress;
        const uint64_t total = m_writesBefore[std::size_t{r} * (steps + 1) + steps];
        *m.nextAddress = (*m.nextAddress + total * kWriteBytes) % kAddressWindowBytes;
        m_endpoints.emplace_back(m.endpoint);
        m.endpoint->TraceConnectWithoutContext("RequestServed",
                                               ns3::MakeCallback(&CollectiveOperation::OnServed, this));
        m_rank[r].listening = true; // members are distinct accelerators: one endpoint each
    }
}

CollectiveOperation::~CollectiveOperation()
{
    for (Rank& r : m_rank)
    {
        for (ns3::EventId& e : r.timers)
        {
            e.Cancel();
        }
    }
    for (uint32_t r = 0; r < m_rank.size(); ++r)
    {
        StopListening(r);
    }
}

void
CollectiveOperation::StopListening(uint32_t rank)
{
    if (ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current(); core != nullptr && core->InNodeEvent())
    {
        // On the parallel core a node event leaves trace lists alone (ThreadSanitizer saw a served
        // request's callbacks change under another thread once in ten runs of an OCS fabric): the
        // operation disconnects when it goes, in a global event.
        return;
    }
    if (m_rank[rank].listening)
    {
        m_rank[rank].listening = false;
        m_members[rank].endpoint->TraceDisconnectWithoutContext(
            "RequestServed", ns3::MakeCallback(&CollectiveOperation::OnServed, this));
    }
}

uint32_t
CollectiveOperation::Retries() const
{
    uint32_t n = 0;
    for (const Rank& r : m_rank)
    {
        n += r.retries;
    }
    return n;
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
    for (uint32_t r = 0; r < m_rank.size(); ++r)
    {
        Arm(r, ScheduleForNode(m_rank[r].context, ns3::TimeStep(0), &CollectiveOperation::Join, this, r));
    }
}

void
CollectiveOperation::Arm(uint32_t rank, ns3::EventId timer)
{
    Rank& r = m_rank[rank];
    std::vector<ns3::EventId>& timers = r.timers;
    if (timers.size() >= r.pruneAt)
    {
        // Keep only the pending ones (a long operation schedules one per step), at a cost per timer
        // that does not grow with how many are pending.
        timers.erase(std::remove_if(timers.begin(), timers.end(), [](const ns3::EventId& e) { return e.IsExpired(); }),
                     timers.end());
        r.pruneAt = std::max<std::size_t>(8, 2 * timers.size());
    }
    timers.push_back(std::move(timer));
}

void
CollectiveOperation::Join(uint32_t rank)
{
    if (!m_rank[rank].stopped)
    {
        StartStep(rank);
        // A rank with nothing to write or wait for in its first steps (a chain's far end) moves on.
        TryAdvance(rank);
    }
}

void
CollectiveOperation::Abandon()
{
    m_running = false;
    for (uint32_t r = 0; r < m_rank.size(); ++r)
    {
        m_rank[r].stopped = true;
        StopListening(r);
    }
}

void
CollectiveOperation::StartStep(uint32_t rank)
{
    Rank& r = m_rank[rank];
    if (ns3::Simulator::Now().GetTimeStep() >= m_settings.stopTick)
    {
        r.stopped = true; // no new work after the end of the run: the operation stays unfinished
        return;
    }
    const uint32_t step = r.next++;
    if (m_hooks.stepStarted)
    {
        RunSerially([this, rank, step] { m_hooks.stepStarted(rank, step); });
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
    while (r.toIssue > 0 && r.inFlight < kWindowWrites && !r.stopped)
    {
        const auto bytes = static_cast<uint32_t>(r.bytesLeft < kWriteBytes ? r.bytesLeft : kWriteBytes);
        r.bytesLeft -= bytes;
        --r.toIssue;
        ++r.inFlight;
        const uint64_t address = (r.base + r.issued++ * kWriteBytes) % m_window;
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
    if (r.stopped)
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
    const auto retried = r.stopped ? r.retried.end() : r.retried.find(rec.id);
    const bool retry = retried != r.retried.end();
    OpenStep* o = retry ? FindStep(r, retried->second.step) : FindOurs(r, rec);
    if (retry)
    {
        r.retried.erase(retried);
    }
    if (o == nullptr)
    {
        return;
    }
    if (!retry)
    {
        --r.inFlight;
    }
    if (--o->left == 0)
    {
        r.open.erase(r.open.begin() + (o - r.open.data()));
    }
    IssueMore(self);
    TryAdvance(self);
}

uint32_t
CollectiveOperation::StepOfWrite(uint32_t rank, uint64_t index) const
{
    const auto first = m_writesBefore.begin() + static_cast<std::ptrdiff_t>(std::size_t{rank} * (m_plan.Steps() + 1));
    return static_cast<uint32_t>(std::upper_bound(first, first + m_plan.Steps() + 1, index) - first) - 1;
}

void
CollectiveOperation::OnServed(const TlMessage& m)
{
    if (m.operation != m_settings.operation || m.workload != m_settings.workload ||
        m.status != TransactionStatus::Okay || m.txnKind != TransactionKind::WriteFull)
    {
        return;
    }
    const int32_t from = RankOf(m.src);
    const int32_t to = RankOf(m.dst);
    if (from < 0 || to < 0)
    {
        return;
    }
    const auto src = static_cast<uint32_t>(from);
    const auto self = static_cast<uint32_t>(to);
    const uint64_t index = ((m.address + m_window - m_rank[src].base) % m_window) / kWriteBytes;
    if (index >= m_writesBefore[std::size_t{src} * (m_plan.Steps() + 1) + m_plan.Steps()])
    {
        return; // not a write of this operation's ranges
    }
    const uint32_t step = StepOfWrite(src, index);
    if (m_plan.Target(src, step) != to)
    {
        return;
    }
    Rank& r = m_rank[self];
    uint32_t& done = m_incomingDone[std::size_t{self} * m_plan.Steps() + step];
    if (done == m_plan.ExpectedIn(self, step))
    {
        return; // the step's writes all landed: this one again (sent again, its response was lost)
    }
    if (m_settings.retries > 0)
    {
        // Only a write issued again can land twice (its first attempt landed, its response was lost).
        auto& seen = r.landed[step];
        if (!seen.insert((uint64_t{src} << 40) | index).second)
        {
            return;
        }
        if (seen.size() == m_plan.ExpectedIn(self, step))
        {
            r.landed.erase(step);
        }
    }
    if (++done == m_plan.ExpectedIn(self, step))
    {
        // The step's data is all here: the rank may go on, in an event of its own (this is inside
        // the completer's handling of the request, which must not issue meanwhile).
        Arm(self, ScheduleForNode(r.context, ns3::TimeStep(0), &CollectiveOperation::TryAdvance, this, self));
    }
}

void
CollectiveOperation::TryAdvance(uint32_t rank)
{
    Rank& r = m_rank[rank];
    const uint32_t steps = m_plan.Steps();
    const uint32_t slices = m_plan.Slices();
    while (!r.stopped && !r.finished && !r.issuing)
    {
        if (r.next == steps)
        {
            // Done once its own writes completed and the writes into it all landed: the incoming
            // of the last P steps is what no later step of this rank waited for.
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
            StopListening(rank); // all it waited for landed; what lands again is not counted anyway
            RunSerially([this, rank] { RankFinished(rank); });
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
CollectiveOperation::RankFinished(uint32_t rank)
{
    if (!m_running)
    {
        return; // the operation failed before: the rank finished what was left unheeded
    }
    if (m_hooks.rankFinished)
    {
        m_hooks.rankFinished(rank);
    }
    if (++m_ranksDone == m_rank.size())
    {
        Finish(CollectiveStatus::Completed, TransactionStatus::Okay);
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
