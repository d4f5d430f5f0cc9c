#include "ofab/fabric/workloads/graph-workload.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <unordered_map>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(GraphWorkload);

ns3::TypeId
GraphWorkload::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::GraphWorkload")
            .SetParent<Workload>()
            .SetGroupName("Ofab")
            .AddConstructor<GraphWorkload>()
            .AddAttribute("Iterations", "How many times the graph runs, one iteration after the other (>= 1).",
                          UintegerValue(1), MakeUintegerAccessor(&GraphWorkload::m_iterations),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Gap", "Time between the end of one iteration and the start of the next.",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&GraphWorkload::m_gap), MakeTimeChecker())
            .AddAttribute("RestartDelay",
                          "Time between a failed iteration and the next (a job restarting from its "
                          "checkpoint, rescheduled around the failed part), instead of Gap.",
                          TimeValue(Seconds(0)), MakeTimeAccessor(&GraphWorkload::m_restartDelay),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("TrafficClass", "UALink traffic class 0 or 1 of the writes (VC = 2 x class).",
                          UintegerValue(0), MakeUintegerAccessor(&GraphWorkload::m_trafficClass),
                          MakeUintegerChecker<uint8_t>())
            .AddAttribute("Retries",
                          "A write that fails (link down, completion timeout) is issued again up to this "
                          "many times, after RetryBackoff x 2^(attempt-1); 0: the first failure fails the "
                          "operation and its iteration.",
                          UintegerValue(0), MakeUintegerAccessor(&GraphWorkload::m_retries),
                          MakeUintegerChecker<uint32_t>(0, 16))
            .AddAttribute("RetryBackoff", "Wait before the first retry of a failed write; doubles with each attempt.",
                          TimeValue(MicroSeconds(1)), MakeTimeAccessor(&GraphWorkload::m_retryBackoff),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("PipelineChunk", "The pieces broadcast and reduce forward along their chain.",
                          UintegerValue(64 << 10), MakeUintegerAccessor(&GraphWorkload::m_pipelineChunk),
                          MakeUintegerChecker<uint64_t>(1))
            .AddAttribute("RingSliceBytes",
                          "Ring collectives (ring all-reduce, allgather, reduce-scatter) pipelined in slices of "
                          "about this many bytes per ring step, as NCCL does (CollectiveWorkload's "
                          "RingSliceBytes); 0: not pipelined.",
                          UintegerValue(0), MakeUintegerAccessor(&GraphWorkload::m_ringSliceBytes),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("RingSlicesInFlight",
                          "With RingSliceBytes: the most slices a rank has open at once (NCCL_STEPS is 8).",
                          UintegerValue(RingPipeline::kNcclSteps),
                          MakeUintegerAccessor(&GraphWorkload::m_ringSlicesInFlight), MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("IterationFinished", "An iteration completed or failed (its IterationResult).",
                            MakeTraceSourceAccessor(&GraphWorkload::m_iterationTrace),
                            "ofab::GraphWorkload::IterationTracedCallback");
    return tid;
}

GraphWorkload::GraphWorkload()
    : m_iterations(1),
      m_gap(ns3::Seconds(0)),
      m_restartDelay(ns3::Seconds(0)),
      m_trafficClass(0),
      m_retries(0),
      m_retryBackoff(ns3::MicroSeconds(1)),
      m_pipelineChunk(64 << 10)
{
}

void
GraphWorkload::DoDispose()
{
    m_nextIteration.Cancel();
    for (RankState& r : m_rank)
    {
        r.computeEnd.Cancel();
    }
    m_operations.clear();
    for (const auto& e : m_endpoints)
    {
        e->TraceDisconnectWithoutContext("TransactionCompleted", ns3::MakeCallback(&GraphWorkload::OnCompleted, this));
        e->TraceDisconnectWithoutContext("TransactionFailed", ns3::MakeCallback(&GraphWorkload::OnFailed, this));
    }
    m_endpoints.clear();
    Workload::DoDispose();
}

void
GraphWorkload::Validate() const
{
    Workload::Validate();
    if (m_iterations == 0)
    {
        throw ParameterError("Iterations", "at least 1");
    }
    if (m_gap.IsStrictlyNegative())
    {
        throw ParameterError("Gap", "must be a time >= 0");
    }
    if (m_trafficClass > 1)
    {
        throw ParameterError("TrafficClass", "0 or 1, got " + std::to_string(m_trafficClass));
    }
}

void
GraphWorkload::ValidateFor(const WorkloadContext& ctx) const
{
    Workload::ValidateFor(ctx);
}

WorkloadGraph
GraphWorkload::BuildGraph(const WorkloadContext& /*ctx*/) const
{
    throw ParameterError("Graph", "no workload graph was given");
}

int64_t
GraphWorkload::AssignStreams(int64_t /*stream*/)
{
    return 0; // deterministic
}

void
GraphWorkload::Install(const WorkloadContext& ctx)
{
    ValidateFor(ctx);
    if (m_graph.ranks.empty())
    {
        m_graph = BuildGraph(ctx);
    }
    try
    {
        CheckGraph(m_graph);
    }
    catch (const GraphError& e)
    {
        throw ParameterError("Graph", e.what());
    }
    const auto usable =
        static_cast<uint32_t>(ctx.rankAccelerators.empty() ? ctx.endpoints.size() : ctx.rankAccelerators.size());
    if (m_graph.ranks.size() > usable)
    {
        throw ParameterError("Graph", "the graph has " + std::to_string(m_graph.ranks.size()) +
                                          " ranks; the fabric has " + std::to_string(usable) +
                                          (ctx.rankAccelerators.empty() ? " accelerators" : " usable accelerators"));
    }
    Prepare(ctx);
    if (m_name.empty())
    {
        m_name = "graph";
    }
    m_nextIteration = ns3::Simulator::Schedule(DelayToStart(), &GraphWorkload::StartIteration, this);
}

void
GraphWorkload::Prepare(const WorkloadContext& ctx)
{
    m_stopTick = ctx.stopTime.IsStrictlyPositive() ? ctx.stopTime.GetTimeStep() : INT64_MAX;
    m_notice = ctx.rankNotice;
    m_matching = MatchOperations(m_graph);
    const auto n = static_cast<uint32_t>(m_graph.ranks.size());
    m_next.assign(n, {});
    m_depCount.assign(n, {});
    m_rank.assign(n, RankState{});
    m_activeAt.assign(ctx.endpoints.size(), {});
    for (uint32_t r = 0; r < n; ++r)
    {
        const std::vector<GraphOp>& ops = m_graph.ranks[r];
        std::unordered_map<uint64_t, std::size_t> index;
        for (std::size_t i = 0; i < ops.size(); ++i)
        {
            index.emplace(ops[i].id, i);
        }
        m_next[r].assign(ops.size(), {});
        m_depCount[r].assign(ops.size(), 0);
        for (std::size_t i = 0; i < ops.size(); ++i)
        {
            std::vector<uint64_t> deps = ops[i].deps;
            std::sort(deps.begin(), deps.end());
            deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
            for (uint64_t d : deps)
            {
                m_next[r][index.at(d)].push_back(i);
            }
            m_depCount[r][i] = static_cast<uint32_t>(deps.size());
        }
    }
    m_all = ctx.endpoints;
    std::vector<uint32_t> placement(n);
    for (uint32_t r = 0; r < n; ++r)
    {
        placement[r] = ctx.rankAccelerators.empty() ? r : ctx.rankAccelerators[r];
    }
    Place(placement);
    m_total = m_graph.OpCount();
}

void
GraphWorkload::Place(const std::vector<uint32_t>& accelerators)
{
    for (uint32_t r = 0; r < accelerators.size(); ++r)
    {
        const uint32_t a = accelerators[r];
        m_rank[r].accelerator = a;
        m_rank[r].endpoint = ns3::PeekPointer(m_all[a]);
        if (std::find(m_endpoints.begin(), m_endpoints.end(), m_all[a]) == m_endpoints.end())
        {
            m_endpoints.push_back(m_all[a]);
            m_all[a]->TraceConnectWithoutContext("TransactionCompleted",
                                                 ns3::MakeCallback(&GraphWorkload::OnCompleted, this));
            m_all[a]->TraceConnectWithoutContext("TransactionFailed",
                                                 ns3::MakeCallback(&GraphWorkload::OnFailed, this));
        }
    }
}

void
GraphWorkload::Relocate(const std::vector<uint32_t>& accelerators)
{
    CheckPlacement(accelerators, m_graph.ranks.size(), m_all.size());
    m_nextPlacement = accelerators;
}

void
GraphWorkload::Release()
{
    m_held = false;
    if (m_startDue)
    {
        m_startDue = false;
        m_nextIteration = ns3::Simulator::ScheduleNow(&GraphWorkload::StartIteration, this);
    }
}

void
GraphWorkload::StartIteration()
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
    m_operations.clear(); // the previous iteration's, abandoned or ended (their writes are not ours any more)
    for (auto& list : m_activeAt)
    {
        list.clear();
    }
    m_running = true;
    m_iterationStart = ns3::Simulator::Now();
    m_ended = 0;
    m_op.assign(m_graph.ranks.size(), {});
    for (uint32_t r = 0; r < m_graph.ranks.size(); ++r)
    {
        m_op[r].assign(m_graph.ranks[r].size(), OpState{});
        for (std::size_t i = 0; i < m_op[r].size(); ++i)
        {
            m_op[r][i].waiting = m_depCount[r][i];
        }
        RankState& rank = m_rank[r];
        rank.computeQueue.clear();
        rank.computing = false;
        rank.lastCompute = kNoCause;
    }
    m_instance.assign(m_matching.instances.size(), InstanceState{});
    if (m_total == 0)
    {
        FinishIteration(CollectiveStatus::Completed, TransactionStatus::Okay);
        return;
    }
    for (uint32_t r = 0; r < m_graph.ranks.size() && m_running; ++r)
    {
        for (std::size_t i = 0; i < m_op[r].size() && m_running; ++i)
        {
            if (m_depCount[r][i] == 0)
            {
                Reach(r, i, kNoCause);
            }
        }
    }
}

void
GraphWorkload::Reach(uint32_t rank, std::size_t index, int64_t lastDep)
{
    OpState& s = m_op[rank][index];
    s.reached = ns3::Simulator::Now();
    s.lastDep = lastDep;
    const GraphOp& op = m_graph.ranks[rank][index];
    if (op.kind == GraphOp::Kind::Compute)
    {
        m_rank[rank].computeQueue.push_back(index);
        if (!m_rank[rank].computing)
        {
            RunCompute(rank);
        }
        return;
    }
    const auto k = static_cast<std::size_t>(m_matching.instanceOf[rank][index]);
    InstanceState& instance = m_instance[k];
    instance.lastReached = Key(rank, index);
    if (++instance.reached == m_matching.instances[k].members.size())
    {
        StartInstance(k);
    }
}

void
GraphWorkload::RunCompute(uint32_t rank)
{
    RankState& r = m_rank[rank];
    const std::size_t index = r.computeQueue.front();
    r.computeQueue.pop_front();
    r.computing = true;
    OpState& s = m_op[rank][index];
    s.start = ns3::Simulator::Now();
    // Waiting for the stream: the phase before it is what held it back.
    s.cause = s.start > s.reached ? r.lastCompute : s.lastDep;
    r.computeEnd =
        ns3::Simulator::Schedule(m_graph.ranks[rank][index].duration, &GraphWorkload::ComputeEnded, this, rank, index);
}

void
GraphWorkload::ComputeEnded(uint32_t rank, std::size_t index)
{
    RankState& r = m_rank[rank];
    r.computing = false;
    r.lastCompute = Key(rank, index);
    OpEnded(rank, index);
    if (m_running && !r.computing && !r.computeQueue.empty())
    {
        RunCompute(rank);
    }
}

void
GraphWorkload::StartInstance(std::size_t k)
{
    const GraphInstance& instance = m_matching.instances[k];
    const auto [leadRank, leadIndex] = instance.members[0];
    const GraphOp& lead = m_graph.ranks[leadRank][leadIndex];
    const bool transfer = lead.kind != GraphOp::Kind::Collective;
    const auto ranks = static_cast<uint32_t>(instance.members.size());
    const auto chunks =
        static_cast<uint32_t>(std::max<uint64_t>(1, (lead.bytes + m_pipelineChunk - 1) / m_pipelineChunk));
    CollectivePlan plan(transfer ? CollectiveAlgorithms::SEND : lead.algorithm, ranks, lead.bytes, lead.root, chunks, 0,
                        lead.skew, RingPipeline{m_ringSliceBytes, m_ringSlicesInFlight});
    std::vector<CollectiveOperation::Member> members;
    for (const auto& [rank, index] : instance.members)
    {
        RankState& r = m_rank[rank];
        members.push_back({r.endpoint, r.accelerator, &r.nextAddress, &r.issuedBytes});
    }
    CollectiveOperation::Hooks hooks;
    hooks.finished = [this, k](CollectiveStatus status, TransactionStatus failure) {
        InstanceEnded(k, status, failure);
    };
    hooks.retried = [this] { m_retryTimesNs.push_back(ns3::Simulator::Now().ToDouble(ns3::Time::NS)); };
    m_operations.push_back(std::make_unique<CollectiveOperation>(
        std::move(plan), std::move(members),
        CollectiveOperation::Settings{m_trafficClass, m_retries, m_retryBackoff, m_stopTick, m_number,
                                      OperationNumber(k), m_notice},
        std::move(hooks)));
    CollectiveOperation* op = m_operations.back().get();
    InstanceState& state = m_instance[k];
    state.op = op;
    state.start = ns3::Simulator::Now();
    // Every member starts now, held back by the member that reached the operation last.
    const int64_t cause = m_op[RankOfKey(state.lastReached)][IndexOfKey(state.lastReached)].lastDep;
    for (const auto& [rank, index] : instance.members)
    {
        m_op[rank][index].start = state.start;
        m_op[rank][index].cause = cause;
        m_activeAt[m_rank[rank].accelerator].push_back(op);
    }
    op->Start();
}

void
GraphWorkload::InstanceEnded(std::size_t k, CollectiveStatus status, TransactionStatus failure)
{
    if (!m_running)
    {
        return;
    }
    m_instance[k].end = ns3::Simulator::Now();
    if (status != CollectiveStatus::Completed)
    {
        m_collectives.push_back(InstanceResult(k, status));
        m_collectives.back().failure = failure;
        FinishIteration(status, failure);
        return;
    }
    m_collectives.push_back(InstanceResult(k, status));
    for (const auto& [rank, index] : m_matching.instances[k].members)
    {
        OpEnded(rank, index);
        if (!m_running)
        {
            return;
        }
    }
}

void
GraphWorkload::OpEnded(uint32_t rank, std::size_t index)
{
    OpState& s = m_op[rank][index];
    s.ended = true;
    s.end = ns3::Simulator::Now();
    ++m_ended;
    for (std::size_t next : m_next[rank][index])
    {
        if (--m_op[rank][next].waiting == 0 && m_running)
        {
            Reach(rank, next, Key(rank, index));
        }
    }
    if (m_running && m_ended == m_total)
    {
        FinishIteration(CollectiveStatus::Completed, TransactionStatus::Okay);
    }
}

void
GraphWorkload::FinishIteration(CollectiveStatus status, TransactionStatus failure)
{
    m_running = false;
    for (RankState& r : m_rank)
    {
        r.computeEnd.Cancel();
    }
    for (const auto& op : m_operations)
    {
        op->Abandon(); // a failed iteration leaves the rest; a completed one has nothing running
    }
    IterationResult res = Measure(status, failure);
    m_results.push_back(res);
    m_iterationTrace(res);
    ++m_iteration;
    if (m_iteration < m_iterations)
    {
        const ns3::Time wait = status == CollectiveStatus::Failed ? m_restartDelay : m_gap;
        m_nextIteration = ns3::Simulator::Schedule(wait, &GraphWorkload::StartIteration, this);
    }
}

void
GraphWorkload::Dispatch(const TransactionRecord& rec, bool completed)
{
    if (rec.src >= m_activeAt.size())
    {
        return;
    }
    // An operation may start others (appended: they ignore this record) or end (swept below, not
    // while an outer dispatch walks the list: an immediate failure inside Issue() re-enters).
    std::vector<CollectiveOperation*>& list = m_activeAt[rec.src];
    ++m_dispatchDepth;
    const std::size_t n = list.size();
    for (std::size_t i = 0; i < n; ++i)
    {
        CollectiveOperation* op = list[i];
        if (op->Running())
        {
            completed ? op->OnCompleted(rec) : op->OnFailed(rec);
        }
    }
    if (--m_dispatchDepth == 0)
    {
        list.erase(std::remove_if(list.begin(), list.end(), [](CollectiveOperation* op) { return !op->Running(); }),
                   list.end());
    }
}

} // namespace ofab
