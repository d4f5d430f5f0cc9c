#ifndef OFAB_FABRIC_WORKLOADS_CHAKRA_IMPORT_H
#define OFAB_FABRIC_WORKLOADS_CHAKRA_IMPORT_H

#include "ofab/fabric/workloads/collective-plan.h"
#include "ofab/fabric/workloads/workload-graph.h"

#include <string>

namespace ofab
{

/// How Chakra execution traces become a workload graph (see README.md, "Chakra execution traces").
struct ChakraOptions
{
    /// FLOP/s of an accelerator: a COMP_NODE with duration_micros 0 and a `num_ops` attribute takes
    /// num_ops / flopsPerSecond. 0 = no rate (such a node is an error).
    double flopsPerSecond = 0;
    /// Bytes/s of an accelerator's memory: a MEM_LOAD_NODE or MEM_STORE_NODE with duration_micros 0
    /// and a `tensor_size` attribute takes tensor_size / memoryBytesPerSecond. 0 = no rate.
    double memoryBytesPerSecond = 0;
    /// What an ALL_REDUCE runs: RING_ALLREDUCE or HALVING_DOUBLING_ALLREDUCE.
    CollectiveAlgorithms::Algorithm allReduce = CollectiveAlgorithms::RING_ALLREDUCE;
};

/// A trace set that cannot be read or mapped, naming the file and, where there is one, the node:
/// "t/workload.2.et: node 7 (all_reduce_grad), COMM_COLL_NODE: ...". A GraphError, so a caller
/// catching the graph's errors gets these too.
class ChakraError : public GraphError
{
  public:
    explicit ChakraError(const std::string& message)
        : GraphError(message)
    {
    }
};

/**
 * Reads the Chakra execution traces `<prefix>.0.et`, `<prefix>.1.et`, ... (ASTRA-sim's naming: one
 * file per rank, up to the first rank whose file is missing) and the optional process-group file
 * `<prefix>.groups.json`, maps every node to a GraphOp and checks the graph (CheckGraph). Throws
 * ChakraError for a file or node that cannot be read or mapped, GraphError (from CheckGraph) for a
 * graph that cannot run: unmatched collectives or transfers, missing dependencies, cycles.
 */
WorkloadGraph ReadChakraTraces(const std::string& prefix, const ChakraOptions& options = {});

} // namespace ofab

#endif
