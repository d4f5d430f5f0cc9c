#ifndef OFAB_FABRIC_WORKLOADS_GRAPH_WORKLOAD_H
#define OFAB_FABRIC_WORKLOADS_GRAPH_WORKLOAD_H

#include "ofab/fabric/workloads/collective-operation.h"
#include "ofab/fabric/workloads/workload-graph.h"
#include "ofab/fabric/workloads/workload.h"

#include "ns3/event-id.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <memory>
#include <vector>

namespace ofab
{

/**
 * Runs a workload graph (workload-graph.h: every rank's compute phases and communication
 * operations with their dependencies) Iterations times, Gap apart. Rank r runs on the r-th
 * accelerator of the workload (ids 0..n-1, or the context's rank placement).
 *
 * Execution: an operation is reached when its dependencies have ended. A rank computes on one
 * stream: reached compute phases run one after another in the order they were reached (ties in
 * list order), each for its duration. Communication overlaps compute: a collective starts when all
 * members of its group have reached it (a CollectiveOperation on their accelerators) and ends for
 * all at once; a transfer (Send + Recv) starts when both ends have reached it and is a one-step
 * operation: the sender writes the bytes to the receiver. The iteration ends when every operation
 * of every rank has; a communication operation that fails (after Retries) fails the iteration: the
 * rest is abandoned and the next iteration starts Gap later.
 *
 * Per iteration (IterationResult): its time, the busiest rank's compute time, the exposed
 * communication (per rank, the time a communication operation of the rank ran while the rank did
 * not compute; the largest and the mean over ranks), and the critical path: from the last operation
 * to end back through what let each start (its last dependency to end, the compute phase it waited
 * for on its stream, or for a communication operation the last member to reach it), whose compute
 * and communication times add up to the iteration's time. Every communication operation is also a
 * CollectiveResult (name of the operation on its first member, repetition = iteration).
 */
class GraphWorkload : public Workload
{
  public:
    static ns3::TypeId GetTypeId();
    GraphWorkload();

    /// The graph to run (before Install); CheckGraph'ed at Install.
    void SetGraph(WorkloadGraph graph) { m_graph = std::move(graph); }
    const WorkloadGraph& GetGraph() const { return m_graph; }

    void Validate() const override;
    void ValidateFor(const WorkloadContext& ctx) const override;
    void Install(const WorkloadContext& ctx) override;
    int64_t AssignStreams(int64_t stream) override;
    std::vector<CollectiveResult> GetCollectiveResults() const override;
    std::vector<IterationResult> GetIterationResults() const override;
    std::vector<double> GetRetryTimesNs() const override { return m_retryTimesNs; }

    /// A graph moves with its slice (an OCS fabric rebuilt): Hold keeps the next iteration from
    /// starting, Relocate places the ranks anew from the next iteration on, Release lets it start.
    bool CanMove() const override { return true; }
    uint32_t GetRankCount() const override { return static_cast<uint32_t>(m_graph.ranks.size()); }
    void Hold() override { m_held = true; }
    void Release() override;
    void Relocate(const std::vector<uint32_t>& accelerators) override;

    typedef void (*IterationTracedCallback)(const IterationResult& result);

  protected:
    /// The graph a subclass builds from its attributes (a trace, a generator); called by Install
    /// when SetGraph gave none. The base class has none to build: a ParameterError.
    virtual WorkloadGraph BuildGraph(const WorkloadContext& ctx) const;
    void DoDispose() override;

  private:
    static constexpr int64_t kNoCause = -1;

    struct OpState
    {
        uint32_t waiting = 0; ///< dependencies not ended yet
        bool ended = false;
        ns3::Time reached;
        ns3::Time start;
        ns3::Time end;
        int64_t lastDep = kNoCause; ///< the dependency whose end reached it (Key)
        int64_t cause = kNoCause;   ///< what let it start (Key): the critical path's link
    };

    struct RankState
    {
        AcceleratorEndpoint* endpoint = nullptr;
        uint32_t accelerator = 0;
        uint64_t nextAddress = 0;
        uint64_t issuedBytes = 0;
        std::deque<std::size_t> computeQueue;
        bool computing = false;
        int64_t lastCompute = kNoCause; ///< the compute phase that ended last (Key)
        ns3::EventId computeEnd;
    };

