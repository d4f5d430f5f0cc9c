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

/// Every (src, dst) route as the tables in force send it, avoiding links down in `mask`.
struct RouteWalk
{
    uint64_t routes = 0;
    uint64_t unreached = 0; ///< routes that met no live choice, looped, or used a down link
    uint64_t hops = 0;
    topo::ChannelDependencyGraph cdg;
};

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
            w.cdg.AddRoute(route);
        }
    }
    return w;
}

} // namespace faultstest
} // namespace ofab

#endif
