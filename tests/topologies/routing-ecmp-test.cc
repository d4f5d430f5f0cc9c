// Shortest-path ECMP tables: next-hop sets against closed forms, masks, weights, speed.
#include <catch2/catch.hpp>

#include "ofab/topologies/connectivity.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/routing-ecmp.h"
#include "topology-test-util.h"

using namespace ofab::topo;
using ofab::topo::testing::TorusDistance;

namespace
{
std::vector<uint32_t>
Hops(const NextHopTable& t, uint32_t node, uint32_t dst)
{
    return t.NextHopsChecked(node, dst);
}
} // namespace

TEST_CASE("4x4 torus: opposite corners have 4 next hops", "[routing][ecmp]")
{
    const Graph g = Torus({4, 4});
    const NextHopTable t = BuildShortestPathTable(g);
    // (0,0) -> (2,2): distance 2 each way in both dimensions, so +x, -x, +y, -y all qualify.
    CHECK(Hops(t, 0, 2 + 4 * 2) == std::vector<uint32_t>{0, 1, 2, 3});
    CHECK(t.Distance(0, 10) == 4.0);
    CHECK(Hops(t, 0, 1 + 4 * 1) == std::vector<uint32_t>{0, 2}); // +x, +y
    CHECK(Hops(t, 0, 3) == std::vector<uint32_t>{1});            // -x over the wrap
    CHECK(Hops(t, 0, 2) == std::vector<uint32_t>{0, 1});         // +x or -x
    CHECK(Hops(t, 5, 5).empty());
    CHECK(t.Distance(5, 5) == 0.0);
}

TEST_CASE("torus next-hop count is the closed form for every pair", "[routing][ecmp]")
{
    // Each dimension with a non-zero offset contributes 1 port, or 2 when the offset is exactly
    // k/2 (both ways are shortest).
    for (const auto& dims : std::vector<std::vector<int>>{{4, 4}, {6, 4, 3}, {2, 5}})
    {
        const Graph g = Torus(dims);
        const NextHopTable t = BuildShortestPathTable(g);
        for (uint32_t s = 0; s < g.NumNodes(); ++s)
        {
            for (uint32_t d = 0; d < g.NumNodes(); ++d)
            {
                uint32_t expected = 0, a = s, b = d;
                for (int k : dims)
                {
                    const int delta = (static_cast<int>(b % k) - static_cast<int>(a % k) + k) % k;
                    // k = 2: the offset 1 = k/2 is reached by the + link and the parallel wrap link.
                    if (delta != 0)
                    {
                        expected += 2 * delta == k ? 2 : 1;
                    }
                    a /= k;
                    b /= k;
                }
                uint32_t count = 0;
                const uint32_t* ports = t.NextHops(s, d, &count);
                REQUIRE(count == expected);
                REQUIRE(t.Distance(s, d) == TorusDistance(dims, s, d));
                // Every listed port leads strictly closer.
                for (uint32_t i = 0; i < count; ++i)
                {
                    const Adjacency& e = g.GetNeighbours(s)[ports[i]];
                    CHECK(t.Distance(e.neighbour, d) + 1.0 == t.Distance(s, d));
                }
            }
        }
    }
}

TEST_CASE("switched pod: every plane is a next hop, switches forward directly", "[routing][ecmp]")
{
    const Graph g = SwitchedPod(1024, 4, 1024);
    const NextHopTable t = BuildShortestPathTable(g);
    CHECK(Hops(t, 0, 1023) == std::vector<uint32_t>{0, 1, 2, 3});
    CHECK(t.Distance(0, 1023) == 2.0);
    CHECK(Hops(t, 1024 + 2, 77) == std::vector<uint32_t>{77}); // plane-2 switch port 77
    CHECK(t.Pick(5, 9, 6) == 2u);                              // 6 % 4
    CHECK(t.Pick(5, 5, 6) == kNoPort);

    // A dead accelerator port removes that plane from everyone's set toward it, and only that.
    const Graph& cg = g;
    uint32_t down = 0;
    for (const Link& l : cg.GetLinks())
    {
        if (l.a == 9 && cg.GetNode(l.b).plane == 1)
        {
            down = l.id;
        }
    }
    const NextHopTable m = BuildShortestPathTable(g, MaskWithDown(g, {down}));
    CHECK(Hops(m, 0, 9) == std::vector<uint32_t>{0, 2, 3});
    CHECK(Hops(m, 9, 0) == std::vector<uint32_t>{0, 2, 3});
    CHECK(Hops(m, 0, 8) == std::vector<uint32_t>{0, 1, 2, 3});
    // Accelerators do not forward: no path may go through accelerator 9.
    CHECK(Hops(m, 1024 + 1, 9).empty());
}