    struct InstanceState
    {
        uint32_t reached = 0;
        int64_t lastReached = kNoCause; ///< the member that reached it last (Key)
        CollectiveOperation* op = nullptr;
        ns3::Time start;
        ns3::Time end;
    };

    static int64_t Key(uint32_t rank, std::size_t index) { return (int64_t{rank} << 32) | int64_t(index); }
    static uint32_t RankOfKey(int64_t key) { return static_cast<uint32_t>(key >> 32); }
    static std::size_t IndexOfKey(int64_t key) { return static_cast<std::size_t>(key & 0xffffffff); }

    /// Instance k of the running iteration, numbered from 1 across the whole run.
    uint32_t OperationNumber(std::size_t k) const
    {
        return static_cast<uint32_t>(m_iteration * m_matching.instances.size() + k + 1);
    }
    void Prepare(const WorkloadContext& ctx);
    /// Rank r runs on accelerator `accelerators[r]` from now on; listens to the endpoints it needs.
    void Place(const std::vector<uint32_t>& accelerators);
    void StartIteration();
    void Reach(uint32_t rank, std::size_t index, int64_t lastDep);
    void RunCompute(uint32_t rank);
    void ComputeEnded(uint32_t rank, std::size_t index);
    void StartInstance(std::size_t instance);
    void InstanceEnded(std::size_t instance, CollectiveStatus status, TransactionStatus failure);
    void OpEnded(uint32_t rank, std::size_t index);
    void FinishIteration(CollectiveStatus status, TransactionStatus failure);
    IterationResult Measure(CollectiveStatus status, TransactionStatus failure) const;
    CollectiveResult InstanceResult(std::size_t instance, CollectiveStatus status) const;
    void Dispatch(const TransactionRecord& rec, bool completed);
    void OnCompleted(const TransactionRecord& rec) { Dispatch(rec, true); }
    void OnFailed(const TransactionRecord& rec) { Dispatch(rec, false); }

    // attributes
    uint32_t m_iterations;
    ns3::Time m_gap;
    ns3::Time m_restartDelay;
    uint8_t m_trafficClass;
    uint32_t m_retries;
    ns3::Time m_retryBackoff;
    uint64_t m_pipelineChunk;
    uint64_t m_ringSliceBytes = 0;
    uint32_t m_ringSlicesInFlight = RingPipeline::kNcclSteps;

    WorkloadGraph m_graph;
    GraphMatching m_matching;
    std::vector<std::vector<std::vector<std::size_t>>> m_next; ///< [rank][op] -> ops of the rank waiting for it
    std::vector<std::vector<uint32_t>> m_depCount;             ///< [rank][op] -> its dependencies
    int64_t m_stopTick = INT64_MAX;
    ns3::Time m_notice; ///< WorkloadContext::rankNotice: a failed operation's other ranks stop this late

    std::vector<RankState> m_rank;
    std::vector<std::vector<OpState>> m_op;
    std::vector<InstanceState> m_instance;
    std::vector<std::unique_ptr<CollectiveOperation>> m_operations; ///< this iteration's, owned
    std::vector<std::vector<CollectiveOperation*>> m_activeAt;      ///< accelerator id -> its running operations
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_all;               ///< every accelerator's, by id
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_endpoints;         ///< whose traces we listen to
    std::vector<uint32_t> m_nextPlacement;                          ///< Relocate()'s, taken at the next start
    bool m_held = false;
    bool m_startDue = false; ///< an iteration became due while held
    uint32_t m_dispatchDepth = 0;
    uint32_t m_iteration = 0;
    bool m_running = false;
    ns3::Time m_iterationStart;
    uint64_t m_ended = 0;
    uint64_t m_total = 0;
    ns3::EventId m_nextIteration;
    std::vector<IterationResult> m_results;
    std::vector<CollectiveResult> m_collectives;
    std::vector<double> m_retryTimesNs;

    ns3::TracedCallback<const IterationResult&> m_iterationTrace;
};

} // namespace ofab

#endif
