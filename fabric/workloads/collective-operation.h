#ifndef OFAB_FABRIC_WORKLOADS_COLLECTIVE_OPERATION_H
#define OFAB_FABRIC_WORKLOADS_COLLECTIVE_OPERATION_H

#include "ofab/fabric/workloads/collective-plan.h"
#include "ofab/fabric/workloads/workload.h"
#include "ofab/protocols/model/accelerator-endpoint.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_set>
#include <vector>

namespace ofab
{

/**
 * One collective operation running on its members (one accelerator per rank): the steps of its
 * CollectivePlan as 256 B WriteFull transactions, under the plan's step rule. Plainly: rank r starts
 * step s + 1 as soon as (a) all of r's step-s writes completed (write responses back) and (b) every
 * write into r for step s landed in r's memory, i.e. r holds the data the next step needs. A ring
 * cut into P slices (CollectivePlan::Slices) pipelines as NCCL does: step t (slice k of ring step
 * t / P) waits only for the writes into r of step t - P (the same slice one ring step back), for
 * fewer than W = CollectivePlan::InFlight of r's own steps to be open (started, not all writes
 * completed) and for step t - 1 to have issued all its writes; P = W = 1 is the plain rule.
 * Reduction and kernel launch take no time.
 *
 * Every rule is local to a rank: a rank learns of its incoming data where it lands (its endpoint's
 * RequestServed, as NCCL's LL128 flags tell a GPU that a line arrived), never from its partner's
 * state, so each rank runs in its own node's events and the operation runs on the parallel core.
 * The write's workload and operation (carried by the request) name the operation, and its address
 * the step: at the start each rank takes an address range for all its writes of the operation
 * (from its cursor, kept across operations), and writes it in issue order, step after step.
 * With retries, a write that lands twice (its response was lost) counts once.
 *
 * The owner passes its endpoints' TransactionCompleted / TransactionFailed records on (OnCompleted,
 * OnFailed): several operations may share an endpoint, each knows its own writes by id (a rank
 * issues a step's writes in order, after the step before's, so each open step is one id range). A
 * failed write is issued again up to `retries` times after a doubling backoff; once out of retries
 * it fails the operation: the failing rank stops at once, the others `notice` later (the least time
 * news takes across the fabric: its smallest link latency), and what is in flight ends unheeded. A
 * rank keeps at most kWindowWrites first attempts in flight (all its open steps together) and issues
 * the next as earlier ones end, so a step of gigabytes holds a bounded number of transactions in
 * memory (the originator's tags, 2048 per port, bound what is outstanding on the wire anyway). Every
 * write carries Settings::workload and Settings::operation, which must name this operation alone
 * (from 1). No step starts at or after `stopTick` (the run's end): the operation then stays
 * unfinished. The hooks run in event order, after the node event that calls them on the parallel
 * core (RunSerially); they may not destroy the operation (its owner replaces it later, in an event
 * of its own).
 */
class CollectiveOperation
{
  public:
    /// First attempts of one step a rank keeps in flight: 1 MiB of 256 B writes.
    static constexpr uint32_t kWindowWrites = 4096;

    struct Member
    {
        AcceleratorEndpoint* endpoint = nullptr;
        uint32_t accelerator = 0;
        uint64_t* nextAddress = nullptr; ///< the rank's write address cursor (kept across operations)
        uint64_t* issuedBytes = nullptr; ///< write bytes the rank issued (kept across operations)
    };

    struct Settings
    {
        uint8_t trafficClass = 0;
        uint32_t retries = 0;
        ns3::Time retryBackoff = ns3::MicroSeconds(1);
        int64_t stopTick = INT64_MAX;
        uint16_t workload = 0;  ///< carried by every write (TransactionSpec)
        uint32_t operation = 0; ///< carried by every write (TransactionSpec)
        /// How long a failure takes to stop the other ranks (the fabric's smallest link latency).
        ns3::Time notice;
    };

    struct Hooks
    {
        std::function<void(uint32_t rank, uint32_t step)> stepStarted;
        std::function<void(uint32_t rank)> rankFinished;
        /// Completed (every rank finished every step) or failed (a write out of retries, its status).
        std::function<void(CollectiveStatus, TransactionStatus)> finished;
        /// A failed write will be issued again (called at the failure).
        std::function<void()> retried;
    };

    CollectiveOperation(CollectivePlan plan, std::vector<Member> members, Settings settings, Hooks hooks);
    ~CollectiveOperation();
    CollectiveOperation(const CollectiveOperation&) = delete;
    CollectiveOperation& operator=(const CollectiveOperation&) = delete;

    /// Every rank starts its first step now, each in an event of its own node. Call it from a
    /// global event (on the parallel core: not from a node event).
    void Start();
    /// Stops without finishing (no hook called): what is in flight ends unheeded, no new write goes
    /// out. Its owner gave the work up (another operation of the same iteration failed). Sequential
    /// cores only: it stops every rank at once.
    void Abandon();
    void OnCompleted(const TransactionRecord& rec);
    void OnFailed(const TransactionRecord& rec);

