// The optical mesh graph, k shortest paths, and routing and wavelength assignment of lightpaths.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "ofab/topologies/lightpath-routing.h"
#include "ofab/topologies/optical-mesh.h"

#include "lightpath-test-util.h"

using namespace ofab::topo;
using ofab::topo::testing::Req;

namespace
{

/// Nodes by name, in the order given.
OpticalMesh
Nodes(std::initializer_list<const char*> names)
{
    OpticalMesh m;
    for (const char* n : names)
    {
        m.AddNode(n);
    }
    return m;
}

uint32_t
N(const OpticalMesh& m, const char* name)
{
    return *m.FindNode(name);
}

} // namespace

TEST_CASE("An optical mesh refuses bad nodes and routes", "[optical-mesh]")
{
    OpticalMesh m = Nodes({"A", "B"});
    CHECK_THROWS_AS(m.AddNode("A"), TopologyError);
    CHECK_THROWS_AS(m.AddNode(""), TopologyError);
    CHECK_THROWS_WITH(m.AddRoute(0, 0, 10, 4), Catch::Contains("to itself"));
    CHECK_THROWS_WITH(m.AddRoute(0, 1, -10, 4), Catch::Contains("above 0 km"));
    CHECK_THROWS_AS(m.AddRoute(0, 7, 10, 4), TopologyError);
    CHECK_THROWS_AS(m.AddRoute(0, 1, 10, 0), TopologyError);
    const uint32_t r = m.AddRoute(0, 1, 10, 4);
    CHECK(m.GetRoute(r).duct == "route:0"); // alone in its own duct
    CHECK(m.GetGraph().GetLink(r).lengthM == Approx(10000));
}

TEST_CASE("k shortest mesh paths come by length, loopless, around what is down", "[optical-mesh]")
{
    // A square A-B-C-D-A (100 km sides) with a 120 km diagonal A-C.
    OpticalMesh m = Nodes({"A", "B", "C", "D"});
    m.AddRoute(0, 1, 100, 8);
    m.AddRoute(1, 2, 100, 8);
    m.AddRoute(2, 3, 100, 8);
    m.AddRoute(3, 0, 100, 8);
    m.AddRoute(0, 2, 120, 8);
    const auto paths = KShortestMeshPaths(m, 0, 2, 5);
    REQUIRE(paths.size() == 3); // A-C, A-B-C, A-D-C; no loop makes a fourth
    CHECK(m.Describe(paths[0]) == "A-C");
    CHECK(paths[0].lengthKm == Approx(120));
    // Two ties at 200 km, in Dijkstra's tie order (the same on every run).
    CHECK(std::set<std::string>{m.Describe(paths[1]), m.Describe(paths[2])} == std::set<std::string>{"A-B-C", "A-D-C"});
    CHECK(paths[1].lengthKm == Approx(200));
    CHECK(paths[2].lengthKm == Approx(200));
    const auto noB = KShortestMeshPaths(m, 0, 2, 5, {}, {true, false, true, true});
    REQUIRE(noB.size() == 2);
    CHECK(m.Describe(noB[1]) == "A-D-C");
    CHECK(KShortestMeshPaths(m, 0, 2, 5, {true, true, true, true, false}).size() == 2);
    CHECK(KShortestMeshPaths(m, 0, 2, 5, {}, {true, true, false, true}).empty()); // C is down
}

TEST_CASE("Wavelength continuity: free wavelengths that differ per route do not make a lightpath", "[rwa]")
{
    // A-B-C is the short way (200 km), A-F-C the long one (400 km); two wavelengths everywhere.
    OpticalMesh m = Nodes({"A", "B", "C", "D", "F"});
    const uint32_t ab = m.AddRoute(0, 1, 100, 2);
    const uint32_t bc = m.AddRoute(1, 2, 100, 2);
    m.AddRoute(3, 1, 50, 2);
    m.AddRoute(0, 4, 200, 2);
    m.AddRoute(4, 2, 200, 2);
    LightpathPlan plan(m);
    plan.Provision(Req(N(m, "A"), N(m, "B"))); // A-B: 0
    plan.Provision(Req(N(m, "D"), N(m, "B"))); // D-B: 0
    const uint32_t dc = plan.Provision(Req(N(m, "D"), N(m, "C")));
    CHECK(plan.Get(dc).working.wavelength == 1); // 0 is taken on D-B, so B-C gets 1
    // Now A-B has only 1 free and B-C only 0: each route has a free wavelength, no index is free on both.
    CHECK(plan.FreeWavelengths(ab) == 1);
    CHECK(plan.FreeWavelengths(bc) == 1);
    CHECK(plan.Owner(ab, 1) == -1);
    CHECK(plan.Owner(bc, 0) == -1);
    const uint32_t ac = plan.Provision(Req(N(m, "A"), N(m, "C")));
    REQUIRE(plan.Get(ac).up);
    CHECK(m.Describe(plan.Get(ac).working.path) == "A-F-C");
    CHECK(plan.Get(ac).working.wavelength == 0);
    // A second A-C takes the long way's other wavelength; a third finds none anywhere.
    CHECK(plan.Get(plan.Provision(Req(N(m, "A"), N(m, "C")))).working.wavelength == 1);
    const Lightpath& none = plan.Get(plan.Provision(Req(N(m, "A"), N(m, "C"))));
    CHECK_FALSE(none.up);
    CHECK(none.reason == DownReason::NoWavelength);
    CHECK(m.Describe(none.lastPath) == "A-B-C");
}

TEST_CASE("The feasibility predicate keeps lightpaths off paths that do not close", "[rwa]")
{
    OpticalMesh m = Nodes({"A", "B", "C"});
    m.AddRoute(0, 1, 300, 4);
    m.AddRoute(1, 2, 300, 4);
    m.AddRoute(0, 2, 700, 4);
    LightpathPlan plan(m, [](const MeshPath& p) { return p.lengthKm <= 650; });
    const Lightpath& lp = plan.Get(plan.Provision(Req(0, 2)));
    REQUIRE(lp.up);
    CHECK(m.Describe(lp.working.path) == "A-B-C");
    LightpathPlan strict(m, [](const MeshPath& p) { return p.lengthKm <= 500; });
    const Lightpath& far = strict.Get(strict.Provision(Req(0, 2)));
    CHECK_FALSE(far.up);
    CHECK(far.reason == DownReason::DoesNotClose);
    CHECK(m.Describe(far.lastPath) == "A-B-C");
}
