// Fault-tolerant dimension-order routing: routes around cuts and degraded links keep the dimension
// order and the dateline rule, so their channel dependency graph stays acyclic (deadlock-free).
#include <catch2/catch.hpp>

#include "ofab/topologies/channel-dependency.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/routing-dor.h"
#include "ofab/topologies/shortest-paths.h"

using namespace ofab::topo;

namespace
{

std::vector<Channel>
Channels(const std::vector<DorHop>& route)
{
    std::vector<Channel> out;
    for (const DorHop& h : route)
    {
        out.push_back(Channel{h.link, h.from, h.vc});
    }
    return out;
}

// Every pair routed with `mask`; the routes avoid down links, are no shorter than the masked graph
// allows, and their dependency graph has no cycle. Returns the number of routes longer than minimal.
std::size_t
CheckMaskedRoutes(const Graph& g, const LinkMask& mask)
{
    const DimensionOrderRouter dor(g);
    ChannelDependencyGraph cdg;
    std::size_t detours = 0;
    for (uint32_t s = 0; s < g.NumNodes(); ++s)
    {
        const std::vector<uint32_t> bfs = HopDistances(g, s, mask);
        for (uint32_t d = 0; d < g.NumNodes(); ++d)
        {
            if (s == d)
            {
                continue;
            }
            const auto route = dor.Route(s, d, mask, {});
            INFO("src " << g.GetNode(s).name << " dst " << g.GetNode(d).name);
            REQUIRE(!route.empty());
            REQUIRE(route.size() >= bfs[d]);
            if (route.size() > dor.Distance(s, d))
            {
                ++detours;
            }
            for (const DorHop& h : route)
            {
                REQUIRE(IsUp(mask, h.link));
            }
            REQUIRE(route.back().to == d);
            cdg.AddRoute(Channels(route));
        }
    }
    const auto cycle = cdg.FindCycle();
    CHECK(cycle.empty());
    return detours;
}

} // namespace

TEST_CASE("dependency graph finds the ring cycle that the dateline breaks", "[dor][deadlock]")
{
    const Graph ring = Ring(4);
    const DimensionOrderRouter dor(ring);
    ChannelDependencyGraph withDateline, singleVc;
    for (uint32_t s = 0; s < 4; ++s)
    {
        for (uint32_t d = 0; d < 4; ++d)
        {
            if (s == d)
            {
                continue;
            }
            auto route = Channels(dor.Route(s, d));
            withDateline.AddRoute(route);
            for (Channel& c : route)
            {
                c.vc = 0;
            }
            singleVc.AddRoute(route);
        }
    }
    const auto cycle = singleVc.FindCycle();
    REQUIRE(cycle.size() == 4); // the four "+" channels wait on one another round the ring
    CHECK(withDateline.FindCycle().empty());
}

TEST_CASE("every single cut on 4x4 and 8x8 tori is routed around without dependency cycles", "[dor][deadlock]")
{
    for (int k : {4, 8})
    {
        const Graph g = Torus({k, k});
        std::size_t cutsWithDetours = 0;
        for (uint32_t cut = 0; cut < g.NumLinks(); ++cut)
        {
            INFO(k << "x" << k << " cut link " << cut);
            if (CheckMaskedRoutes(g, MaskWithDown(g, {cut})) > 0)
            {
                ++cutsWithDetours;
            }
        }
        CHECK(cutsWithDetours == g.NumLinks()); // every cut forces some pair the long way round
    }
}

TEST_CASE("one cut in every ring of a dimension is still routed deadlock-free", "[dor][deadlock]")
{
    const Graph g = Torus({4, 4});
    std::vector<uint32_t> down;
    for (const Link& l : g.GetLinks())
    {
        if (l.dimension == 0 && g.GetNode(l.a).name.find("(1,") != std::string::npos)
        {
            down.push_back(l.id);
        }
    }
    REQUIRE(down.size() == 4); // the x link leaving x = 1 in each of the 4 rows
    CheckMaskedRoutes(g, MaskWithDown(g, down));
}

TEST_CASE("a long-way route has the predicted length", "[dor]")
{
    const Graph g = Torus({8, 8});
    const DimensionOrderRouter dor(g);
    // Cut a(1,0)-a(2,0): from a(0,0) to a(3,0) the short way (3 hops +x) is closed; the long way is 5.
    uint32_t cut = kNoPort;
    for (const Link& l : g.GetLinks())
    {
        if (g.GetNode(l.a).name == "a(1,0)" && g.GetNode(l.b).name == "a(2,0)")
        {
            cut = l.id;
        }
    }
    REQUIRE(cut != kNoPort);
    const auto mask = MaskWithDown(g, {cut});
    const auto route = dor.Route(0, 3, mask, {});
    REQUIRE(route.size() == 5);
    CHECK(route.front().direction == -1);
    CHECK(route.front().vc == 1);                 // a(0,0) -> a(7,0) is the wrap link: the dateline
    CHECK(dor.Route(0, 1, mask, {}).size() == 1); // pairs that do not need the cut are unchanged
}

TEST_CASE("two cuts in one ring, or one on a mesh line, block the pairs that need them", "[dor]")
{
    const Graph ring = Ring(6);
    const DimensionOrderRouter dor(ring);
    const auto mask = MaskWithDown(ring, {0, 3}); // links 0-1 and 3-4: {1,2,3} and {4,5,0} split
    CHECK(dor.Step(1, 4, mask, {}).blocked);
    CHECK(dor.Route(1, 4, mask, {}).empty());
    CHECK_FALSE(dor.Step(1, 3, mask, {}).blocked);
    CHECK(dor.Route(1, 3, mask, {}).size() == 2);

    const Graph mesh = Mesh({4});
    const DimensionOrderRouter line(mesh);
    CHECK(line.Step(0, 3, MaskWithDown(mesh, {1}), {}).blocked);
}

TEST_CASE("a degraded link's weight breaks ties away from it and keeps short routes on it", "[dor]")
{
    const Graph g = Torus({4, 4});
    const DimensionOrderRouter dor(g);
    uint32_t slow = kNoPort; // a(0,0)-a(1,0)
    for (const Link& l : g.GetLinks())
    {
        if (g.GetNode(l.a).name == "a(0,0)" && g.GetNode(l.b).name == "a(1,0)")
        {
            slow = l.id;
        }
    }
    REQUIRE(slow != kNoPort);
    LinkWeights w(g.NumLinks(), 1.0);
    w[slow] = 8.0 / 7.0; // one of eight laser lines lost
    // a(0,0) -> a(2,0): distance 2 both ways; unweighted the tie goes + (over the slow link).
    CHECK(dor.Step(0, 2).direction == +1);
    CHECK(dor.Step(0, 2, {}, w).direction == -1);
    // a(0,0) -> a(1,0): 8/7 the short way against 3 the long way: stays on the slow link.
    CHECK(dor.Step(0, 1, {}, w).link == slow);
    // The weighted choice is consistent hop by hop: the route reaches its destination minimally.
    CHECK(dor.Route(0, 2, {}, w).size() == 2);
}
