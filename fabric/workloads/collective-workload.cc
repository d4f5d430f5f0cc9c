#include "ofab/fabric/workloads/collective-workload.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <string>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(CollectiveWorkload);

namespace
{
constexpr uint64_t kWindowBytes = uint64_t{1} << 30; ///< address window written in each partner
} // namespace

ns3::TypeId
CollectiveWorkload::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::CollectiveWorkload")
            .SetParent<Workload>()
            .SetGroupName("Ofab")
            .AddConstructor<CollectiveWorkload>()
            .AddAttribute("Algorithm",
                          "ring_allreduce, halving_doubling_allreduce (power-of-two ranks), "
                          "allgather, reduce_scatter, alltoall (pairwise exchange).",
                          EnumValue(RING_ALLREDUCE), MakeEnumAccessor(&CollectiveWorkload::m_algorithm),
                          MakeEnumChecker(RING_ALLREDUCE, "ring_allreduce", HALVING_DOUBLING_ALLREDUCE,
                                          "halving_doubling_allreduce", ALLGATHER, "allgather", REDUCE_SCATTER,
                                          "reduce_scatter", ALLTOALL, "alltoall"))
            .AddAttribute("Bytes",
                          "S in bytes, the nccl-tests size: the buffer per rank for all-reduce, the "
                          "total output (allgather) or input (reduce_scatter) size, the send buffer per rank "
                          "(alltoall: S/N to each rank). Steps are rounded "
                          "up to whole 64 B beats.",
                          UintegerValue(1 << 20), MakeUintegerAccessor(&CollectiveWorkload::m_bytes),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Repetitions", "How many times the operation runs, one after the other (>= 1).",
                          UintegerValue(1), MakeUintegerAccessor(&CollectiveWorkload::m_repetitions),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Gap", "Time between the end of one repetition and the start of the next.",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&CollectiveWorkload::m_gap), MakeTimeChecker())
            .AddAttribute("Ranks", "Ranks taking part: the accelerators 0..Ranks-1 (0 = all).", UintegerValue(0),
                          MakeUintegerAccessor(&CollectiveWorkload::m_ranksAttr), MakeUintegerChecker<uint32_t>())
            .AddAttribute("TrafficClass", "UALink traffic class 0 or 1 of the writes (VC = 2 x class).",
                          UintegerValue(0), MakeUintegerAccessor(&CollectiveWorkload::m_trafficClass),
                          MakeUintegerChecker<uint8_t>())
            .AddAttribute("Retries",
                          "A write that fails (link down, completion timeout) is issued again up to this "
                          "many times, after RetryBackoff x 2^(attempt-1), as an end-to-end retrying "
                          "transport would; 0: the first failure fails the repetition.",
                          UintegerValue(0), MakeUintegerAccessor(&CollectiveWorkload::m_retries),
                          MakeUintegerChecker<uint32_t>(0, 16))
            .AddAttribute("RetryBackoff", "Wait before the first retry of a failed write; doubles with each attempt.",
                          TimeValue(MicroSeconds(1)), MakeTimeAccessor(&CollectiveWorkload::m_retryBackoff),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("StepStarted", "A rank started a step: repetition, rank, step.",
                            MakeTraceSourceAccessor(&CollectiveWorkload::m_stepTrace),
                            "ofab::CollectiveWorkload::StepTracedCallback")
            .AddTraceSource("RankFinished",
                            "A rank finished its last step (its own and its incoming writes all completed): "
                            "repetition, rank.",
                            MakeTraceSourceAccessor(&CollectiveWorkload::m_rankTrace),
                            "ofab::CollectiveWorkload::RankTracedCallback")
            .AddTraceSource("OperationFinished", "A repetition completed or failed (its CollectiveResult).",
                            MakeTraceSourceAccessor(&CollectiveWorkload::m_operationTrace),
                            "ofab::CollectiveWorkload::OperationTracedCallback");
    return tid;
}

CollectiveWorkload::CollectiveWorkload()
    : m_algorithm(RING_ALLREDUCE),
      m_bytes(1 << 20),
      m_repetitions(1),
      m_gap(ns3::Seconds(0)),
      m_ranksAttr(0),
      m_trafficClass(0)
{
}

void
CollectiveWorkload::DoDispose()
{
    m_nextRepetition.Cancel();
    for (const auto& e : m_endpoints)
    {
        e->TraceDisconnectWithoutContext("TransactionCompleted",
                                         ns3::MakeCallback(&CollectiveWorkload::OnCompleted, this));
        e->TraceDisconnectWithoutContext("TransactionFailed", ns3::MakeCallback(&CollectiveWorkload::OnFailed, this));
    }
    m_endpoints.clear();
    m_all.clear();
    m_rank.clear();
    Workload::DoDispose();
}

void
CollectiveWorkload::Install(const WorkloadContext& ctx)
{
    ValidateFor(ctx);
    const auto n =
        static_cast<uint32_t>(ctx.rankAccelerators.empty() ? ctx.endpoints.size() : ctx.rankAccelerators.size());
    m_ranks = m_ranksAttr == 0 ? n : m_ranksAttr;
    m_stopTick = ctx.stopTime.IsStrictlyPositive() ? ctx.stopTime.GetTimeStep() : INT64_MAX;
    BuildSchedule();
    m_rank.assign(m_ranks, Rank{});
    m_incomingDone.assign(static_cast<std::size_t>(m_ranks) * m_stepBytes.size(), 0);
    m_all = ctx.endpoints;
    std::vector<uint32_t> placement(m_ranks);
    for (uint32_t r = 0; r < m_ranks; ++r)
    {
        placement[r] = ctx.rankAccelerators.empty() ? r : ctx.rankAccelerators[r];
        m_rank[r].step = GetStepCount();
    }
    Place(placement);
    if (m_name.empty())
    {
        m_name = AlgorithmName(static_cast<Algorithm>(m_algorithm));
    }
    m_nextRepetition = ns3::Simulator::Schedule(DelayToStart(), &CollectiveWorkload::StartRepetition, this);
}

int64_t
CollectiveWorkload::AssignStreams(int64_t /*stream*/)
{
    return 0; // deterministic
}

void
CollectiveWorkload::Place(const std::vector<uint32_t>& accelerators)
{
    m_accel = accelerators;
    m_rankOf.assign(m_all.size(), -1);
    for (uint32_t r = 0; r < m_ranks; ++r)
    {
        const uint32_t a = accelerators[r];
        m_rankOf[a] = static_cast<int32_t>(r);
        m_rank[r].endpoint = ns3::PeekPointer(m_all[a]);
        if (std::find(m_endpoints.begin(), m_endpoints.end(), m_all[a]) == m_endpoints.end())
        {
            m_endpoints.push_back(m_all[a]);
            m_all[a]->TraceConnectWithoutContext("TransactionCompleted",
                                                 ns3::MakeCallback(&CollectiveWorkload::OnCompleted, this));
            m_all[a]->TraceConnectWithoutContext("TransactionFailed",
                                                 ns3::MakeCallback(&CollectiveWorkload::OnFailed, this));
        }
    }
}

void
CollectiveWorkload::Relocate(const std::vector<uint32_t>& accelerators)
{
    if (accelerators.size() != m_ranks)
    {
        throw ParameterError("Ranks", "relocating " + std::to_string(m_ranks) + " ranks onto " +
                                          std::to_string(accelerators.size()) + " accelerators");
    }
    std::vector<bool> used(m_all.size(), false);
    for (uint32_t a : accelerators)
    {
        if (a >= m_all.size() || used[a])
        {
            throw ParameterError("Ranks", "relocating onto accelerator " + std::to_string(a) +
                                              (a >= m_all.size() ? ", which does not exist" : " twice"));
        }
        used[a] = true;
    }
    m_nextPlacement = accelerators;
}

void
CollectiveWorkload::Hold()
{
    m_held = true;
}

void
CollectiveWorkload::Release()
{
    m_held = false;
    if (m_startDue)
    {
        m_startDue = false;
        m_nextRepetition = ns3::Simulator::ScheduleNow(&CollectiveWorkload::StartRepetition, this);
    }
}

void
CollectiveWorkload::StartRepetition()
{
    if (ns3::Simulator::Now().GetTimeStep() >= m_stopTick)
    {
        return; // no new work after the end of the run
    }
    if (m_held)
    {
        m_startDue = true;
        return;
    }
    if (!m_nextPlacement.empty())
    {
        Place(m_nextPlacement);
        m_nextPlacement.clear();
    }
    m_running = true;
    m_stopped = false;
    m_repStart = ns3::Simulator::Now();
    m_ranksDone = 0;
    m_retried.clear();
    m_retriesThisRep = 0;
    std::fill(m_incomingDone.begin(), m_incomingDone.end(), 0);
    for (Rank& r : m_rank)
    {
        r.step = 0;
        r.firstId = 0;
        r.lastId = 0;
    }
    for (uint32_t r = 0; r < m_ranks && m_running; ++r)
    {
        StartStep(r);
    }
}

void
CollectiveWorkload::StartStep(uint32_t rank)
{
    Rank& r = m_rank[rank];
    const uint32_t step = r.step;
    if (ns3::Simulator::Now().GetTimeStep() >= m_stopTick)
    {
        m_stopped = true; // no new work after the end of the run: the repetition stays unfinished
        return;
    }
    m_stepTrace(m_repetition, rank, step);
    const auto dst = static_cast<uint16_t>(m_accel[Partner(rank, step)]);
    const uint32_t writes = Writes(step);
    uint64_t left = m_stepBytes[step];
    r.ownLeft = writes;
    r.issuing = true;
    r.firstId = UINT64_MAX;
    r.lastId = UINT64_MAX;
    for (uint32_t i = 0; i < writes && m_running; ++i)
    {
        const auto bytes = static_cast<uint32_t>(left < kWriteBytes ? left : kWriteBytes);
        left -= bytes;
        const uint64_t address = r.nextAddress;
        r.nextAddress = (r.nextAddress + kWriteBytes) % kWindowBytes;
        r.issuedBytes += bytes;
        const uint64_t id =
            r.endpoint->Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes, m_trafficClass});
        if (i == 0)
        {
            r.firstId = id;
        }
        r.lastId = id;
    }
    r.issuing = false;
}

