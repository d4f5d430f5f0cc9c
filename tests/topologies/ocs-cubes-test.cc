// OCS cube fabrics: counts against hand-derived figures, port layout, cross-connect maps, slice views
// as tori, the union of candidate circuits over spare-cube configurations, parameter errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "ofab/topologies/analysis.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/ocs-cubes.h"
#include "ofab/topologies/routing-dor.h"

using namespace ofab::topo;

namespace
{

OcsCubesSpec
Spec(std::vector<int> cubeDims, int cubes, std::vector<int> sliceCubes, std::vector<std::vector<int>> configurations)
{
    OcsCubesSpec s;
    s.cubeDims = std::move(cubeDims);
    s.cubes = cubes;
    s.sliceCubes = std::move(sliceCubes);
    s.configurations = std::move(configurations);
    return s;
}

std::size_t
CountUp(const LinkMask& mask)
{
    return static_cast<std::size_t>(std::count(mask.begin(), mask.end(), true));
}

// The view of configuration k is a torus whose nodes are the slice's accelerators, each once, and
// whose links are exactly the slice's links, each once, joining the mapped nodes the same way round.
void
CheckView(const OcsCubes& f, std::size_t k)
{
    INFO("configuration " << k);
    const SliceView v = f.View(k);
    const LinkMask mask = SliceMask(f, k);
    const Graph& g = f.graph;
    REQUIRE(v.torus.GetGrid());
    CHECK(v.torus.GetGrid()->dims == std::vector<int>{f.cubeDims[0] * f.sliceCubes[0], f.cubeDims[1] * f.sliceCubes[1],
                                                      f.cubeDims[2] * f.sliceCubes[2]});
    REQUIRE(v.node.size() == v.torus.NumNodes());
    REQUIRE(v.link.size() == v.torus.NumLinks());
    const std::set<int> cubes(f.configurations[k].cubes.begin(), f.configurations[k].cubes.end());
    CHECK(std::set<uint32_t>(v.node.begin(), v.node.end()).size() == v.node.size());
    for (uint32_t t = 0; t < v.torus.NumNodes(); ++t)
    {
        const std::vector<int>& tc = v.torus.GetNode(t).coord;
        const std::vector<int>& gc = g.GetNode(v.node[t]).coord;
        CHECK(cubes.count(gc[0]) == 1);
        for (int a = 0; a < 3; ++a)
        {
            CHECK(gc[a + 1] == tc[a] % f.cubeDims[a]);
        }
    }
    for (const Link& t : v.torus.GetLinks())
    {
        const Link& l = g.GetLink(v.link[t.id]);
        CHECK(l.a == v.node[t.a]);
        CHECK(l.b == v.node[t.b]);
        CHECK(l.dimension == t.dimension);
        CHECK(mask[l.id]);
    }
    CHECK(std::set<uint32_t>(v.link.begin(), v.link.end()).size() == v.link.size());
    CHECK(CountUp(mask) == v.link.size());
    CHECK(SliceConnected(g, v.node, mask));
    // Dimension-order routing works on the view and its hops are slice links.
    const DimensionOrderRouter dor(v.torus);
    const uint32_t last = static_cast<uint32_t>(v.torus.NumNodes() - 1);
    for (const DorHop& h : dor.Route(0, last))
    {
        CHECK(mask[v.link[h.link]]);
    }
}

// Per OCS no port is connected twice, and the pairs are exactly the configuration's circuits.
void
CheckCrossConnects(const OcsCubes& f, std::size_t k)
{
    INFO("configuration " << k);
    const OcsConfiguration& c = f.configurations[k];
    REQUIRE(c.crossConnects.size() == f.ocsCount);
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> pairs;
    std::size_t count = 0;
    for (uint32_t ocs = 0; ocs < f.ocsCount; ++ocs)
    {
        std::set<uint32_t> used;
        for (const auto& [p, q] : c.crossConnects[ocs])
        {
            CHECK(p < q);
            CHECK(q < f.portsPerOcs);
            CHECK(used.insert(p).second);
            CHECK(used.insert(q).second);
            pairs.emplace(ocs, p, q);
            ++count;
        }
    }
    CHECK(count == c.circuits.size());
    CHECK(std::is_sorted(c.circuits.begin(), c.circuits.end()));
    const uint32_t firstCircuit = f.circuits.front().link;
    for (uint32_t l : c.circuits)
    {
        const OcsCircuit& cc = f.circuits[l - firstCircuit];
        CHECK(pairs.count({cc.a.ocs, std::min(cc.a.port, cc.b.port), std::max(cc.a.port, cc.b.port)}) == 1);
    }
}

} // namespace

