#ifndef OFAB_FABRIC_WORKLOADS_COLLECTIVE_WORKLOAD_H
#define OFAB_FABRIC_WORKLOADS_COLLECTIVE_WORKLOAD_H

#include "ofab/fabric/workloads/workload.h"

#include "ns3/event-id.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <vector>

namespace ofab
{

/**
 * A closed-loop collective operation on the first Ranks accelerators, repeated Repetitions times
 * with Gap between the end of one and the start of the next.
 *
 * Data moves as 256 B WriteFull transactions (the UALink maximum request) from a rank to its
 * partner of the step. Step rule: rank r starts step s + 1 as soon as (a) all of r's step-s writes
 * completed (write responses back) and (b) all writes into r for step s completed, i.e. r holds
 * the data the next step needs. (b) is counted from the originators' TransactionCompleted trace:
 * no extra messages. Reduction and kernel launch take no time.
 *
 *   ring_allreduce             N-1 reduce-scatter + N-1 all-gather steps of S/N to (r+1) mod N
 *   halving_doubling_allreduce log2 N halving steps (partner r xor 2^k, S/2, S/4 ... S/N), then
 *                              log2 N doubling steps (S/N ... S/2, partners in reverse order)
 *   allgather, reduce_scatter  the ring halves: N-1 steps of S/N (S = total size, as nccl-tests)
 *   alltoall                   pairwise exchange: N-1 steps of S/N, step s to (r+s+1) mod N, so
 *                              every rank sends each other rank its S/N once (S = the send buffer)
 *
 * A step of b bytes is ceil(b / 64) x 64 B (whole WriteFull beats): 256 B writes and one shorter
 * last write when b is not a multiple of 256. A transaction that fails fails the operation (status
 * Failed, end = the failure time) and stops that repetition; the next one still starts after Gap.
 */
class CollectiveWorkload : public Workload
{
  public:
    enum Algorithm
    {
        RING_ALLREDUCE,
        HALVING_DOUBLING_ALLREDUCE,
        ALLGATHER,
        REDUCE_SCATTER,
        ALLTOALL,
    };

    static ns3::TypeId GetTypeId();
    CollectiveWorkload();

    void Validate() const override;
    void ValidateFor(const WorkloadContext& ctx) const override;
    void Install(const WorkloadContext& ctx) override;
    int64_t AssignStreams(int64_t stream) override;
    std::vector<CollectiveResult> GetCollectiveResults() const override;
    std::vector<double> GetRetryTimesNs() const override { return m_retryTimesNs; }

    /// nccl-tests bus bandwidth factor for `ranks`: 2(n-1)/n all-reduce, (n-1)/n the others.
    static double BusFactor(Algorithm a, uint32_t ranks);
    static const char* AlgorithmName(Algorithm a);

    uint32_t GetRankCount() const { return m_ranks; }
    uint32_t GetStepCount() const { return static_cast<uint32_t>(m_stepBytes.size()); }
    /// Bytes each rank writes in step `s` (after rounding up to 64 B beats).
    uint64_t GetStepBytes(uint32_t s) const { return m_stepBytes.at(s); }
    /// Write bytes `rank` issued so far, all repetitions.
    uint64_t GetIssuedBytes(uint32_t rank) const { return m_rank.at(rank).issuedBytes; }
    /// The accelerator each rank runs on now.
    const std::vector<uint32_t>& GetRankAccelerators() const { return m_accel; }

    /// The job moves: from the next repetition on, rank r runs on accelerators[r] (one per rank,
    /// distinct, each an accelerator of the context). The running repetition keeps its placement.
    /// ParameterError("Ranks") on a list that does not fit.
    void Relocate(const std::vector<uint32_t>& accelerators);
    /// Held, no new repetition starts; the one due meanwhile starts at Release(). A job waits so while
    /// the fabric under it is rebuilt (an OCS slice being rewired).
    void Hold();
    void Release();