bool
CollectiveWorkload::IsOurs(const Rank& r, uint64_t txnId) const
{
    // Ids of one endpoint grow; nothing else issues on it inside our Issue() loop, so the writes
    // of a rank's current step are exactly the ids in [firstId, lastId].
    return m_running && (r.issuing || (txnId >= r.firstId && txnId <= r.lastId));
}

void
CollectiveWorkload::OnCompleted(const TransactionRecord& rec)
{
    const int32_t rank = RankOf(rec.src);
    if (rank < 0)
    {
        return;
    }
    const auto self = static_cast<uint32_t>(rank);
    Rank& r = m_rank[self];
    const bool retry = m_running && m_retried.erase({self, rec.id}) > 0;
    if ((!retry && !IsOurs(r, rec.id)) || r.ownLeft == 0)
    {
        return;
    }
    --r.ownLeft;
    const uint32_t step = r.step;
    const uint32_t partner = Partner(self, step);
    ++m_incomingDone[static_cast<std::size_t>(partner) * m_stepBytes.size() + step];
    TryAdvance(partner);
    TryAdvance(self);
}

void
CollectiveWorkload::OnFailed(const TransactionRecord& rec)
{
    const int32_t rank = RankOf(rec.src);
    if (rank < 0 || !m_running)
    {
        return;
    }
    const auto self = static_cast<uint32_t>(rank);
    Rank& r = m_rank[self];
    const auto retried = m_retried.find({self, rec.id});
    if (retried == m_retried.end() && !IsOurs(r, rec.id))
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
    if (attempts < m_retries)
    {
        ++m_retriesThisRep;
        m_retryTimesNs.push_back(ns3::Simulator::Now().ToDouble(ns3::Time::NS));
        ns3::Simulator::Schedule(m_retryBackoff * static_cast<int64_t>(1u << attempts), &CollectiveWorkload::Reissue,
                                 this, self, rec.dst, rec.address, rec.bytes, attempts + 1, m_repetition);
        return;
    }
    FinishRepetition(CollectiveStatus::Failed, rec.status);
}