    const CollectivePlan& Plan() const { return m_plan; }
    bool Running() const { return m_running; }
    ns3::Time StartTime() const { return m_start; }
    /// Failed writes issued again, all ranks.
    uint32_t Retries() const;

  private:
    /// One of a rank's own steps whose writes did not all complete yet.
    struct OpenStep
    {
        uint32_t step = 0;
        uint64_t firstId = UINT64_MAX; ///< its first write's id
        uint64_t lastId = UINT64_MAX;  ///< its last write's id (UINT64_MAX: not all issued yet)
        uint32_t left = 0;             ///< writes not completed (issued or not)
    };

    /// A failed write issued again: the attempts it had and its step.
    struct Retry
    {
        uint32_t attempts = 0;
        uint32_t step = 0;
    };

    /// Everything one rank's events change: only that rank's node touches it.
    struct Rank
    {
        uint32_t context = 0;       ///< its node (the simulation context of its events)
        uint64_t base = 0;          ///< the address of its first write of the operation
        uint32_t next = 0;          ///< the next step to start (== step count: all started)
        std::vector<OpenStep> open; ///< in start order, at most the plan's InFlight()
        uint32_t issuingStep = 0;   ///< the step whose writes go out (a re-issued write's, inside Reissue)
        uint32_t toIssue = 0;       ///< writes of the last started step not issued yet (the window)
        uint64_t bytesLeft = 0;     ///< their bytes
        uint64_t issued = 0;        ///< first attempts issued (its next write's index in its range)
        uint32_t inFlight = 0;      ///< first attempts issued and not ended
        bool issuing = false;       ///< inside Issue() (an immediate failure is ours)
        bool finished = false;
        bool stopped = false;        ///< a step was due after the end of the run, or the operation failed
        bool listening = false;      ///< counts the writes landing in it (until it finished or stopped)
        uint32_t reissueAttempt = 0; ///< the attempt being issued (an immediate failure is that attempt's)
        uint32_t retries = 0;
        /// Writes issued again after a failure: id -> attempts made so far and step.
        std::map<uint64_t, Retry> retried;
        /// With retries: the writes that landed in it, per incoming step not yet complete (source
        /// rank << 32 | its write's index), so that a write landing twice counts once.
        std::map<uint32_t, std::unordered_set<uint64_t>> landed;
        std::vector<ns3::EventId> timers; ///< its start, re-issues, stop: cancelled with the operation
        std::size_t pruneAt = 8;          ///< timers dropped once expired when there are this many
    };

    int32_t RankOf(uint32_t accelerator) const;
    /// The open step of `r` a first attempt belongs to (by its id), or nullptr: not ours.
    OpenStep* FindOurs(Rank& r, const TransactionRecord& rec);
    static OpenStep* FindStep(Rank& r, uint32_t step);
    /// Keeps a timer of `rank`'s (cancelled with the operation).
    void Arm(uint32_t rank, ns3::EventId timer);
    void Join(uint32_t rank);
    void StartStep(uint32_t rank);
    /// Issues the last started step's next writes while fewer than kWindowWrites are in flight.
    void IssueMore(uint32_t rank);
    /// Starts the rank's next steps as far as the step rule lets it, or finishes the rank.
    void TryAdvance(uint32_t rank);
    bool IncomingDone(uint32_t rank, uint32_t step) const
    {
        return m_incomingDone[std::size_t{rank} * m_plan.Steps() + step] == m_plan.ExpectedIn(rank, step);
    }
    /// A request reached a member's memory (its endpoint's RequestServed): counts ours.
    void OnServed(const TlMessage& request);
    /// The rank's endpoint stops telling us what lands in it: every served request pays for each
    /// listener, and a graph keeps its finished operations until the iteration ends. Not from a
    /// node event of the parallel core (the destructor disconnects there).
    void StopListening(uint32_t rank);
    /// The step of `rank`'s write number `index` in its range.
    uint32_t StepOfWrite(uint32_t rank, uint64_t index) const;
    void Reissue(uint32_t rank, uint32_t step, uint16_t dst, uint64_t address, uint32_t bytes, uint32_t attempt);
    void RankFinished(uint32_t rank);
    /// A write of `rank` ran out of retries: it stops now, the operation fails (RunSerially), the
    /// other ranks stop after the notice.
    void Fail(uint32_t rank, TransactionStatus failure);
    void Stop(uint32_t rank);
    void Finish(CollectiveStatus status, TransactionStatus failure);

    CollectivePlan m_plan;
    std::vector<Member> m_members;
    Settings m_settings;
    Hooks m_hooks;
    std::vector<int32_t> m_rankOf; ///< accelerator id -> rank, -1: none
    std::vector<Rank> m_rank;
    std::vector<uint32_t> m_incomingDone; ///< writes landed in rank r in step s: r x steps + s
    /// Writes rank r issues before step s: r x (steps + 1) + s (its range's layout).
    std::vector<uint64_t> m_writesBefore;
    uint64_t m_window = 0; ///< bytes of address space the ranges wrap in
    /// The members' endpoints, kept alive until the operation goes (it disconnects from them then).
    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_endpoints;
    uint32_t m_ranksDone = 0;
    bool m_running = false;
    ns3::Time m_start;
};

} // namespace ofab

#endif
