// Backup routes: k link-disjoint paths and loop-free alternates.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ofab/topologies/generators.h"
#include "ofab/topologies/routing-disjoint.h"
#include "ofab/topologies/routing-ecmp.h"
#include "ofab/topologies/routing-lfa.h"
#include "topology-test-util.h"

using namespace ofab::topo;
using ofab::topo::testing::CheckPathIsWalk;
using ofab::topo::testing::LinksDisjoint;
using ofab::topo::testing::TorusDistance;

TEST_CASE("a ring has exactly 2 link-disjoint paths", "[routing][disjoint]")
{
    const Graph g = Ring(8);
    const auto paths = KDisjointPaths(g, 0, 3, 5);
    REQUIRE(paths.size() == 2);
    CHECK(paths[0].hops() == 3); // shortest first
    CHECK(paths[1].hops() == 5);
    CHECK(LinksDisjoint(paths));
    for (const Path& p : paths)
    {
        CheckPathIsWalk(g, p, 0, 3);
    }
    // With one link of the short way down only the long way is left.
    const auto one = KDisjointPaths(g, 0, 3, 2, MaskWithDown(g, {g.GetNeighbours(1)[0].link}));
    REQUIRE(one.size() == 1);
    CHECK(one[0].hops() == 5);
}

TEST_CASE("a 3-D torus with k >= 3 has 6 link-disjoint paths", "[routing][disjoint]")
{
    for (const auto& dims : std::vector<std::vector<int>>{{3, 3, 3}, {4, 4, 4}, {5, 4, 3}})
    {
        const Graph g = Torus(dims);
        for (const auto& [s, d] : std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {0, 13}, {2, 26}})
        {
            const auto paths = KDisjointPaths(g, s, d, 8);
            INFO("dims[0] = " << dims[0] << ", " << s << " -> " << d);
            REQUIRE(paths.size() == 6); // min cut = degree 6
            CHECK(LinksDisjoint(paths));
            CHECK(paths.front().hops() == TorusDistance(dims, s, d));
            for (std::size_t i = 0; i < paths.size(); ++i)
            {
                CheckPathIsWalk(g, paths[i], s, d);
                if (i)
                {
                    CHECK(paths[i - 1].cost <= paths[i].cost);
                }
            }
        }
    }
}

TEST_CASE("disjoint paths in a pod use one plane each and never transit an accelerator", "[routing][disjoint]")
{
    const Graph g = SwitchedPod(16, 4, 16);
    const auto paths = KDisjointPaths(g, 3, 12, 6);
    REQUIRE(paths.size() == 4);
    for (const Path& p : paths)
    {
        CHECK(p.hops() == 2);
        CheckPathIsWalk(g, p, 3, 12);
    }
    CHECK(LinksDisjoint(paths));
}

TEST_CASE("disjoint path errors", "[routing][disjoint][errors]")
{
    const Graph g = Ring(5);
    CHECK_THROWS_WITH(KDisjointPaths(g, 0, 2, 0), Catch::Contains("k must be >= 1, got 0"));
    CHECK_THROWS_WITH(KDisjointPaths(g, 1, 1, 2), Catch::Contains("same node"));
    CHECK_THROWS_AS(KDisjointPaths(g, 0, 9, 2), TopologyError);
}

TEST_CASE("shortest path matches the table distance", "[routing]")
{
    const Graph g = Torus({5, 4});
    const Path p = ShortestPath(g, 0, 13);
    CheckPathIsWalk(g, p, 0, 13);
    CHECK(p.hops() == TorusDistance({5, 4}, 0, 13));
    CHECK(ShortestPath(g, 0, 13, MaskWithDown(g, {})).cost == p.cost);
}

TEST_CASE("loop-free alternates on a ring of 5", "[routing][lfa]")
{
    const Graph g = Ring(5);
    // 0 -> 1: the way round via 4 is 4 hops; dist(4,1) = 2 is not < dist(4,0) + dist(0,1) = 2.
    CHECK(LoopFreeAlternates(g, 0, 1).empty());
    // 0 -> 2: primary via 1 (port 0); neighbour 4 has dist(4,2) = 2 < 1 + 2: an LFA on port 1.
    CHECK(LoopFreeAlternates(g, 0, 2) == std::vector<uint32_t>{1});
    CHECK(LoopFreeAlternates(g, 0, 0).empty());
}

TEST_CASE("loop-free alternates satisfy the RFC 5286 inequality and exclude primaries", "[routing][lfa]")
{
    // A two-level fat tree has none: every other way down from a spine or leaf goes back up
    // through it (dist(N, D) == dist(N, S) + dist(S, D)), a known LFA coverage gap.
    const std::vector<std::pair<Graph, bool>> cases{{Torus({5, 5}), true},
                                                    {Torus({4, 3}), true},
                                                    {Dragonfly(3, 1, 1), true},
                                                    {FatTree(3, 2, 2), false},
                                                    {FullMesh(5, 2), true}};
    for (const auto& [g, expectAlternates] : cases)
    {
        const NextHopTable primary = BuildShortestPathTable(g);
        const NextHopTable lfa = BuildLoopFreeAlternateTable(g);
        std::size_t alternates = 0;
        for (uint32_t s = 0; s < g.NumNodes(); ++s)
        {
            const std::vector<double> fromS = Distances(g, s);
            for (uint32_t d = 0; d < g.NumAccelerators(); ++d)
            {
                const std::vector<uint32_t> alt = lfa.NextHopsChecked(s, d);
                REQUIRE(alt == LoopFreeAlternates(g, s, d));
                const std::vector<uint32_t> prim = primary.NextHopsChecked(s, d);
                for (uint32_t p : alt)
                {
                    const uint32_t n = g.GetNeighbours(s)[p].neighbour;
                    CHECK(std::find(prim.begin(), prim.end(), p) == prim.end());
                    CHECK(primary.Distance(n, d) < fromS[n] + primary.Distance(s, d));
                    ++alternates;
                }
                // Conversely every non-primary neighbour meeting the inequality is listed.
                for (const Adjacency& e : g.GetNeighbours(s))
                {
                    const bool isPrimary = std::find(prim.begin(), prim.end(), e.port) != prim.end();
                    const bool canForward = e.neighbour == g.AcceleratorNode(d) || g.GetNode(e.neighbour).transit;
                    if (isPrimary || !canForward || s == g.AcceleratorNode(d))
                    {
                        continue;
                    }
                    const bool loopFree =
                        primary.Distance(e.neighbour, d) < fromS[e.neighbour] + primary.Distance(s, d);
                    CHECK(loopFree == (std::find(alt.begin(), alt.end(), e.port) != alt.end()));
                }
            }
        }
        CHECK((alternates > 0) == expectAlternates);
    }
    // Full mesh: toward d every other neighbour is one hop from d, so all of them are LFAs.
    const Graph fm = FullMesh(6);
    CHECK(LoopFreeAlternates(fm, 0, 5).size() == 4);
}

TEST_CASE("weighted LFA table agrees with per-query alternates", "[routing][lfa]")
{
    const Graph g = Torus({4, 4});
    LinkWeights w(g.NumLinks());
    for (std::size_t i = 0; i < w.size(); ++i)
    {
        w[i] = 1.0 + static_cast<double>(i % 3);
    }
    const NextHopTable lfa = BuildLoopFreeAlternateTable(g, {}, w);
    for (uint32_t s = 0; s < g.NumNodes(); ++s)
    {
        for (uint32_t d = 0; d < g.NumAccelerators(); ++d)
        {
            CHECK(lfa.NextHopsChecked(s, d) == LoopFreeAlternates(g, s, d, {}, w));
        }
    }
}