void
CollectiveWorkload::Reissue(uint32_t rank, uint16_t dst, uint64_t address, uint32_t bytes, uint32_t attempt,
                            uint32_t repetition)
{
    if (!m_running || repetition != m_repetition)
    {
        return; // the repetition ended meanwhile (another write ran out of retries)
    }
    Rank& r = m_rank[rank];
    r.issuing = true;
    m_reissueAttempt = attempt;
    const uint64_t id =
        r.endpoint->Issue(TransactionSpec{TransactionKind::WriteFull, dst, address, bytes, m_trafficClass});
    r.issuing = false;
    m_reissueAttempt = 0;
    if (m_running && repetition == m_repetition)
    {
        m_retried.emplace(std::make_pair(rank, id), attempt);
    }
}

void
CollectiveWorkload::TryAdvance(uint32_t rank)
{
    Rank& r = m_rank[rank];
    const uint32_t steps = GetStepCount();
    while (m_running && !m_stopped && r.step < steps && !r.issuing && r.ownLeft == 0 &&
           m_incomingDone[static_cast<std::size_t>(rank) * steps + r.step] == Writes(r.step))
    {
        ++r.step;
        if (r.step == steps)
        {
            m_rankTrace(m_repetition, rank);
            if (++m_ranksDone == m_ranks)
            {
                FinishRepetition(CollectiveStatus::Completed, TransactionStatus::Okay);
            }
            return;
        }
        StartStep(rank);
    }
}