    typedef void (*StepTracedCallback)(uint32_t repetition, uint32_t rank, uint32_t step);
    typedef void (*RankTracedCallback)(uint32_t repetition, uint32_t rank);
    typedef void (*OperationTracedCallback)(const CollectiveResult& result);

  protected:
    void DoDispose() override;

  private:
    static constexpr uint64_t kWriteBytes = 256; ///< a write's size: the UALink maximum request

    struct Rank
    {
        AcceleratorEndpoint* endpoint = nullptr;
        uint32_t step = 0;    ///< current step (== step count: done)
        uint32_t ownLeft = 0; ///< writes of the current step not completed yet
        uint64_t firstId = 0; ///< id range of the current step's writes
        uint64_t lastId = 0;
        bool issuing = false; ///< inside the Issue() loop (an immediate failure is ours)
        uint64_t nextAddress = 0;
        uint64_t issuedBytes = 0;
    };

    void BuildSchedule();
    uint32_t Partner(uint32_t rank, uint32_t step) const;
    uint32_t Writes(uint32_t step) const;
    void StartRepetition();
    void StartStep(uint32_t rank);
    void TryAdvance(uint32_t rank);
    /// Issues a failed write of `rank` again (attempt `attempt`, if repetition `repetition` still runs).
    void Reissue(uint32_t rank, uint16_t dst, uint64_t address, uint32_t bytes, uint32_t attempt, uint32_t repetition);
    /// The running repetition's result so far, ending now with `status`.
    CollectiveResult CurrentResult(CollectiveStatus status) const;
    void FinishRepetition(CollectiveStatus status, TransactionStatus failure);
    bool IsOurs(const Rank& r, uint64_t txnId) const;
    /// Rank r runs on accelerator `accelerators[r]` from now on; listens to the endpoints it needs.
    void Place(const std::vector<uint32_t>& accelerators);
    /// The rank running on accelerator `accelerator`, or -1.
    int32_t RankOf(uint32_t accelerator) const { return accelerator < m_rankOf.size() ? m_rankOf[accelerator] : -1; }
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

    uint32_t m_ranks = 0;
    int64_t m_stopTick = INT64_MAX;
    std::vector<uint64_t> m_stepBytes;
    std::vector<Rank> m_rank;
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_all;       ///< every accelerator's, by id
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_endpoints; ///< whose traces we listen to
    std::vector<uint32_t> m_accel;                          ///< rank -> accelerator id
    std::vector<int32_t> m_rankOf;                          ///< accelerator id -> rank, -1: none
    std::vector<uint32_t> m_nextPlacement;                  ///< Relocate()'s list, taken at the next start
    bool m_held = false;
    bool m_startDue = false; ///< a repetition became due while held
    ns3::EventId m_nextRepetition;
    std::vector<uint32_t> m_incomingDone; ///< writes into rank r completed in step s: r x steps + s
    uint32_t m_ranksDone = 0;
    bool m_running = false;
    bool m_stopped = false; ///< a step was due after the end of the run
    uint32_t m_repetition = 0;
    ns3::Time m_repStart;
    std::vector<CollectiveResult> m_results;
    /// Writes of this repetition issued again after a failure: (rank, id) -> attempts made so far.
    std::map<std::pair<uint32_t, uint64_t>, uint32_t> m_retried;
    uint32_t m_reissueAttempt = 0; ///< the attempt being issued (an immediate failure is that attempt's)
    uint32_t m_retriesThisRep = 0;
    std::vector<double> m_retryTimesNs; ///< every retry decision (the failure that caused it), whole run

    ns3::TracedCallback<uint32_t, uint32_t, uint32_t> m_stepTrace;
    ns3::TracedCallback<uint32_t, uint32_t> m_rankTrace;
    ns3::TracedCallback<const CollectiveResult&> m_operationTrace;
};

} // namespace ofab

#endif
