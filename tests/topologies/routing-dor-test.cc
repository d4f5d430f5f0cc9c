// Dimension-order routing: path lengths equal torus distance, VC 1 exactly from the dateline.
#include <catch2/catch.hpp>

#include "ofab/topologies/generators.h"
#include "ofab/topologies/routing-dor.h"
#include "topology-test-util.h"

using namespace ofab::topo;
using ofab::topo::testing::TorusDistance;

namespace
{

// Walks every route and checks links, ports, dimension order and the dateline rule.
void
CheckAllRoutes(const Graph& g)
{
    const DimensionOrderRouter dor(g);
    const auto& dims = dor.GetDims();
    const std::size_t V = g.NumNodes();
    for (uint32_t s = 0; s < V; ++s)
    {
        const std::vector<uint32_t> bfs = HopDistances(g, s);
        for (uint32_t d = 0; d < V; ++d)
        {
            const std::vector<DorHop> r = dor.Route(s, d);
            INFO("src " << g.GetNode(s).name << " dst " << g.GetNode(d).name);
            REQUIRE(r.size() == dor.Distance(s, d));
            REQUIRE(r.size() == bfs[d]); // DOR is minimal
            if (dor.IsTorus())
            {
                REQUIRE(r.size() == TorusDistance(dims, s, d));
            }
            uint32_t at = s;
            int lastDim = -1;
            bool crossed = false;
            for (const DorHop& h : r)
            {
                const Link& l = g.GetLink(h.link);
                REQUIRE(h.from == at);
                REQUIRE(g.Other(h.link, at) == h.to);
                REQUIRE(h.port == g.PortAt(h.link, at));
                REQUIRE(l.dimension == h.dimension);
                REQUIRE(h.dimension >= lastDim); // dimension order
                if (h.dimension != lastDim)
                {
                    crossed = false;
                }
                crossed = crossed || l.wrap;
                CHECK(h.vc == (crossed ? 1 : 0)); // VC 1 from the dateline hop to the end of the dimension
                lastDim = h.dimension;
                at = h.to;
            }
            REQUIRE(at == d);
        }
    }
}

} // namespace

TEST_CASE("DOR paths are minimal and switch VC exactly at the dateline", "[routing][dor]")
{
    CheckAllRoutes(Torus({4, 4}));
    CheckAllRoutes(Torus({5, 4, 3}));
    CheckAllRoutes(Torus({2, 3}));
    CheckAllRoutes(Ring(7));
    CheckAllRoutes(Mesh({4, 3, 2}));
}

TEST_CASE("DOR on a ring of 8: explicit hops and VCs", "[routing][dor]")
{
    const Graph g = Ring(8);
    const DimensionOrderRouter dor(g);
    // 6 -> 1: forward distance 3 beats 5, so + through the wrap link 7 -> 0.
    auto r = dor.Route(6, 1);
    REQUIRE(r.size() == 3);
    CHECK(r[0].to == 7);
    CHECK(r[0].vc == 0);
    CHECK(r[1].to == 0);
    CHECK(g.GetLink(r[1].link).wrap);
    CHECK(r[1].vc == 1);
    CHECK(r[2].to == 1);
    CHECK(r[2].vc == 1);
    for (const auto& h : r)
    {
        CHECK(h.direction == +1);
    }
    // 0 -> 4 is a tie (4 either way): taken toward +, no wrap, VC 0 throughout.
    r = dor.Route(0, 4);
    REQUIRE(r.size() == 4);
    for (const auto& h : r)
    {
        CHECK(h.direction == +1);
        CHECK(h.vc == 0);
    }
    // 4 -> 0 is also a tie toward +: 4,5,6,7 then the wrap hop on VC 1.
    r = dor.Route(4, 0);
    REQUIRE(r.size() == 4);
    CHECK(r[3].vc == 1);
    CHECK(r[2].vc == 0);
    // 1 -> 7: backwards through the wrap link 0 -> 7 (the dateline in the - direction too).
    r = dor.Route(1, 7);
    REQUIRE(r.size() == 2);
    CHECK(r[0].direction == -1);
    CHECK(r[0].vc == 0);
    CHECK(r[1].vc == 1);
}

TEST_CASE("VC resets to 0 in each new dimension", "[routing][dor]")
{
    const Graph g = Torus({4, 4});
    const DimensionOrderRouter dor(g);
    // (3,2) -> (1,3): x goes 3 -> 0 -> 1 across the x dateline (VC 1, 1), then y goes 2 -> 3
    // without a wrap, back on VC 0.
    const uint32_t src = 3 + 4 * 2, dst = 1 + 4 * 3;
    const auto r = dor.Route(src, dst);
    REQUIRE(r.size() == 3);
    CHECK(r[0].vc == 1); // 3 -> 0 is the x dateline
    CHECK(r[1].vc == 1);
    CHECK(r[2].dimension == 1);
    CHECK(r[2].vc == 0); // new dimension, no wrap
}

TEST_CASE("hop-by-hop steps and the DOR table reproduce the route", "[routing][dor]")
{
    const Graph g = Torus({4, 3, 2});
    const DimensionOrderRouter dor(g);
    const NextHopTable table = dor.BuildTable();
    for (uint32_t s = 0; s < g.NumNodes(); ++s)
    {
        for (uint32_t d = 0; d < g.NumNodes(); ++d)
        {
            const auto r = dor.Route(s, d);
            uint8_t vc = 0;
            int dim = -1;
            uint32_t at = s;
            for (const DorHop& h : r)
            {
                const DorStep st = dor.Step(at, d);
                REQUIRE(st.port == h.port);
                vc = DimensionOrderRouter::NextVc(vc, dim, st);
                CHECK(vc == h.vc);
                dim = st.dimension;
                uint32_t count = 0;
                const uint32_t* ports = table.NextHops(at, d, &count);
                REQUIRE(count == 1);
                CHECK(ports[0] == h.port);
                at = st.next;
            }
            CHECK(dor.Step(d, d).port == kNoPort);
            CHECK(table.Distance(s, d) == r.size());
        }
    }
}

TEST_CASE("DOR is oblivious: a masked link on the path makes the route unusable", "[routing][dor]")
{
    const Graph g = Torus({4, 4});
    const DimensionOrderRouter dor(g);
    const auto r = dor.Route(0, 2);
    REQUIRE(r.size() == 2);
    CHECK(RouteIsUp(r, AllUp(g)));
    CHECK_FALSE(RouteIsUp(r, MaskWithDown(g, {r[1].link})));
}

TEST_CASE("DOR needs a grid", "[routing][dor][errors]")
{
    CHECK_THROWS_WITH(DimensionOrderRouter(FullMesh(4)), Catch::Contains("not a torus, mesh or ring"));
    const DimensionOrderRouter dor(Torus({3, 3}));
    CHECK_THROWS_AS(dor.Route(0, 9), TopologyError);
}
