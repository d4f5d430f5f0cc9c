#ifndef OFAB_FABRIC_WORKLOADS_WORKLOAD_H
#define OFAB_FABRIC_WORKLOADS_WORKLOAD_H

#include "ofab/protocols/model/accelerator-endpoint.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// What a workload is installed on (built by the fabric layer, or MakeWorkloadContext in tests).
struct WorkloadContext
{
    std::vector<ns3::Ptr<AcceleratorEndpoint>> endpoints; ///< index = accelerator id
    std::vector<double> injectionRateBps; ///< per accelerator: sum of its ports' capacity at start, bit/s
    std::vector<double> portRateBps;      ///< per accelerator: its fastest port's capacity at start, bit/s
    ns3::Time stopTime;                   ///< end of the run: no new work at or after it
    /// The accelerator of each rank, for workloads that run on ranks (collectives); empty: rank r is
    /// accelerator r. A fabric whose usable accelerators are not 0..n-1 (an OCS slice) sets it.
    std::vector<uint32_t> rankAccelerators;
    /// The least time news takes from one rank to another: the fabric's smallest link latency
    /// (propagation + FEC; the parallel core's lookahead). A collective's ranks learn that an
    /// operation ended or failed this much later. MakeWorkloadContext leaves it 0 (no fabric).
    ns3::Time rankNotice;
};

/// Context for `endpoints` (index = accelerator id), injection rates read from their ports now.
WorkloadContext MakeWorkloadContext(const std::vector<ns3::Ptr<AcceleratorEndpoint>>& endpoints, ns3::Time stopTime);

/// A placement of `ranks` ranks among `accelerators` accelerators is one distinct, existing accelerator
/// per rank; ParameterError("Ranks") naming what is wrong otherwise (Workload::Relocate).
void CheckPlacement(const std::vector<uint32_t>& placement, std::size_t ranks, std::size_t accelerators);

/// How a collective operation (one repetition) ended.
enum class CollectiveStatus : uint8_t
{
    Completed,  ///< every rank finished every step
    Failed,     ///< a transaction of the operation ended with a non-OKAY status
    Unfinished, ///< still running when the results were read (end of the run)
};

const char* ToString(CollectiveStatus s);

/**
 * Base of every workload: installed on a set of accelerator endpoints, it schedules its own events
 * from its Start time on and issues transactions through AcceleratorEndpoint::Issue().
 *
 * Usage, the ns-3 way: create with CreateObject or an ObjectFactory, set attributes, Install(),
 * AssignStreams(), run. Install() validates first and throws ParameterError (naming the attribute)
 * for a value it cannot use, so the configuration layer can point at the YAML key.
 */
class Workload : public ns3::Object
{
  public:
    /// One collective operation (one repetition) for the run summary and the /collectives trace.
    struct CollectiveResult
    {
        std::string name;
        std::string algorithm;
        uint32_t ranks = 0;
        uint64_t bytes = 0; ///< S, the nccl-tests "size"
        ns3::Time start;
        ns3::Time end; ///< completion, failure, or the time the result was read (unfinished)
        bool completed = false;
        CollectiveStatus status = CollectiveStatus::Unfinished;
        TransactionStatus failure = TransactionStatus::Okay; ///< first failed transaction's status
        double algbwGbps = 0;                                ///< S / (end - start), decimal Gb/s; 0 unless completed
        double busbwGbps = 0;                                ///< algbw x the nccl-tests bus factor; 0 unless completed
        uint32_t repetition = 0;
        uint32_t retries = 0;   ///< writes issued again after a failure (attribute Retries)
        uint16_t workload = 0;  ///< the workload's number (SetNumber), as its transactions carry it
        uint32_t operation = 0; ///< as its transactions carry it

        ns3::Time Duration() const { return end - start; }
    };

    /// One iteration of a workload graph (a training step) for the summary and the /iterations trace.
    struct IterationResult
    {
        std::string name;
        uint32_t iteration = 0;
        ns3::Time start;
        ns3::Time end; ///< the last operation's end, the failure, or the time the result was read
        CollectiveStatus status = CollectiveStatus::Unfinished;
        TransactionStatus failure = TransactionStatus::Okay;
        uint64_t operations = 0;      ///< operations of all ranks (a collective counts once per member)
        uint64_t ended = 0;           ///< of them, ended
        double computeNs = 0;         ///< the busiest rank's compute time
        double exposedCommNs = 0;     ///< the largest over ranks: communication not overlapped by that rank's compute
        double meanExposedCommNs = 0; ///< the same, mean over ranks
        double criticalComputeNs = 0; ///< compute on the critical path
        double criticalCommNs = 0;    ///< communication on the critical path (from the operation's start)
        std::vector<std::string> criticalPath; ///< its operations, first to last ("r3 mb0.L1.fwd"), at most 64
        uint32_t retries = 0;

        ns3::Time Duration() const { return end - start; }
    };

    static ns3::TypeId GetTypeId();
    Workload();

    /// Checks the attributes on their own; throws ParameterError(attribute, message).
    virtual void Validate() const;
    /// Checks the attributes against the fabric (accelerator count ...); calls Validate() first.
    virtual void ValidateFor(const WorkloadContext& ctx) const;
    /// Validates for `ctx` and schedules the workload's first events (at Start).
    virtual void Install(const WorkloadContext& ctx) = 0;
    /// Fixes the random streams used (ns-3 convention); returns how many were assigned.
    virtual int64_t AssignStreams(int64_t stream) = 0;
    /// One entry per collective operation (empty for traffic patterns).
    virtual std::vector<CollectiveResult> GetCollectiveResults() const;
    /// One entry per iteration of a workload graph (empty for the others).
    virtual std::vector<IterationResult> GetIterationResults() const { return {}; }
    /// When each failed transaction was issued again (ns; empty for workloads that do not retry).
    virtual std::vector<double> GetRetryTimesNs() const { return {}; }

    /// Jobs that run on ranks can move when the fabric under them is rebuilt (an OCS slice rewired):
    /// held (no new repetition or iteration starts; the one due starts at Release), then relocated
    /// (from the next start on, rank r runs on accelerators[r]). Workloads that cannot move (traffic
    /// patterns) say so with CanMove() false and ignore the calls.
    virtual bool CanMove() const { return false; }
    virtual uint32_t GetRankCount() const { return 0; }
    virtual void Hold() {}
    virtual void Release() {}
    /// ParameterError("Ranks") on a list that does not fit (one distinct accelerator per rank).
    virtual void Relocate(const std::vector<uint32_t>& /*accelerators*/) {}

    /// The workload's number in its experiment (from 1), which its transactions carry to the trace
    /// (TransactionSpec::workload); 0 (the default): none.
    void SetNumber(uint16_t number) { m_number = number; }
    uint16_t GetNumber() const { return m_number; }

    ns3::Time GetStart() const { return m_start; }
    const std::string& GetName() const { return m_name; }

  protected:
    /// Delay from now to Start (Start is an absolute simulated time; 0 when it has passed).
    ns3::Time DelayToStart() const;

    ns3::Time m_start;
    std::string m_name;
    uint16_t m_number = 0;
};

} // namespace ofab

#endif
