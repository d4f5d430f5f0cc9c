#include "ofab/fabric/assembly/fabric-partitions.h"

#include <algorithm>

namespace ofab
{

FabricPartitions
PartitionFabric(const Fabric& fabric, uint32_t maxPartitions)
{
    FabricPartitions p;
    const uint32_t nodes = static_cast<uint32_t>(fabric.Graph().NumNodes());
    // A switch forwards what many accelerators send: each switch is a partition of its own (so
    // threads can share the switches' work), the accelerators fill the rest in contiguous runs.
    const topo::Graph& g = fabric.Graph();
    std::vector<uint32_t> accelerators;
    std::vector<uint32_t> switches;
    for (const topo::Node& n : g.GetNodes())
    {
        (n.role == topo::NodeRole::Accelerator ? accelerators : switches).push_back(n.id);
    }
    const uint32_t ownSwitches = static_cast<uint32_t>(std::min<std::size_t>(switches.size(), maxPartitions / 2));
    const uint32_t runs =
        std::max(1u, std::min(static_cast<uint32_t>(accelerators.size()), maxPartitions - ownSwitches));
    p.partitionOf.resize(nodes);
    for (std::size_t i = 0; i < accelerators.size(); ++i)
    {
        p.partitionOf[accelerators[i]] = static_cast<uint32_t>(i * runs / accelerators.size());
    }
    for (std::size_t i = 0; i < switches.size(); ++i)
    {
        p.partitionOf[switches[i]] = runs + static_cast<uint32_t>(i * ownSwitches / switches.size());
    }
    p.count = runs + ownSwitches;
    p.lookahead = FabricLookahead(fabric);
    return p;
}

ns3::Time
FabricLookahead(const Fabric& fabric)
{
    if (fabric.Links().empty())
    {
        return ns3::NanoSeconds(1);
    }
    ns3::Time least = ns3::Time::Max();
    for (const FabricLink& l : fabric.Links())
    {
        for (uint8_t d = 0; d < 2; ++d)
        {
            const PhotonicLink& link = *l.channel->GetLink(d);
            least = std::min(least, link.GetPropagationDelay() + link.GetFecLatency());
        }
    }
    return least;
}

} // namespace ofab