TEST_CASE("OCS cubes: two 4x4x4 cubes in a 1x1x2 slice", "[ocs-cubes]")
{
    const OcsCubes f = BuildOcsCubes(Spec({4, 4, 4}, 2, {1, 1, 2}, {{0, 1}}));
    const Graph& g = f.graph;
    CHECK(g.GetKind() == "ocs-cubes");
    CHECK(g.NumNodes() == 128);
    CHECK(g.NumAccelerators() == 128);
    CHECK(f.ocsCount == 48); // 16 face positions per axis
    CHECK(f.portsPerOcs == 4);
    const GraphCounts counts = Count(g);
    CHECK(counts.linksByClass.at("cube") == 288); // 2 cubes x 3 axes x 3 x 16
    CHECK(counts.linksByClass.at("ocs") == 96);   // 48 OCSes x 2 slice positions
    CHECK(f.circuits.size() == 96);
    REQUIRE(f.configurations.size() == 1);
    CHECK(f.configurations[0].circuits.size() == 96);
    CHECK(CountUp(SliceMask(f, 0)) == 384); // the 4x4x8 torus: 3 x 128 links

    const auto c1 = g.FindNode("c1(0,3,2)");
    REQUIRE(c1);
    CHECK(*c1 == 108); // 64 + 0 + 4 * (3 + 4 * 2)
    CHECK(g.GetNode(108).coord == std::vector<int>{1, 0, 3, 2});
    for (const Node& n : g.GetNodes())
    {
        CHECK(n.transit);
    }

    for (uint32_t i = 0; i < f.circuits.size(); ++i)
    {
        const OcsCircuit& c = f.circuits[i];
        CHECK(c.link == 288 + i);
        const Link& l = g.GetLink(c.link);
        CHECK(l.linkClass == "ocs");
        CHECK(l.lengthM == 10.0);
        CHECK_FALSE(l.wrap);
        CHECK(c.a.ocs == c.b.ocs);
        CHECK(c.a.port % 2 == 1);
        CHECK(c.b.port % 2 == 0);
        const int a = l.dimension;
        const std::vector<int>& ca = g.GetNode(l.a).coord;
        const std::vector<int>& cb = g.GetNode(l.b).coord;
        CHECK(ca[0] == static_cast<int>(c.a.port / 2));
        CHECK(cb[0] == static_cast<int>(c.b.port / 2));
        CHECK(ca[a + 1] == 3);
        CHECK(cb[a + 1] == 0);
        for (int d = 0; d < 3; ++d)
        {
            if (d != a)
            {
                CHECK(ca[d + 1] == cb[d + 1]);
            }
        }
    }
    for (const Link& l : g.GetLinks())
    {
        if (l.linkClass == "cube")
        {
            CHECK(l.lengthM == 1.0);
            CHECK_FALSE(l.wrap);
            const std::vector<int>& ca = g.GetNode(l.a).coord;
            const std::vector<int>& cb = g.GetNode(l.b).coord;
            CHECK(ca[0] == cb[0]);
            CHECK(cb[l.dimension + 1] == ca[l.dimension + 1] + 1);
        }
    }

    // x(1,2) is OCS 1 + 4 * 2; y(2,3) is 16 + 2 + 4 * 3; z(3,0) is 32 + 3.
    CHECK(f.PortName({9, 3}) == "ocs x(1,2) port 3 (cube 1 + face)");
    CHECK(f.PortName({30, 2}) == "ocs y(2,3) port 2 (cube 1 - face)");
    CHECK(f.PortName({35, 0}) == "ocs z(3,0) port 0 (cube 0 - face)");
    CHECK_THROWS_WITH(f.PortName({48, 0}), "ocs cubes: no OCS port 48/0 (OCSes: 48, ports each: 4)");
    CHECK_THROWS_AS(f.PortName({0, 4}), TopologyError);
    // Cube 0 alone along x: its + face meets its own - face on OCS x(1,2): ports 1 and 0.
    const auto x12 = std::find_if(f.circuits.begin(), f.circuits.end(),
                                  [&](const OcsCircuit& c) { return c.a.ocs == 9 && c.a.port == 1; });
    REQUIRE(x12 != f.circuits.end());
    CHECK(f.PortName(x12->b) == "ocs x(1,2) port 0 (cube 0 - face)");
    CHECK(g.GetNode(g.GetLink(x12->link).a).name == "c0(3,1,2)");
    CHECK(g.GetNode(g.GetLink(x12->link).b).name == "c0(0,1,2)");
}

