#include "ofab/fabric/control/reroute-controller.h"

#include "ns3/simulator.h"

#include <algorithm>

// Local repair of RerouteController (see reroute-controller.h): the nodes at a dead link's ends
// switch the entries that used it to loop-free alternates, and put them back on restore.

namespace ofab
{

void
RerouteController::LocalSwitchOver(uint32_t link, std::size_t incident)
{
    if (m_physical[link].up)
    {
        return;
    }
    const FabricLink& l = m_fabric->Links()[link];
    const topo::Graph& g = m_fabric->Graph();
    const ns3::Time now = ns3::Simulator::Now();
    for (const uint32_t node : {l.a, l.b})
    {
        const uint16_t port = m_fabric->RouterPort(node, g.PortAt(link, node));
        uint32_t unprotected = 0;
        const uint32_t changed = SwitchOverAt(node, port, link, unprotected);
        std::string detail = std::to_string(changed) + " entries on alternates";
        if (unprotected > 0)
        {
            detail += ", " + std::to_string(unprotected) + " destinations without one";
            Record("unprotected", g.GetNode(node).name,
                   std::to_string(unprotected) + " destinations have no loop-free alternate");
            IncidentStep step{IncidentStep::Kind::Unprotected, incident, now};
            step.count = unprotected;
            ReportStep(step);
        }
        Record("switch_over", g.GetNode(node).name, detail);
        if (changed > 0)
        {
            IncidentStep step{IncidentStep::Kind::RoutersUpdated, incident, now};
            step.count = 1;
            ReportStep(step);
        }
    }
    RequestRerouteCheck();
}

void
RerouteController::SwitchOverIfDead(uint32_t link, LinkView seen, std::size_t incident)
{
    if (!seen.up)
    {
        ns3::Simulator::Schedule(m_switchOverTime, &RerouteController::LocalSwitchOver, this, link, incident);
    }
}

uint32_t
RerouteController::SwitchOverAt(uint32_t node, uint16_t port, uint32_t link, uint32_t& unprotected)
{
    const topo::Graph& g = m_fabric->Graph();
    ns3::Ptr<UalinkRouter> router = m_fabric->Router(node);
    uint32_t changed = 0;
    for (uint32_t dst = 0; dst < router->GetDestinationCount(); ++dst)
    {
        std::vector<ForwardingChoice> entry = router->GetRoute(static_cast<uint16_t>(dst));
        const auto uses =
            std::find_if(entry.begin(), entry.end(), [&](const ForwardingChoice& c) { return c.port == port; });
        if (uses == entry.end())
        {
            continue;
        }
        std::vector<ForwardingChoice> replacement;
        for (const ForwardingChoice& c : entry)
        {
            if (m_physical[m_portLink[node][c.port]].up)
            {
                replacement.push_back(c); // equal-cost siblings that still work
            }
        }
        if (replacement.empty())
        {
            // A loop-free alternate: a neighbour whose own route (the tables in force) reaches the
            // destination without coming back through this node or the dead link.
            const uint32_t dstNode = g.AcceleratorNode(dst);
            int best = -1;
            for (const topo::Adjacency& a : g.GetNeighbours(node))
            {
                if (a.link == link || !m_physical[a.link].up)
                {
                    continue;
                }
                int hops = -1;
                if (a.neighbour == dstNode)
                {
                    hops = 0;
                }
                else if (g.GetNode(a.neighbour).transit)
                {
                    hops = WalkLength(a.neighbour, static_cast<uint16_t>(dst), node, link);
                }
                if (hops >= 0 && (best < 0 || hops < best))
                {
                    best = hops;
                    replacement = {ForwardingChoice{m_fabric->RouterPort(node, a.port), g.GetLink(a.link).wrap}};
                }
            }
        }
        if (replacement.empty())
        {
            ++unprotected;
            continue;
        }
        m_homeEntries.emplace(std::make_pair(node, static_cast<uint16_t>(dst)), entry); // keeps the first
        router->SetRoute(static_cast<uint16_t>(dst), replacement);
        ++changed;
    }
    return changed;
}

int
RerouteController::WalkLength(uint32_t start, uint16_t dst, uint32_t avoidNode, uint32_t avoidLink) const
{
    // Depth-first over every live equal-cost choice (the router may take any of them); the longest
    // branch counts. A path longer than the node count has looped.
    const topo::Graph& g = m_fabric->Graph();
    const uint32_t dstNode = g.AcceleratorNode(dst);
    struct Frame
    {
        uint32_t node;
        int depth;
    };
    std::vector<Frame> stack{{start, 0}};
    int longest = 0;
    while (!stack.empty())
    {
        const Frame f = stack.back();
        stack.pop_back();
        if (f.node == dstNode)
        {
            longest = std::max(longest, f.depth);
            continue;
        }
        if (f.node == avoidNode || f.depth > static_cast<int>(g.NumNodes()))
        {
            return -1;
        }
        const ForwardingChoice* choices = nullptr;
        const uint32_t n = m_fabric->Router(f.node)->GetForwardingTable().Lookup(dst, choices);
        bool live = false;
        for (uint32_t i = 0; i < n; ++i)
        {
            const uint32_t link = m_portLink[f.node][choices[i].port];
            if (link == avoidLink || !m_physical[link].up)
            {
                continue;
            }
            live = true;
            stack.push_back({g.Other(link, f.node), f.depth + 1});
        }
        if (!live)
        {
            return -1;
        }
    }
    return longest;
}

void
RerouteController::PutBackDetours()
{
    // A link is used again once it is up and its wait-to-restore is over.
    auto inUse = [this](uint32_t node, const ForwardingChoice& c) {
        const uint32_t link = m_portLink[node][c.port];
        return m_physical[link].up && !m_restoreEvents[link].IsRunning();
    };
    for (auto it = m_homeEntries.begin(); it != m_homeEntries.end();)
    {
        // Plain names, not a structured binding: a lambda may not capture those before C++20 (clang).
        const uint32_t node = it->first.first;
        const auto dst = it->first.second;
        const std::vector<ForwardingChoice>& home = it->second;
        if (std::all_of(home.begin(), home.end(), [&](const ForwardingChoice& c) { return inUse(node, c); }))
        {
            m_fabric->Router(node)->SetRoute(dst, home);
            it = m_homeEntries.erase(it);
        }
        else
        {
            ++it;
        }
    }
}

} // namespace ofab
