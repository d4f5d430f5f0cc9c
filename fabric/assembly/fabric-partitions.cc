#include "ofab/fabric/assembly/fabric-partitions.h"

#include <algorithm>

namespace ofab
{

FabricPartitions
PartitionFabric(const Fabric& fabric, uint32_t maxPartitions)
{
    FabricPartitions p;
    const uint32_t nodes = static_cast<uint32_t>(fabric.Graph().NumNodes());
    p.count = std::max(1u, std::min(nodes, maxPartitions));
    p.partitionOf.resize(nodes);
    for (uint32_t n = 0; n < nodes; ++n)
    {
        p.partitionOf[n] = static_cast<uint32_t>(uint64_t{n} * p.count / nodes);
    }
    p.lookahead = ns3::Time::Max();
    for (const FabricLink& l : fabric.Links())
    {
        for (uint8_t d = 0; d < 2; ++d)
        {
            const PhotonicLink& link = *l.channel->GetLink(d);
            p.lookahead = std::min(p.lookahead, link.GetPropagationDelay() + link.GetFecLatency());
        }
    }
    if (fabric.Links().empty())
    {
        p.lookahead = ns3::NanoSeconds(1);
    }
    return p;
}

} // namespace ofab