TEST_CASE("OCS cubes: ports are the cube links in torus order, then the circuits", "[ocs-cubes]")
{
    const OcsCubes f = BuildOcsCubes(Spec({4, 4, 4}, 2, {1, 1, 2}, {{0, 1}}));
    const Graph& g = f.graph;
    // An interior node has the 6 cube links only; a corner 3 cube links and one circuit per face.
    CHECK(g.GetDegree(*g.FindNode("c0(1,1,1)")) == 6);
    CHECK(g.GetDegree(*g.FindNode("c0(0,0,0)")) == 6);
    CHECK(g.GetDegree(*g.FindNode("c1(3,3,3)")) == 6);
    CHECK(g.GetDegree(*g.FindNode("c1(0,1,1)")) == 6); // 5 cube links, one x circuit
    for (uint32_t n = 0; n < g.NumNodes(); ++n)
    {
        int lastRank = -1;
        uint32_t lastCircuit = 0;
        for (const Adjacency& adj : g.GetNeighbours(n))
        {
            const Link& l = g.GetLink(adj.link);
            if (l.linkClass == "cube")
            {
                const int rank = 2 * l.dimension + (l.a == n ? 0 : 1); // +d before -d
                CHECK(rank > lastRank);
                CHECK(lastCircuit == 0);
                lastRank = rank;
            }
            else
            {
                CHECK(l.id > lastCircuit);
                lastCircuit = l.id;
            }
        }
    }
    const uint32_t corner = *g.FindNode("c0(0,0,0)");
    const Span<Adjacency> ports = g.GetNeighbours(corner);
    CHECK(g.GetNode(ports[0].neighbour).name == "c0(1,0,0)");
    CHECK(g.GetNode(ports[1].neighbour).name == "c0(0,1,0)");
    CHECK(g.GetNode(ports[2].neighbour).name == "c0(0,0,1)");
    CHECK(g.GetNode(ports[3].neighbour).name == "c0(3,0,0)"); // x loopback
    CHECK(g.GetNode(ports[4].neighbour).name == "c0(0,3,0)"); // y loopback
    CHECK(g.GetNode(ports[5].neighbour).name == "c1(0,0,3)"); // z: cube 1's + face
}

TEST_CASE("OCS cubes: cross-connects are permutations", "[ocs-cubes]")
{
    const OcsCubes f = BuildOcsCubes(Spec({4, 4, 4}, 2, {1, 1, 2}, {{0, 1}}));
    CheckCrossConnects(f, 0);
    const auto& xc = f.configurations[0].crossConnects;
    using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;
    CHECK(xc[0] == Pairs{{0, 1}, {2, 3}});  // x: each cube loops back
    CHECK(xc[16] == Pairs{{0, 1}, {2, 3}}); // y: the same
    CHECK(xc[32] == Pairs{{0, 3}, {1, 2}}); // z: 0+ to 1-, 1+ to 0-

    const OcsCubes spares = BuildOcsCubes(Spec({2, 3, 2}, 5, {2, 1, 2}, WithSingleSpareSwaps({4, 0, 2, 1}, 5)));
    REQUIRE(spares.configurations.size() == 5); // 1 + 4 positions x 1 spare
    for (std::size_t k = 0; k < spares.configurations.size(); ++k)
    {
        CheckCrossConnects(spares, k);
        CHECK(spares.Find(spares.configurations[k].cubes) == k); // found by its cubes, in slice order
    }
    CHECK(spares.Find({0, 4, 2, 1}) == 5); // cubes 4 and 0 swapped: not declared
    CHECK(spares.Find({4, 0, 2}) == 5);
}

