#ifndef OFAB_FABRIC_TRACE_TRACE_ROWS_H
#define OFAB_FABRIC_TRACE_TRACE_ROWS_H

#include <cstdint>
#include <cstring>
#include <string>

namespace ofab
{

/// Copies text into a fixed-length, NUL-padded trace field (truncating what does not fit).
template <std::size_t N>
void
SetText(char (&field)[N], const std::string& text)
{
    std::memset(field, 0, N);
    std::memcpy(field, text.data(), text.size() < N ? text.size() : N);
}

/// One row of /transactions: a transaction from issue to its end (or to the end of the run).
struct TransactionRow
{
    uint64_t id;
    uint32_t src;   ///< originator accelerator id
    uint32_t dst;   ///< completer accelerator id
    uint8_t kind;   ///< TraceEnums::transactionKinds
    uint8_t status; ///< TraceEnums::transactionStatuses
    uint8_t vc;
    uint8_t pad;
    uint32_t bytes;
    uint32_t hops; ///< links crossed by the request
    double issueNs;
    double endNs;       ///< completion or failure time; NaN while in flight at the end of the run
    double latencyNs;   ///< endNs - issueNs; NaN while in flight
    uint32_t operation; ///< the issuing workload's operation (from 1; 0: none)
    uint16_t workload;  ///< the issuing workload's number in the experiment (from 1; 0: none)
    uint16_t pad2;
};

/// One row of /events: faults, repairs, detections, route installs, collective steps.
struct EventRow
{
    double timeNs;
    uint8_t kind; ///< TraceEnums::eventKinds
    char element[48];
    char detail[128];
};

/// One row of /links/state: a direction of a link changed its usable capacity or state.
struct LinkStateRow
{
    double timeNs;
    uint32_t link;
    uint8_t direction; ///< 0: a -> b, 1: b -> a
    uint8_t state;     ///< TraceEnums::linkStates
    uint16_t usableLines;
    double capacityGbps;
};

/// One row of /collectives: one collective operation, timed and rated the nccl-tests way.
struct CollectiveRow
{
    uint32_t id;
    char name[32];
    char algorithm[32];
    uint32_t ranks;
    uint64_t bytes;
    double startNs;
    double endNs;
    double timeNs;
    double algbwGbps;   ///< bytes / time
    double busbwGbps;   ///< algbw x the algorithm's bus factor (2(n-1)/n for all-reduce)
    uint8_t status;     ///< TraceEnums::collectiveStatuses
    uint16_t workload;  ///< as /transactions: the rows of this operation have the same
    uint32_t operation; ///< workload and operation
};

/// /iterations: one row per iteration of a workload graph (a training step).
struct IterationRow
{
    char name[32];
    uint32_t iteration;
    double startNs;
    double endNs;
    double timeNs;
    uint8_t status;           ///< TraceEnums::collectiveStatuses
    double computeNs;         ///< the busiest rank's compute
    double exposedCommNs;     ///< the largest over ranks
    double meanExposedCommNs; ///< mean over ranks
    double criticalComputeNs; ///< on the critical path
    double criticalCommNs;    ///< on the critical path
    uint64_t operations;
    uint64_t ended;
};

/// /flows: what one workload sent from one accelerator to another (outputs.flows).
struct FlowRow
{
    uint32_t workload; ///< the workload's number (0: none)
    uint32_t src;
    uint32_t dst;
    uint32_t pad;
    uint64_t transactions;
    uint64_t completed;
    uint64_t failed;
    uint64_t bytes; ///< payload of the completed ones
    double firstIssueNs;
    double lastEndNs;
    double meanLatencyNs; ///< of the completed ones (NaN: none)
    double maxLatencyNs;
    double throughputGbps; ///< bytes over lastEnd - firstIssue
};

/// /topology/nodes and /topology/links.
struct NodeRow
{
    uint32_t id;
    uint8_t role; ///< TraceEnums::nodeRoles
    char name[32];
};

struct LinkRow
{
    uint32_t id;
    uint32_t a;
    uint32_t b;
    uint32_t portA;
    uint32_t portB;
    double lengthM;
    double capacityGbps;
    char linkClass[16];
};

} // namespace ofab

#endif
