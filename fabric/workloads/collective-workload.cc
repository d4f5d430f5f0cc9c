#include "ofab/fabric/workloads/collective-workload.h"

#include "ofab/foundation/kernel/parallel-simulator-impl.h"
#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <string>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(CollectiveWorkload);

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
                          "allgather, reduce_scatter, alltoall (pairwise exchange), broadcast and reduce "
                          "(pipelined chains from and to Root), torus2d_allreduce (rows, then columns of a "
                          "grid of GridColumns), alltoallv (alltoall with the load skewed by Skew), gather "
                          "and scatter (to and from Root, S/N per rank).",
                          EnumValue(RING_ALLREDUCE), MakeEnumAccessor(&CollectiveWorkload::m_algorithm),
                          MakeEnumChecker(RING_ALLREDUCE, "ring_allreduce", HALVING_DOUBLING_ALLREDUCE,
                                          "halving_doubling_allreduce", ALLGATHER, "allgather", REDUCE_SCATTER,
                                          "reduce_scatter", ALLTOALL, "alltoall", BROADCAST, "broadcast", REDUCE,
                                          "reduce", TORUS_2D_ALLREDUCE, "torus2d_allreduce", ALLTOALLV, "alltoallv",
                                          GATHER, "gather", SCATTER, "scatter"))
            .AddAttribute("Bytes",
                          "S in bytes, the nccl-tests size: the buffer per rank for all-reduce, the "
                          "total output (allgather) or input (reduce_scatter) size, the send buffer per rank "
                          "(alltoall: S/N to each rank), the buffer broadcast or reduced. Steps are rounded "
                          "up to whole 64 B beats.",
                          UintegerValue(1 << 20), MakeUintegerAccessor(&CollectiveWorkload::m_bytes),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Repetitions", "How many times the operation runs, one after the other (>= 1).",
                          UintegerValue(1), MakeUintegerAccessor(&CollectiveWorkload::m_repetitions),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Gap",
                          "Time between the end of one repetition and the start of the next, after the ranks "
                          "learn of the end (the fabric's smallest link latency later).",
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
            .AddAttribute("Root", "The rank broadcast and reduce start from and end at.", UintegerValue(0),
                          MakeUintegerAccessor(&CollectiveWorkload::m_root), MakeUintegerChecker<uint32_t>())
            .AddAttribute("PipelineChunk",
                          "Broadcast and reduce move S in pieces of this many bytes along their chain, "
                          "each rank forwarding a piece as soon as it has it (as NCCL pipelines them).",
                          UintegerValue(64 << 10), MakeUintegerAccessor(&CollectiveWorkload::m_pipelineChunk),
                          MakeUintegerChecker<uint64_t>(1))
            .AddAttribute("RingSliceBytes",
                          "ring_allreduce, allgather, reduce_scatter: cut each ring step's S/N into slices of "
                          "about this many bytes (at least one 256 B write each) and pipeline them as NCCL "
                          "does: a rank forwards slice k of a step once slice k of the step before landed in it, "
                          "without waiting for the rest of that step or its own writes' responses, with up "
                          "to RingSlicesInFlight of its slices open. 0: not pipelined, each step waits for "
                          "the whole step before (own writes completed, incoming writes landed).",
                          UintegerValue(0), MakeUintegerAccessor(&CollectiveWorkload::m_ringSliceBytes),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("RingSlicesInFlight",
                          "With RingSliceBytes: the most slices a rank has started whose writes did not all "
                          "complete (NCCL_STEPS, NCCL's buffer slots per connection, is 8).",
                          UintegerValue(RingPipeline::kNcclSteps),
                          MakeUintegerAccessor(&CollectiveWorkload::m_ringSlicesInFlight),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("GridColumns",
                          "torus2d_allreduce: ranks per row of the grid (rank r in row r / GridColumns); on a "
                          "torus, its x dimension. 0: the most square grid.",
                          UintegerValue(0), MakeUintegerAccessor(&CollectiveWorkload::m_gridColumns),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Skew",
                          "alltoallv: Zipf exponent of the load over the ranks (rank k weighs (k + 1)^-|Skew|): "
                          "> 0, every rank sends rank k its share of S by that weight (tokens to hot experts); "
                          "< 0, rank k sends everyone that share (their results back); 0: alltoall.",
                          DoubleValue(0), MakeDoubleAccessor(&CollectiveWorkload::m_skew),
                          MakeDoubleChecker<double>(-16, 16))
            .AddTraceSource("StepStarted", "A rank started a step: repetition, rank, step.",
                            MakeTraceSourceAccessor(&CollectiveWorkload::m_stepTrace),
                            "ofab::CollectiveWorkload::StepTracedCallback")
            .AddTraceSource("RankFinished",
                            "A rank finished its last step (its own writes all completed, the writes into it all "
                            "landed): "
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
    m_op.reset();
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
    m_notice = ctx.rankNotice;
    const auto chunks = static_cast<uint32_t>(std::max<uint64_t>(1, (m_bytes + m_pipelineChunk - 1) / m_pipelineChunk));
    m_plan.emplace(static_cast<Algorithm>(m_algorithm), m_ranks, m_bytes, m_root, chunks, m_gridColumns, m_skew,
                   RingPipeline{m_ringSliceBytes, m_ringSlicesInFlight});
    m_rank.assign(m_ranks, Rank{});
    m_all = ctx.endpoints;
    std::vector<uint32_t> placement(m_ranks);
    for (uint32_t r = 0; r < m_ranks; ++r)
    {
        placement[r] = ctx.rankAccelerators.empty() ? r : ctx.rankAccelerators[r];
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
    for (uint32_t r = 0; r < m_ranks; ++r)
    {
        const uint32_t a = accelerators[r];
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
    CheckPlacement(accelerators, m_ranks, m_all.size());
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
    std::vector<CollectiveOperation::Member> members;
    for (uint32_t r = 0; r < m_ranks; ++r)
    {
        members.push_back({m_rank[r].endpoint, m_accel[r], &m_rank[r].nextAddress, &m_rank[r].issuedBytes});
    }
    CollectiveOperation::Hooks hooks;
    // The repetition as it is now: after a failure its ranks go on for the notice, while the
    // workload already counts the next one.
    hooks.stepStarted = [this, rep = m_repetition](uint32_t rank, uint32_t step) { m_stepTrace(rep, rank, step); };
    hooks.rankFinished = [this, rep = m_repetition](uint32_t rank) { m_rankTrace(rep, rank); };
    hooks.finished = [this](CollectiveStatus status, TransactionStatus failure) { FinishRepetition(status, failure); };
    hooks.retried = [this] { m_retryTimesNs.push_back(ns3::Simulator::Now().ToDouble(ns3::Time::NS)); };
    m_op = std::make_unique<CollectiveOperation>(*m_plan, std::move(members),
                                                 CollectiveOperation::Settings{m_trafficClass, m_retries,
                                                                               m_retryBackoff, m_stopTick, m_number,
                                                                               m_repetition + 1, m_notice},
                                                 std::move(hooks));
    m_op->Start();
}

void
CollectiveWorkload::OnCompleted(const TransactionRecord& rec)
{
    if (m_op)
    {
        m_op->OnCompleted(rec);
    }
}

void
CollectiveWorkload::OnFailed(const TransactionRecord& rec)
{
    if (m_op)
    {
        m_op->OnFailed(rec);
    }
}

void
CollectiveWorkload::FinishRepetition(CollectiveStatus status, TransactionStatus failure)
{
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
        // Every rank starts it, so it starts once they all know: a global event (from the parallel
        // core's deferred call, which the notice puts past the window).
        m_nextRepetition = ScheduleGlobal(m_gap + m_notice, &CollectiveWorkload::StartRepetition, this);
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
    res.start = m_op->StartTime();
    res.end = ns3::Simulator::Now();
    res.status = status;
    res.repetition = m_repetition;
    res.retries = m_op->Retries();
    res.workload = m_number;
    res.operation = m_repetition + 1;
    return res;
}

std::vector<Workload::CollectiveResult>
CollectiveWorkload::GetCollectiveResults() const
{
    std::vector<CollectiveResult> out = m_results;
    if (m_op && m_op->Running())
    {
        out.push_back(CurrentResult(CollectiveStatus::Unfinished));
    }
    return out;
}

} // namespace ofab