TEST_CASE("OCS cubes: the slice view is the torus, hop figures are the torus's", "[ocs-cubes]")
{
    const OcsCubes f = BuildOcsCubes(Spec({4, 4, 4}, 2, {1, 1, 2}, {{1, 0}}));
    CheckView(f, 0);
    // A 4x4x8 torus: diameter 2 + 2 + 4 = 8; mean (4/4 + 4/4 + 8/4) * 128 / 127.
    const HopStats s = AcceleratorHopStats(f.graph, SliceMask(f, 0));
    CHECK(s.diameter == 8);
    CHECK(s.reachablePairs == 128 * 127);
    CHECK(s.unreachablePairs == 0);
    CHECK(s.averageHops == Approx(4.0 * 128 / 127));
    const HopStats t = AcceleratorHopStats(f.View(0).torus);
    CHECK(t.diameter == 8);
    CHECK(t.averageHops == Approx(s.averageHops));
    // The slice starts with cube 1: torus node 0 is c1(0,0,0), the last one c0(3,3,3).
    const SliceView v = f.View(0);
    CHECK(f.graph.GetNode(v.node.front()).name == "c1(0,0,0)");
    CHECK(f.graph.GetNode(v.node.back()).name == "c0(3,3,3)");
    CHECK_THROWS_WITH(f.View(1), "ocs cubes: configuration 1 does not exist (configurations: 1)");
    CHECK_THROWS_WITH(SliceMask(f, 2), "ocs cubes: configuration 2 does not exist (configurations: 1)");
}