TEST_CASE("16x16 torus table: the farthest node is 16 hops away", "[routing][ecmp]")
{
    const Graph g = Torus({16, 16});
    const NextHopTable t = BuildShortestPathTable(g);
    CHECK(t.Distance(0, 8 + 16 * 8) == 16.0);
}

TEST_CASE("masking one link changes routes and never uses the dead link", "[routing][ecmp]")
{
    const Graph g = Torus({4, 4});
    const NextHopTable before = BuildShortestPathTable(g);
    REQUIRE(Hops(before, 0, 1) == std::vector<uint32_t>{0}); // +x
    const uint32_t dead = g.GetNeighbours(0)[0].link;
    const LinkMask mask = MaskWithDown(g, {dead});
    const NextHopTable after = BuildShortestPathTable(g, mask);
    // Around the cut: via -x (3 hops the long way) or via +y/-y then x then back (3 hops).
    CHECK(after.Distance(0, 1) == 3.0);
    CHECK(Hops(after, 0, 1) == std::vector<uint32_t>{1, 2, 3});
    const Link& l = g.GetLink(dead);
    for (uint32_t d = 0; d < 16; ++d)
    {
        for (uint32_t p : Hops(after, l.a, d))
        {
            CHECK(p != l.portA);
        }
        for (uint32_t p : Hops(after, l.b, d))
        {
            CHECK(p != l.portB);
        }
    }
}

TEST_CASE("weights steer routes away from expensive links", "[routing][ecmp]")
{
    const Graph g = Ring(6);
    LinkWeights w(g.NumLinks(), 1.0);
    w[g.GetNeighbours(0)[0].link] = 10.0; // 0 -> 1 costs 10
    const NextHopTable t = BuildShortestPathTable(g, {}, w);
    CHECK(Hops(t, 0, 1) == std::vector<uint32_t>{1}); // the other way round: 5 hops
    CHECK(t.Distance(0, 1) == 5.0);
    CHECK_THROWS_AS(BuildShortestPathTable(g, {}, LinkWeights(3, 1.0)), TopologyError);
}

TEST_CASE("a ring cut twice partitions and AffectedPairs lists the split", "[routing][connectivity]")
{
    const Graph g = Ring(8);
    const LinkMask once = MaskWithDown(g, {0});
    CHECK(IsConnected(g, once));
    CHECK(AffectedPairs(g, once).empty());
    // Links 0 (0-1) and 4 (4-5) down: {1,2,3,4} and {5,6,7,0}.
    const LinkMask twice = MaskWithDown(g, {0, 4});
    CHECK_FALSE(IsConnected(g, twice));
    CHECK_FALSE(AllAcceleratorsReachable(g, twice));
    const auto pairs = AffectedPairs(g, twice);
    CHECK(pairs.size() == 16);
    for (const auto& [i, j] : pairs)
    {
        const bool iLow = i >= 1 && i <= 4, jLow = j >= 1 && j <= 4;
        CHECK(iLow != jLow);
    }
    const NextHopTable t = BuildShortestPathTable(g, twice);
    CHECK(t.Distance(0, 2) == kUnreachable);
    CHECK(Hops(t, 0, 2).empty());
    CHECK(ConnectedComponents(g, twice).count == 2);
}

TEST_CASE("endpoints that only meet through another accelerator are affected", "[routing][connectivity]")
{
    // 3 accelerators, 2 planes; a0 loses plane 1, a1 loses plane 0. The cables still connect
    // everything through a2, but a2 does not forward.
    const Graph g = SwitchedPod(3, 2, 4);
    std::vector<uint32_t> down;
    for (const Link& l : g.GetLinks())
    {
        if ((l.a == 0 && g.GetNode(l.b).plane == 1) || (l.a == 1 && g.GetNode(l.b).plane == 0))
        {
            down.push_back(l.id);
        }
    }
    const LinkMask mask = MaskWithDown(g, down);
    CHECK(IsConnected(g, mask));
    const auto pairs = AffectedPairs(g, mask);
    REQUIRE(pairs.size() == 1);
    CHECK(pairs[0] == std::make_pair(0u, 1u));
}
