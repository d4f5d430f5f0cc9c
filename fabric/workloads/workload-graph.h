#ifndef OFAB_FABRIC_WORKLOADS_WORKLOAD_GRAPH_H
#define OFAB_FABRIC_WORKLOADS_WORKLOAD_GRAPH_H

#include "ofab/fabric/workloads/collective-plan.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ofab
{

/**
 * One operation of one rank's program in a workload graph (a training step): a compute phase or a
 * communication operation, and the operations of the same rank it waits for.
 */
struct GraphOp
{
    enum class Kind : uint8_t
    {
        Compute,    ///< the accelerator computes for `duration` (one compute stream per rank)
        Collective, ///< this rank's part in a collective over a communicator (`group`)
        Send,       ///< `bytes` to rank `peer`
        Recv,       ///< `bytes` from rank `peer`
    };

    uint64_t id = 0; ///< unique within its rank
    std::string name;
    Kind kind = Kind::Compute;
    ns3::Time duration;                                                               ///< Compute
    CollectiveAlgorithms::Algorithm algorithm = CollectiveAlgorithms::RING_ALLREDUCE; ///< Collective
    uint64_t bytes = 0;         ///< Collective: S, the nccl-tests size; Send, Recv: the message
    uint32_t group = 0;         ///< Collective: index into WorkloadGraph::groups
    uint32_t root = 0;          ///< Collective broadcast and reduce: the root's position in its group
    double skew = 0;            ///< Collective alltoallv: CollectivePlan::AllToAllVSizes's skew
    uint32_t peer = 0;          ///< Send: the destination rank; Recv: the source rank
    uint32_t tag = 0;           ///< Send and Recv: matched by (source, destination, tag), in order
    std::vector<uint64_t> deps; ///< ids of operations of the same rank that must end first
};

/**
 * A workload graph: every rank's operations and the communicators they use. Ranks are numbered
 * 0..n-1 and run on the workload's accelerators in order.
 *
 * Matching: the k-th collective a rank lists on a group (in list order) is the k-th of every other
 * member: one operation, which starts when every member has reached it (its dependencies ended) and
 * ends for all at once. The k-th Send from a to b with tag t and the k-th Recv at b from a with tag t
 * are one transfer, which starts when both have been reached.
 */
struct WorkloadGraph
{
    std::vector<std::vector<uint32_t>> groups; ///< communicators: member ranks, in the collective's rank order
    std::vector<std::vector<GraphOp>> ranks;   ///< each rank's operations
    std::string origin;                        ///< where it came from, for messages (a file, "generated ...")

    uint64_t OpCount() const;
};

/// A graph that cannot run, with what and where: "rank 3, op 17 (allreduce-grad): ...".
class GraphError : public std::runtime_error
{
  public:
    explicit GraphError(const std::string& message)
        : std::runtime_error(message)
    {
    }
};

/// One communication operation of a graph: the ops of its members that are it, in the
/// operation's rank order (a collective: its group's order; a transfer: sender, receiver).
struct GraphInstance
{
    std::vector<std::pair<uint32_t, std::size_t>> members; ///< (rank, op index in that rank's list)
};

/// Which operation every communication op is part of (MatchOperations).
struct GraphMatching
{
    std::vector<std::vector<int64_t>> instanceOf; ///< [rank][op index] -> instance, -1 for compute
    std::vector<GraphInstance> instances;
};

/// Matches collectives and transfers across ranks (the rules above); GraphError for those that do
/// not match (a missing partner, different sizes). Call after the per-op checks (CheckGraph does).
GraphMatching MatchOperations(const WorkloadGraph& g);

/**
 * Checks that a graph can run to its end: dependencies exist on the rank, ids are unique, groups
 * and peers are ranks, a rank's collectives use groups it belongs to, the members of a group list
 * the same collectives (algorithm, bytes, root) in the same order, sends and receives pair up with
 * the same bytes, and nothing waits for itself, on one rank or across ranks (the dependencies with
 * every matched operation taken as one node form no cycle). Throws GraphError naming the rank, the
 * op and the rule.
 */
void CheckGraph(const WorkloadGraph& g);

} // namespace ofab

#endif
