// Generators: node and link counts against closed forms, port layouts, parameter errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

#include "ofab/topologies/analysis.h"
#include "ofab/topologies/generators.h"

using namespace ofab::topo;

namespace
{
long long
Pow(long long k, int n)
{
    long long r = 1;
    while (n-- > 0)
    {
        r *= k;
    }
    return r;
}
} // namespace

TEST_CASE("k-ary n-cube torus has k^n nodes and n*k^n links", "[generators][torus]")
{
    for (int n = 1; n <= 3; ++n)
    {
        for (int k : {2, 3, 4, 5})
        {
            const Graph g = Torus(std::vector<int>(n, k));
            INFO("k = " << k << ", n = " << n);
            CHECK(g.NumNodes() == static_cast<std::size_t>(Pow(k, n)));
            CHECK(g.NumLinks() == static_cast<std::size_t>(n * Pow(k, n)));
            CHECK(g.NumAccelerators() == g.NumNodes());
            for (uint32_t v = 0; v < g.NumNodes(); ++v)
            {
                CHECK(g.GetDegree(v) == static_cast<uint32_t>(2 * n));
            }
            std::size_t wraps = 0;
            for (const Link& l : g.GetLinks())
            {
                wraps += l.wrap;
            }
            CHECK(wraps == static_cast<std::size_t>(n * Pow(k, n - 1))); // one per ring
        }
    }
}

TEST_CASE("torus ports: 2d is +d, 2d+1 is -d, k = 2 gives parallel links", "[generators][torus]")
{
    const std::vector<int> dims{4, 3, 2};
    const Graph g = Torus(dims, 2.5);
    REQUIRE(g.GetGrid());
    CHECK(g.GetGrid()->wrap);
    for (const Link& l : g.GetLinks())
    {
        const int d = l.dimension;
        REQUIRE(d >= 0);
        CHECK(l.portA == static_cast<uint32_t>(2 * d));
        CHECK(l.portB == static_cast<uint32_t>(2 * d + 1));
        CHECK(l.lengthM == 2.5);
        // b is a's + neighbour: coordinate d advances by one modulo k, others equal.
        const auto& ca = g.GetNode(l.a).coord;
        const auto& cb = g.GetNode(l.b).coord;
        for (int i = 0; i < 3; ++i)
        {
            CHECK(cb[i] == (i == d ? (ca[i] + 1) % dims[i] : ca[i]));
        }
        CHECK(l.wrap == (ca[d] == dims[d] - 1));
    }
    // Dimension 2 has k = 2: the + link and the wrap link join the same pair.
    std::map<std::pair<uint32_t, uint32_t>, int> pairs;
    for (const Link& l : g.GetLinks())
    {
        if (l.dimension == 2)
        {
            ++pairs[{std::min(l.a, l.b), std::max(l.a, l.b)}];
        }
    }
    CHECK(pairs.size() == 12);
    for (const auto& kv : pairs)
    {
        CHECK(kv.second == 2);
    }
}

TEST_CASE("mesh, ring and full mesh counts", "[generators]")
{
    const Graph m = Mesh({4, 3});
    CHECK(m.NumNodes() == 12);
    CHECK(m.NumLinks() == 3 * 3 + 4 * 2);
    CHECK(m.GetDegree(0) == 2); // corner
    CHECK(m.GetDegree(5) == 4); // (1,1) interior
    CHECK_FALSE(m.GetGrid()->wrap);

    const Graph r = Ring(9);
    CHECK(r.NumNodes() == 9);
    CHECK(r.NumLinks() == 9);

    const Graph f = FullMesh(6);
    CHECK(f.NumNodes() == 6);
    CHECK(f.NumLinks() == 15);
    const Graph f2 = FullMesh(5, 2);
    CHECK(f2.NumLinks() == 20);
    // Port of node i toward j is linksPerPair * (j - (j > i)) + r.
    for (const Link& l : f2.GetLinks())
    {
        const uint32_t i = l.a, j = l.b;
        CHECK(l.portA / 2 == j - 1); // j > i = a
        CHECK(l.portB / 2 == i);     // from b's side the partner i < b
    }
}

