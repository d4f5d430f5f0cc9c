#include "ofab/fabric/control/ocs-rewire-reroute.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(OcsRewireReroute);

ns3::TypeId
OcsRewireReroute::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::OcsRewireReroute")
                                 .SetParent<GlobalReroute>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<OcsRewireReroute>();
    return tid;
}

void
OcsRewireReroute::OnDetected(uint32_t link, LinkView seen, std::size_t incident)
{
    GlobalReroute::OnDetected(link, seen, incident);
    if (m_fabric->Ocs() && !seen.up)
    {
        // The end nodes tell the controller (ControlLatency), which picks a spare (ComputeTime).
        ns3::Simulator::Schedule(m_controlLatency + m_computeTime, &OcsRewireReroute::Decide, this);
    }
}

bool
OcsRewireReroute::CubeIntact(int cube) const
{
    const topo::Graph& g = m_fabric->Graph();
    for (const topo::Link& l : g.GetLinks())
    {
        if (l.linkClass == "cube" && g.GetNode(l.a).coord.at(0) == cube && !m_known[l.id].up)
        {
            return false;
        }
    }
    return true;
}

std::optional<int>
OcsRewireReroute::BrokenCube() const
{
    const OcsLayer& ocs = *m_fabric->Ocs();
    for (int cube : ocs.Layout().configurations[ocs.Current()].cubes)
    {
        if (!CubeIntact(cube))
        {
            return cube;
        }
    }
    return std::nullopt;
}

void
OcsRewireReroute::Decide()
{
    OcsLayer& ocs = *m_fabric->Ocs();
    if (ocs.Moving())
    {
        return; // the next detection after the move decides again
    }
    const std::optional<int> broken = BrokenCube();
    if (!broken)
    {
        return;
    }
    const std::vector<int>& now = ocs.Layout().configurations[ocs.Current()].cubes;
    const auto& configurations = ocs.Layout().configurations;
    for (std::size_t k = 0; k < configurations.size(); ++k)
    {
        const std::vector<int>& candidate = configurations[k].cubes;
        // The same slice with the broken cube's position taken by an intact cube from outside it.
        bool fits = candidate.size() == now.size();
        int spare = -1;
        for (std::size_t p = 0; fits && p < now.size(); ++p)
        {
            if (now[p] == *broken)
            {
                spare = candidate[p];
                fits = std::find(now.begin(), now.end(), spare) == now.end() && CubeIntact(spare);
            }
            else
            {
                fits = candidate[p] == now[p];
            }
        }
        if (fits)
        {
            const std::string reason = "cube " + std::to_string(*broken) +
                                       " has a failed link or accelerator: spare cube " + std::to_string(spare) +
                                       " takes its place";
            Record("rewire", "configuration " + std::to_string(k), reason);
            ocs.Reconfigure(k, reason);
            return;
        }
    }
    Record("rewire", "cube " + std::to_string(*broken),
           "no declared configuration replaces it with an intact spare: routing around it");
}

} // namespace ofab
