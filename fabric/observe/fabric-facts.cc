#include "ofab/fabric/observe/fabric-facts.h"

#include "ofab/topologies/analysis.h"

#include <cmath>

namespace ofab
{

FabricFacts
DescribeFabric(const Fabric& fabric)
{
    const topo::Graph& g = fabric.Graph();
    const topo::GraphCounts counts = topo::Count(g);
    FabricFacts f;
    f.accelerators = counts.accelerators;
    f.switches = counts.switches;
    f.links = counts.links;
    f.lasers = fabric.LaserSources().size();
    for (const auto& laser : fabric.LaserSources())
    {
        f.laserLines += laser->GetLineCount();
    }

    // Per link direction: capacity, and the optics' energy per bit (laser share, ring tuning and
    // electronics: PhotonicLink::GetEnergyPerBitPj); power = energy x rate (pJ/bit x Gb/s = mW).
    std::vector<double> linkGbps(fabric.Links().size(), 0.0);
    double totalGbps = 0, powerMw = 0;
    for (const FabricLink& l : fabric.Links())
    {
        for (uint8_t end = 0; end < 2; ++end)
        {
            const auto link = l.channel->GetLink(end);
            const double gbps = link->GetCapacityBps() / 1e9;
            const double pj = link->GetEnergyPerBitPj();
            totalGbps += gbps;
            powerMw += std::isfinite(pj) ? pj * gbps : 0.0;
            linkGbps[l.id] = end == 0 ? gbps : std::min(linkGbps[l.id], gbps);
        }
    }
    const std::size_t directions = 2 * fabric.Links().size();
    f.linkRateGbps = directions ? totalGbps / double(directions) : 0.0;
    f.opticsPowerW = powerMw / 1e3;
    f.opticsPjPerBit = totalGbps > 0 ? powerMw / totalGbps : 0.0;

    const topo::HopStats hops = topo::AcceleratorHopStats(g);
    f.diameterHops = hops.diameter;
    f.meanHops = hops.averageHops;
    if (counts.accelerators >= 2 && g.NumNodes() <= kMaxBisectionNodes)
    {
        const topo::Bisection cut = topo::EstimateBisection(g);
        double gbps = 0;
        for (const FabricLink& l : fabric.Links())
        {
            if (cut.side[l.a] != cut.side[l.b])
            {
                gbps += linkGbps[l.id];
            }
        }
        f.bisectionLinks = cut.cutLinks;
        f.bisectionGbps = gbps;
    }
    return f;
}

} // namespace ofab