void
CollectiveWorkload::FinishRepetition(CollectiveStatus status, TransactionStatus failure)
{
    m_running = false;
    CollectiveResult res = CurrentResult(status);
    res.completed = status == CollectiveStatus::Completed;
    res.failure = failure;
    const double seconds = res.Duration().GetSeconds();
    if (res.completed && seconds > 0)
    {
        res.algbwGbps = m_bytes * 8.0 / seconds / 1e9;
        res.busbwGbps = res.algbwGbps * BusFactor(static_cast<Algorithm>(m_algorithm), m_ranks);
    }
    m_results.push_back(res);
    m_operationTrace(res);
    ++m_repetition;
    if (m_repetition < m_repetitions)
    {
        m_nextRepetition = ns3::Simulator::Schedule(m_gap, &CollectiveWorkload::StartRepetition, this);
    }
}

Workload::CollectiveResult
CollectiveWorkload::CurrentResult(CollectiveStatus status) const
{
    CollectiveResult res;
    res.name = m_name;
    res.algorithm = AlgorithmName(static_cast<Algorithm>(m_algorithm));
    res.ranks = m_ranks;
    res.bytes = m_bytes;
    res.start = m_repStart;
    res.end = ns3::Simulator::Now();
    res.status = status;
    res.repetition = m_repetition;
    res.retries = m_retriesThisRep;
    return res;
}

std::vector<Workload::CollectiveResult>
CollectiveWorkload::GetCollectiveResults() const
{
    std::vector<CollectiveResult> out = m_results;
    if (m_running)
    {
        out.push_back(CurrentResult(CollectiveStatus::Unfinished));
    }
    return out;
}

} // namespace ofab