TEST_CASE("OCS cubes: spare swaps share their common circuits", "[ocs-cubes]")
{
    const std::vector<std::vector<int>> cfgs = WithSingleSpareSwaps({0, 1}, 3);
    CHECK(cfgs == std::vector<std::vector<int>>{{0, 1}, {2, 1}, {0, 2}});
    const OcsCubes f = BuildOcsCubes(Spec({2, 2, 2}, 3, {1, 1, 2}, cfgs));
    const Graph& g = f.graph;
    CHECK(g.NumNodes() == 24);
    CHECK(f.ocsCount == 12);
    CHECK(f.portsPerOcs == 6);
    const GraphCounts counts = Count(g);
    CHECK(counts.linksByClass.at("cube") == 36); // 3 cubes x 12
    // Each configuration lights 12 OCSes x 2 positions = 24 circuits, 72 in all. Distinct: the x and
    // y loopbacks of cubes 0, 1, 2 (2 axes x 3 cubes x 4 OCSes = 24) and the z circuits of the
    // ordered pairs 0-1, 1-0, 2-1, 1-2, 0-2, 2-0 (6 x 4 = 24).
    CHECK(counts.linksByClass.at("ocs") == 48);
    CHECK(f.circuits.size() == 48);
    for (const OcsConfiguration& c : f.configurations)
    {
        CHECK(c.circuits.size() == 24);
    }
    // Two configurations share the loopbacks of their common cube: 2 axes x 4 OCSes.
    auto common = [&](std::size_t i, std::size_t j) {
        std::vector<uint32_t> out;
        std::set_intersection(f.configurations[i].circuits.begin(), f.configurations[i].circuits.end(),
                              f.configurations[j].circuits.begin(), f.configurations[j].circuits.end(),
                              std::back_inserter(out));
        return out.size();
    };
    CHECK(common(0, 1) == 8);
    CHECK(common(0, 2) == 8);
    CHECK(common(1, 2) == 8);
    // Every accelerator: 3 cube links, an x and a y loopback, two z circuits on its z face.
    for (uint32_t n = 0; n < g.NumNodes(); ++n)
    {
        CHECK(g.GetDegree(n) == 7);
    }
    using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;
    CHECK(f.configurations[1].crossConnects[8] == Pairs{{2, 5}, {3, 4}}); // z: 2+ to 1-, 1+ to 2-
    CHECK(f.configurations[1].crossConnects[0] == Pairs{{2, 3}, {4, 5}}); // x: loopbacks of 1 and 2

    for (std::size_t k = 0; k < 3; ++k)
    {
        CheckCrossConnects(f, k);
        CheckView(f, k);
        // A 2x2x4 torus among 24 accelerators: the spare's 8 are unreachable.
        const HopStats s = AcceleratorHopStats(g, SliceMask(f, k));
        CHECK(s.diameter == 4);
        CHECK(s.reachablePairs == 16 * 15);
        CHECK(s.unreachablePairs == 24 * 23 - 16 * 15);
        CHECK(s.averageHops == Approx(2.0 * 16 / 15));
    }

    // The spare is not part of slice 0; without its z circuits the slice falls into its two cubes.
    std::vector<uint32_t> all(g.NumNodes());
    for (uint32_t n = 0; n < g.NumNodes(); ++n)
    {
        all[n] = n;
    }
    LinkMask mask = SliceMask(f, 0);
    CHECK_FALSE(SliceConnected(g, all, mask));
    const std::vector<uint32_t> slice = f.View(0).node;
    for (uint32_t l : f.configurations[0].circuits)
    {
        if (g.GetLink(l).dimension == 2)
        {
            mask[l] = false;
        }
    }
    CHECK_FALSE(SliceConnected(g, slice, mask));
    mask[f.configurations[0].circuits.back()] = true; // one z circuit joins them again
    CHECK(SliceConnected(g, slice, mask));
    CHECK(SliceConnected(g, {}, mask));
    CHECK_THROWS_AS(SliceConnected(g, slice, LinkMask(3, true)), TopologyError);
    CHECK_THROWS_WITH(SliceConnected(g, {24}, mask), "slice connectivity: no node 24 (nodes: 24)");
}

TEST_CASE("OCS cubes: one cube of width 2 along an axis gives the torus its two parallel links", "[ocs-cubes]")
{
    const OcsCubes f = BuildOcsCubes(Spec({2, 2, 2}, 4, {1, 2, 2}, {{3, 1, 0, 2}}));
    CHECK(f.configurations[0].circuits.size() == 48); // 12 OCSes x 4 positions
    CheckView(f, 0);
    const SliceView v = f.View(0);
    CHECK(v.torus.NumNodes() == 32);
    CHECK(v.torus.NumLinks() == 96); // 48 cube links + 48 circuits
    // Along x the torus joins each pair twice: the "+" link maps to the cube link, the wrap link to
    // the cube's loopback circuit (+ face port 2c+1 to - face port 2c of the same OCS).
    std::size_t loopbacks = 0;
    for (const Link& t : v.torus.GetLinks())
    {
        if (t.dimension != 0)
        {
            continue;
        }
        const Link& l = f.graph.GetLink(v.link[t.id]);
        CHECK(l.linkClass == (t.wrap ? "ocs" : "cube"));
        if (t.wrap)
        {
            const OcsCircuit& c = f.circuits[l.id - f.circuits.front().link];
            CHECK(c.a.port == c.b.port + 1);
            CHECK(static_cast<int>(c.b.port / 2) == f.graph.GetNode(l.a).coord[0]);
            ++loopbacks;
        }
    }
    CHECK(loopbacks == 16);
    // A 2x4x4 torus: diameter 1 + 2 + 2; mean (2/4 + 4/4 + 4/4) * 32 / 31.
    const HopStats s = AcceleratorHopStats(f.graph, SliceMask(f, 0));
    CHECK(s.diameter == 5);
    CHECK(s.averageHops == Approx(2.5 * 32 / 31));
    CHECK(s.unreachablePairs == 0);
}

