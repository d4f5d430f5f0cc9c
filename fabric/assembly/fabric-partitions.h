#ifndef OFAB_FABRIC_ASSEMBLY_FABRIC_PARTITIONS_H
#define OFAB_FABRIC_ASSEMBLY_FABRIC_PARTITIONS_H

#include "ofab/fabric/assembly/fabric.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/// How the parallel core groups a fabric's nodes (graph node ids are the simulation contexts).
struct FabricPartitions
{
    std::vector<uint32_t> partitionOf; ///< by graph node id
    uint32_t count = 0;
    /// The smallest propagation + FEC latency of any link direction: nothing a node sends can
    /// reach another node sooner, so partitions may run this far ahead of each other.
    ns3::Time lookahead;
};

/// The smallest propagation + FEC latency of any link direction (1 ns for a fabric without links).
ns3::Time FabricLookahead(const Fabric& fabric);

/**
 * Accelerators in contiguous runs of graph node ids (a torus's rows), each switch alone (up to half
 * the partitions), at most maxPartitions in all. The partitioning depends on the fabric only, never on the threads:
 * memory and work stay the same for any thread count (results do not depend on it either way).
 */
FabricPartitions PartitionFabric(const Fabric& fabric, uint32_t maxPartitions = 64);

} // namespace ofab

#endif
