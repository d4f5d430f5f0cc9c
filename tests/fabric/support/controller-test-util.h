#ifndef OFAB_TESTS_CONTROLLER_UTIL_H
#define OFAB_TESTS_CONTROLLER_UTIL_H

// Shared by the reroute controller tests: the controller's actions as they happen, and a walk of the
// forwarding tables in force that checks every route and collects its channels (with the VC class
// the routers give them) into a dependency graph.

#include "support/faults-test-util.h"

#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/fabric/routing/route-check.h"
#include "ofab/topologies/channel-dependency.h"

#include <string>
#include <vector>

namespace ofab
{
namespace faultstest
{

struct ActionLog
{
    struct Entry
    {
        double timeNs;
        std::string kind;
        std::string element;
        std::string detail;
    };
    std::vector<Entry> entries;

    void On(ns3::Time t, const std::string& kind, const std::string& element, const std::string& detail)
    {
        entries.push_back({t.ToDouble(ns3::Time::NS), kind, element, detail});
    }
    void Attach(RerouteController& c)
    {
        c.TraceConnectWithoutContext("Action", ns3::MakeCallback(&ActionLog::On, this));
    }
    std::size_t Count(const std::string& kind) const
    {
        std::size_t n = 0;
        for (const auto& e : entries)
        {
            n += e.kind == kind;
        }
        return n;
    }
};

/// Every router's entry for every destination.
inline std::vector<std::vector<ForwardingChoice>>
Tables(const Fabric& f)
{
    std::vector<std::vector<ForwardingChoice>> t;
    for (uint32_t n = 0; n < f.Graph().NumNodes(); ++n)
    {
        for (uint32_t d = 0; d < f.AcceleratorCount(); ++d)
        {
            t.push_back(f.Router(n)->GetRoute(static_cast<uint16_t>(d)));
        }
    }
    return t;
}

/// Every (src, dst) route as the tables in force send it, avoiding links down in `mask`.
struct RouteWalk
{
    uint64_t routes = 0;
    uint64_t unreached = 0;           ///< routes that met no live choice, looped, or used a down link
    uint64_t hops = 0;                ///< of the routes following each entry's first live choice
    topo::ChannelDependencyGraph cdg; ///< of every path the live choices allow (ties spread traffic over all)
};

/// Adds to `cdg` every path from `node` to accelerator `dst` over live choices (depth-first; a path
/// longer than the node count is a loop and is dropped: the first-choice walk reports it).
inline void
AddEveryPath(const Fabric& f, const std::vector<std::vector<uint32_t>>& portLink, const topo::LinkMask& mask,
             uint32_t node, uint32_t dst, int group, uint8_t vcIn, std::vector<topo::Channel>& route,
             topo::ChannelDependencyGraph& cdg)
{
    const topo::Graph& g = f.Graph();
    if (node == g.AcceleratorNode(dst))
    {
        cdg.AddRoute(route);
        return;
    }
    if (route.size() > g.NumNodes())
    {
        return;
    }
    for (const auto& c : f.Router(node)->GetRoute(static_cast<uint16_t>(dst)))
    {
        const uint32_t link = portLink[node][c.port];
        if (!topo::IsUp(mask, link))
        {
            continue;
        }
        const int linkGroup = g.GetLink(link).dimension;
        uint8_t vc = linkGroup == group ? vcIn : 0;
        vc = c.crossesDateline ? 1 : vc;
        route.push_back(topo::Channel{link, node, vc});
        AddEveryPath(f, portLink, mask, g.Other(link, node), dst, linkGroup, vc, route, cdg);
        route.pop_back();
    }
}

inline RouteWalk
WalkRoutes(const Fabric& f, const topo::LinkMask& mask)
{
    const topo::Graph& g = f.Graph();
    const std::vector<std::vector<uint32_t>> portLink = RouterPortLinks(f);
    RouteWalk w;
    for (uint32_t src = 0; src < f.AcceleratorCount(); ++src)
    {
        for (uint32_t dst = 0; dst < f.AcceleratorCount(); ++dst)
        {
            if (src == dst)
            {
                continue;
            }
            ++w.routes;
            std::vector<topo::Channel> route;
            uint32_t node = g.AcceleratorNode(src);
            int group = -1;
            uint8_t vc = 0;
            bool ok = true;
            while (node != g.AcceleratorNode(dst))
            {
                const auto choices = f.Router(node)->GetRoute(static_cast<uint16_t>(dst));
                const ForwardingChoice* live = nullptr;
                for (const auto& c : choices)
                {
                    if (topo::IsUp(mask, portLink[node][c.port]))
                    {
                        live = &c;
                        break;
                    }
                }
                if (!live || route.size() > g.NumNodes())
                {
                    ok = false;
                    break;
                }
                const uint32_t link = portLink[node][live->port];
                const int linkGroup = g.GetLink(link).dimension; // the port's RoutingGroup on grids
                vc = linkGroup == group ? vc : 0;                // the router's dateline rule
                vc = live->crossesDateline ? 1 : vc;
                group = linkGroup;
                route.push_back(topo::Channel{link, node, vc});
                node = g.Other(link, node);
            }
            if (!ok)
            {
                ++w.unreached;
                continue;
            }
            w.hops += route.size();
            route.clear();
            AddEveryPath(f, portLink, mask, g.AcceleratorNode(src), dst, -1, 0, route, w.cdg);
        }
    }
    return w;
}

} // namespace faultstest
} // namespace ofab

#endif