TEST_CASE("OCS cubes: spare-swap configurations", "[ocs-cubes]")
{
    const auto cfgs = WithSingleSpareSwaps({0, 1, 2, 3}, 6);
    REQUIRE(cfgs.size() == 9); // 1 + 4 positions x 2 spares
    CHECK(cfgs[0] == std::vector<int>{0, 1, 2, 3});
    CHECK(cfgs[1] == std::vector<int>{4, 1, 2, 3});
    CHECK(cfgs[2] == std::vector<int>{5, 1, 2, 3});
    CHECK(cfgs[3] == std::vector<int>{0, 4, 2, 3});
    CHECK(cfgs[8] == std::vector<int>{0, 1, 2, 5});
    CHECK(WithSingleSpareSwaps({1, 0}, 2) == std::vector<std::vector<int>>{{1, 0}});
    CHECK_THROWS_WITH(WithSingleSpareSwaps({0, 3}, 3), "ocs cubes: initial[1]: cube 3 does not exist (cubes: 3)");
    CHECK_THROWS_WITH(WithSingleSpareSwaps({1, 1}, 3), "ocs cubes: initial: cube 1 fills two slice positions");
}

TEST_CASE("OCS cubes: bad parameters name the field", "[ocs-cubes][errors]")
{
    const auto ok = Spec({2, 2, 2}, 3, {1, 1, 3}, {{0, 1, 2}});
    CHECK_NOTHROW(BuildOcsCubes(ok));
    auto with = [&](auto change) {
        OcsCubesSpec s = ok;
        change(s);
        return s;
    };
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.cubeDims = {4, 4};
                      })),
                      "ocs cubes: cubeDims must list 3 dimensions {X, Y, Z}, got 2");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.cubeDims = {4, 1, 4};
                      })),
                      "ocs cubes: cubeDims[1] must be >= 2, got 1");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) { s.cubes = 0; })),
                      "ocs cubes: cubes must be >= 1, got 0");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.cubeDims = {256, 256, 256};
                      })),
                      "ocs cubes: 50331648 nodes is more than the generator limit of 16777216");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) { s.cubeLinkLengthM = -1; })),
                      Catch::Contains("cubeLinkLengthM must be finite and >= 0 m"));
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) { s.circuitLengthM = std::nan(""); })),
                      Catch::Contains("circuitLengthM must be finite and >= 0 m"));
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.sliceCubes = {1, 3};
                      })),
                      "ocs cubes: sliceCubes must list 3 cube counts {SX, SY, SZ}, got 2");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.sliceCubes = {1, 0, 3};
                      })),
                      "ocs cubes: sliceCubes[1] must be >= 1, got 0");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.sliceCubes = {2, 2, 1};
                      })),
                      "ocs cubes: sliceCubes 2x2x1 needs more cubes than the fabric has (cubes: 3)");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) { s.configurations.clear(); })),
                      "ocs cubes: configurations must list at least one configuration (the initial slice)");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.configurations.push_back({0, 1});
                      })),
                      "ocs cubes: configurations[1] lists 2 cubes, the 1x1x3 slice needs 3");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.configurations.push_back({0, 1, 5});
                      })),
                      "ocs cubes: configurations[1][2]: cube 5 does not exist (cubes: 3)");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) { s.configurations[0][0] = -1; })),
                      "ocs cubes: configurations[0][0]: cube -1 does not exist (cubes: 3)");
    CHECK_THROWS_WITH(BuildOcsCubes(with([](OcsCubesSpec& s) {
                          s.configurations[0] = {0, 1, 1};
                      })),
                      "ocs cubes: configurations[0]: cube 1 fills two slice positions: OCS x(0,0) port 3 "
                      "would be connected twice");
    // 1024x1024x2 cubes: 2048 + 2048 + 1048576 OCSes x 2 positions = 2105344 circuits per
    // configuration; 8 configurations exceed 2^24 before anything is built.
    CHECK_THROWS_WITH(BuildOcsCubes(Spec({1024, 1024, 2}, 2, {1, 1, 2}, std::vector<std::vector<int>>(8, {0, 1}))),
                      "ocs cubes: 16842752 circuits over all configurations is more than the generator limit of "
                      "16777216");
}