TEST_CASE("switched pod: one switch per plane, accelerator port p = plane p", "[generators][pod]")
{
    const Graph g = SwitchedPod(1024, 4, 1024);
    CHECK(g.NumAccelerators() == 1024);
    CHECK(g.NumSwitches() == 4);
    CHECK(g.NumLinks() == 4096);
    for (const Link& l : g.GetLinks())
    {
        const Node& acc = g.GetNode(l.a);
        const Node& sw = g.GetNode(l.b);
        REQUIRE(acc.role == NodeRole::Accelerator);
        REQUIRE(sw.role == NodeRole::Switch);
        CHECK(l.portA == static_cast<uint32_t>(sw.plane));
        CHECK(l.portB == l.a); // switch port i = accelerator i
    }
    CHECK_FALSE(g.GetNode(0).transit);
    CHECK(g.GetNode(1024).transit);
    CHECK(g.GetNode(1027).plane == 3);
}

TEST_CASE("fat tree and dragonfly counts", "[generators]")
{
    const Graph ft = FatTree(4, 2, 3);
    CHECK(ft.NumAccelerators() == 12);
    CHECK(ft.NumSwitches() == 6);
    CHECK(ft.NumLinks() == 12 + 4 * 2);
    const GraphCounts c = Count(ft);
    CHECK(c.linksByClass.at("access") == 12);
    CHECK(c.linksByClass.at("uplink") == 8);

    // Balanced dragonfly a=4, p=2, h=2: g = a*h+1 = 9 groups.
    const int a = 4, p = 2, h = 2, g = a * h + 1;
    const Graph df = Dragonfly(a, p, h);
    CHECK(df.NumAccelerators() == static_cast<std::size_t>(g * a * p));
    CHECK(df.NumSwitches() == static_cast<std::size_t>(g * a));
    const GraphCounts dc = Count(df);
    CHECK(dc.linksByClass.at("access") == static_cast<std::size_t>(g * a * p));
    CHECK(dc.linksByClass.at("local") == static_cast<std::size_t>(g * a * (a - 1) / 2));
    CHECK(dc.linksByClass.at("global") == static_cast<std::size_t>(g * (g - 1) / 2));
    // Every router uses all its ports; every pair of groups shares exactly one global link.
    for (uint32_t r = g * a * p; r < df.NumNodes(); ++r)
    {
        CHECK(df.GetDegree(r) == static_cast<uint32_t>(p + a - 1 + h));
    }
    std::set<std::pair<int, int>> groupPairs;
    for (const Link& l : df.GetLinks())
    {
        if (l.linkClass != "global")
        {
            continue;
        }
        const int ga = df.GetNode(l.a).coord[0], gb = df.GetNode(l.b).coord[0];
        CHECK(ga != gb);
        CHECK(groupPairs.insert({std::min(ga, gb), std::max(ga, gb)}).second);
    }
    CHECK(groupPairs.size() == static_cast<std::size_t>(g * (g - 1) / 2));

    // Fewer groups: each pair shares floor(a*h / (g-1)) links.
    const Graph small = Dragonfly(2, 1, 2, 3);
    CHECK(Count(small).linksByClass.at("global") == 3 * 2);
}

TEST_CASE("generator errors name the parameter and what was expected", "[generators][errors]")
{
    CHECK_THROWS_AS(Torus({4, 1}), TopologyError);
    CHECK_THROWS_WITH(Torus({4, 1}), "torus: every dimension needs k >= 2, got dims[1] = 1");
    CHECK_THROWS_WITH(Torus({}), Catch::Contains("at least one dimension"));
    CHECK_THROWS_WITH(Mesh({0}), Catch::Contains("dims[0] = 0"));
    CHECK_THROWS_WITH(Torus({4096, 4096, 4096}), Catch::Contains("generator limit"));
    CHECK_THROWS_WITH(Torus({4, 4}, -1.0), Catch::Contains("linkLengthM"));
    CHECK_THROWS_WITH(Ring(1), Catch::Contains("n must be >= 2, got 1"));
    CHECK_THROWS_WITH(FullMesh(4, 0), Catch::Contains("linksPerPair must be >= 1, got 0"));
    CHECK_THROWS_WITH(SwitchedPod(1024, 4, 512), "switched pod: 1024 accelerators need switch radix >= 1024, got 512");
    CHECK_THROWS_WITH(SwitchedPod(8, 0, 8), Catch::Contains("planes must be >= 1, got 0"));
    CHECK_THROWS_WITH(FatTree(0, 2, 2), Catch::Contains("leaves must be >= 1, got 0"));
    CHECK_THROWS_WITH(Dragonfly(2, 1, 2, 6),
                      Catch::Contains("6 groups need a*h >= g-1 = 5 global ports per group, got a*h = 4"));
    CHECK_THROWS_WITH(Dragonfly(0, 1, 1), Catch::Contains("routers per group"));
}
