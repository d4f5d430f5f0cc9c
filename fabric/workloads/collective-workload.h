#ifndef OFAB_FABRIC_WORKLOADS_COLLECTIVE_WORKLOAD_H
#define OFAB_FABRIC_WORKLOADS_COLLECTIVE_WORKLOAD_H

#include "ofab/fabric/workloads/collective-operation.h"
#include "ofab/fabric/workloads/collective-plan.h"
#include "ofab/fabric/workloads/workload.h"

#include "ns3/event-id.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace ofab
{

/**
 * A closed-loop collective operation on the first Ranks accelerators, repeated Repetitions times
 * with Gap between the end of one and the start of the next. Each repetition is a
 * CollectiveOperation (its step rule, retries and end of run there); the algorithms' steps are in
 * CollectivePlan (collective-plan.h): ring, halving-doubling, allgather, reduce_scatter, alltoall,
 * broadcast and reduce as pipelined chains from and to Root in PipelineChunk pieces, and a 2-D
 * all-reduce over a grid of GridColumns ranks per row (rows, then columns: one hop a step on a torus).
 * RingSliceBytes > 0 pipelines the rings (ring_allreduce, allgather, reduce_scatter) in slices, as
 * NCCL does; StepStarted then reports sub-steps (slice k of ring step s is step s x P + k).
 *
 * A transaction that fails (after Retries) fails the operation (status Failed, end = the failure
 * time) and stops that repetition; the next one still starts after Gap. The ranks learn that a
 * repetition ended WorkloadContext::rankNotice later (the fabric's smallest link latency): the
 * next starts that long plus Gap after the end.
 */
class CollectiveWorkload : public Workload, public CollectiveAlgorithms
{
  public:
    static ns3::TypeId GetTypeId();
    CollectiveWorkload();

    void Validate() const override;
    void ValidateFor(const WorkloadContext& ctx) const override;
    void Install(const WorkloadContext& ctx) override;
    int64_t AssignStreams(int64_t stream) override;
    std::vector<CollectiveResult> GetCollectiveResults() const override;
    std::vector<double> GetRetryTimesNs() const override { return m_retryTimesNs; }

    bool CanMove() const override { return true; }
    uint32_t GetRankCount() const override { return m_ranks; }
    uint32_t GetStepCount() const { return m_plan ? m_plan->Steps() : 0; }
    /// Bytes each rank writes in step `s` (after rounding up to 64 B beats).
    uint64_t GetStepBytes(uint32_t s) const { return m_plan->StepBytes(s); }
    /// Write bytes `rank` issued so far, all repetitions.
    uint64_t GetIssuedBytes(uint32_t rank) const { return m_rank.at(rank).issuedBytes; }
    /// The accelerator each rank runs on now.
    const std::vector<uint32_t>& GetRankAccelerators() const { return m_accel; }

    /// The job moves: from the next repetition on, rank r runs on accelerators[r] (one per rank,
    /// distinct, each an accelerator of the context). The running repetition keeps its placement.
    /// ParameterError("Ranks") on a list that does not fit.
    void Relocate(const std::vector<uint32_t>& accelerators) override;
    /// Held, no new repetition starts; the one due meanwhile starts at Release(). A job waits so while
    /// the fabric under it is rebuilt (an OCS slice being rewired).
    void Hold() override;
    void Release() override;

    typedef void (*StepTracedCallback)(uint32_t repetition, uint32_t rank, uint32_t step);
    typedef void (*RankTracedCallback)(uint32_t repetition, uint32_t rank);
    typedef void (*OperationTracedCallback)(const CollectiveResult& result);

  protected:
    void DoDispose() override;

  private:
    /// What a rank keeps from one repetition to the next.
    struct Rank
    {
        AcceleratorEndpoint* endpoint = nullptr;
        uint64_t nextAddress = 0;
        uint64_t issuedBytes = 0;
    };

    void StartRepetition();
    /// The running repetition's result so far, ending now with `status`.
    CollectiveResult CurrentResult(CollectiveStatus status) const;
    void FinishRepetition(CollectiveStatus status, TransactionStatus failure);
    /// Rank r runs on accelerator `accelerators[r]` from now on; listens to the endpoints it needs.
    void Place(const std::vector<uint32_t>& accelerators);
    void OnCompleted(const TransactionRecord& rec);
    void OnFailed(const TransactionRecord& rec);

    // attributes
    int m_algorithm;
    uint64_t m_bytes;
    uint32_t m_repetitions;
    ns3::Time m_gap;
    uint32_t m_ranksAttr;
    uint8_t m_trafficClass;
    uint32_t m_retries;
    ns3::Time m_retryBackoff;
    uint32_t m_root = 0;
    uint64_t m_pipelineChunk = 0;
    uint32_t m_gridColumns = 0;
    double m_skew = 0;
    uint64_t m_ringSliceBytes = 0;
    uint32_t m_ringSlicesInFlight = RingPipeline::kNcclSteps;

    uint32_t m_ranks = 0;
    int64_t m_stopTick = INT64_MAX;
    ns3::Time m_notice; ///< WorkloadContext::rankNotice
    std::optional<CollectivePlan> m_plan;
    std::vector<Rank> m_rank;
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_all;       ///< every accelerator's, by id
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_endpoints; ///< whose traces we listen to
    std::vector<uint32_t> m_accel;                          ///< rank -> accelerator id
    std::vector<uint32_t> m_nextPlacement;                  ///< Relocate()'s list, taken at the next start
    bool m_held = false;
    bool m_startDue = false; ///< a repetition became due while held
    ns3::EventId m_nextRepetition;
    std::unique_ptr<CollectiveOperation> m_op; ///< the repetition running or last run
    uint32_t m_repetition = 0;
    std::vector<CollectiveResult> m_results;
    std::vector<double> m_retryTimesNs; ///< every retry decision (the failure that caused it), whole run

    ns3::TracedCallback<uint32_t, uint32_t, uint32_t> m_stepTrace;
    ns3::TracedCallback<uint32_t, uint32_t> m_rankTrace;
    ns3::TracedCallback<const CollectiveResult&> m_operationTrace;
};

} // namespace ofab

#endif
