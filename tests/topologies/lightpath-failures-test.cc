// Failures of fibre routes, ducts and ROADMs; restoration; 1+1 protection.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "ofab/topologies/lightpath-routing.h"
#include "ofab/topologies/optical-mesh.h"

#include "lightpath-test-util.h"

using namespace ofab::topo;
using ofab::topo::testing::Req;

namespace
{

/// Every (route, wavelength) is held by at most one channel, and each lightpath's wavelength is held
/// on every route of its paths: capacity and continuity, checked from the lightpaths alone.
void
CheckChannels(const LightpathPlan& plan)
{
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> held;
    for (const Lightpath& lp : plan.GetLightpaths())
    {
        if (!lp.up)
        {
            continue;
        }
        std::vector<WavelengthChannel> channels{lp.working};
        if (lp.protection)
        {
            channels.push_back(*lp.protection);
        }
        for (const WavelengthChannel& c : channels)
        {
            for (uint32_t r : c.path.routes)
            {
                CHECK(c.wavelength < plan.Mesh().GetRoute(r).wavelengths);
                CHECK(held.emplace(std::make_pair(r, c.wavelength), lp.id).second);
                CHECK(plan.Owner(r, c.wavelength) == static_cast<int32_t>(lp.id));
                CHECK(plan.RouteUsable(r));
            }
        }
    }
}

/// A ring A-B-C-D-A plus a chord B-D. Routes A-B and B-C run in the one duct "north".
struct RingMesh
{
    OpticalMesh m;
    RingMesh(uint32_t wavelengths, uint32_t chordWavelengths)
    {
        for (const char* n : {"A", "B", "C", "D"})
        {
            m.AddNode(n);
        }
        m.AddRoute(0, 1, 100, wavelengths, "north"); // 0: A-B
        m.AddRoute(1, 2, 100, wavelengths, "north"); // 1: B-C
        m.AddRoute(2, 3, 150, wavelengths, "south"); // 2: C-D
        m.AddRoute(3, 0, 150, wavelengths, "west");  // 3: D-A
        m.AddRoute(1, 3, 120, chordWavelengths);     // 4: B-D, own duct
    }
};

} // namespace

TEST_CASE("A duct cut downs exactly the lightpaths routed over it", "[failures]")
{
    RingMesh ring(8, 8);
    LightpathPlan plan(ring.m);
    for (auto [a, b] :
         std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {0, 2}, {1, 2}, {2, 3}, {0, 3}, {1, 3}, {3, 2}})
    {
        plan.Provision(Req(a, b));
    }
    std::vector<uint32_t> overNorth;
    for (const Lightpath& lp : plan.GetLightpaths())
    {
        REQUIRE(lp.up);
        const auto& r = lp.working.path.routes;
        if (std::count(r.begin(), r.end(), 0u) + std::count(r.begin(), r.end(), 1u) > 0)
        {
            overNorth.push_back(lp.id);
        }
    }
    CHECK(overNorth == std::vector<uint32_t>{0, 1, 2}); // A-B, A-B-C, B-C
    CHECK(plan.SharedRiskGroups().at("north") == overNorth);
    const FailureImpact cut = plan.FailDuct("north");
    CHECK(cut.routes == std::vector<uint32_t>{0, 1});
    CHECK(cut.down == overNorth);
    CHECK(cut.Affected() == overNorth);
    for (const Lightpath& lp : plan.GetLightpaths())
    {
        const bool over = std::count(overNorth.begin(), overNorth.end(), lp.id) > 0;
        CHECK(lp.up == !over);
        CHECK(lp.reason == (over ? DownReason::Failed : DownReason::None));
    }
    CHECK(plan.FailDuct("north").Affected().empty()); // already down: nothing new
    CHECK_THROWS_AS(plan.FailDuct("east"), TopologyError);
}

TEST_CASE("Restoration re-routes over what survives, within capacity and continuity", "[failures]")
{
    RingMesh ring(8, 8);
    LightpathPlan plan(ring.m);
    const uint32_t ab = plan.Provision(Req(0, 1));
    const uint32_t ac = plan.Provision(Req(0, 2));
    plan.Provision(Req(3, 2));
    plan.FailRoute(0); // A-B
    const auto outcomes = plan.Restore();
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].lightpath == ab);
    CHECK(outcomes[0].restored);
    CHECK(ring.m.Describe(outcomes[0].channel.path) == "A-D-B");
    CHECK(outcomes[1].lightpath == ac);
    CHECK(ring.m.Describe(outcomes[1].channel.path) == "A-D-C");
    // D-C already carries lightpath 2 on wavelength 0; A-D carries A-B on 0: A-C takes 1 on both.
    CHECK(outcomes[1].channel.wavelength == 1);
    CheckChannels(plan);
    plan.RepairRoute(0);
    CHECK(plan.RouteUsable(0));
}

TEST_CASE("A mesh without spare capacity reports which lightpaths stay down and why", "[failures]")
{
    // Two wavelengths per ring route, one on the chord: after the north duct is cut, A-B (via D) and
    // B-C (via D) compete for B-D's single wavelength.
    RingMesh ring(2, 1);
    LightpathPlan plan(ring.m);
    const uint32_t ab = plan.Provision(Req(0, 1));
    const uint32_t bc = plan.Provision(Req(1, 2));
    const uint32_t ac = plan.Provision(Req(0, 2));
    const uint32_t dc = plan.Provision(Req(3, 2));
    CHECK(plan.FailDuct("north").down == std::vector<uint32_t>{ab, bc, ac});
    const auto out = plan.Restore();
    REQUIRE(out.size() == 3);
    CHECK(out[0].restored); // A-B over A-D-B: the chord's one wavelength
    CHECK(ring.m.Describe(out[0].channel.path) == "A-D-B");
    CHECK_FALSE(out[1].restored); // B-C needs the chord too: nothing free on it
    CHECK(out[1].reason == DownReason::NoWavelength);
    CHECK(out[2].restored); // A-C over A-D-C: A-D has one left, D-C one left (D-C holds lightpath 3)
    CHECK(ring.m.Describe(out[2].channel.path) == "A-D-C");
    CHECK(plan.Get(dc).up);
    CHECK_FALSE(plan.Get(bc).up);
    CHECK(plan.Get(bc).reason == DownReason::NoWavelength);
    CheckChannels(plan);

    // Losing ROADM D too leaves B with no way to C; A and C keep only what D carried.
    const FailureImpact site = plan.FailNode(3);
    CHECK(site.down == std::vector<uint32_t>{ab, ac, dc});
    const auto again = plan.Restore();
    REQUIRE(again.size() == 4);
    CHECK(again[0].reason == DownReason::NoPath);       // A-B: the ring is broken at north and D
    CHECK(again[1].reason == DownReason::NoPath);       // B-C
    CHECK(again[2].reason == DownReason::NoPath);       // A-C
    CHECK(again[3].reason == DownReason::EndpointDown); // D-C ends at D
}

TEST_CASE("1+1 protection paths share no duct and no node with their working path", "[protection]")
{
    // A-B direct (duct east); A-C-B shares duct east with it; A-D-B is the only truly disjoint way.
    OpticalMesh m;
    for (const char* n : {"A", "B", "C", "D"})
    {
        m.AddNode(n);
    }
    m.AddRoute(0, 1, 100, 4, "east");
    m.AddRoute(0, 2, 100, 4, "east");
    m.AddRoute(2, 1, 100, 4, "c");
    m.AddRoute(0, 3, 300, 4, "d1");
    m.AddRoute(3, 1, 300, 4, "d2");
    LightpathPlan plan(m);
    LightpathRequest req{0, 1, true, "A-B#0"};
    const uint32_t id = plan.Provision(req);
    const Lightpath& lp = plan.Get(id);
    REQUIRE(lp.up);
    REQUIRE(lp.protection);
    CHECK(m.Describe(lp.working.path) == "A-B");
    CHECK(m.Describe(lp.protection->path) == "A-D-B");
    std::set<std::string> ducts;
    for (uint32_t r : lp.working.path.routes)
    {
        ducts.insert(m.GetRoute(r).duct);
    }
    for (uint32_t r : lp.protection->path.routes)
    {
        CHECK(ducts.count(m.GetRoute(r).duct) == 0);
    }
    CheckChannels(plan);
    // The duct cut switches it to protection: up, no restoration needed, and no standby left.
    const FailureImpact cut = plan.FailDuct("east");
    CHECK(cut.switchedToProtection == std::vector<uint32_t>{id});
    CHECK(cut.down.empty());
    CHECK(plan.Get(id).up);
    CHECK(m.Describe(plan.Get(id).working.path) == "A-D-B");
    CHECK_FALSE(plan.Get(id).protection);
    // Restoration finds no new disjoint standby: every other way shares duct east or node D.
    CHECK(plan.Restore().empty());
    CHECK(plan.Get(id).protectionReason == DownReason::NoDisjointPath);
    // After the repair it gets one again (A-B, its own wavelength).
    plan.RepairDuct("east");
    plan.Restore();
    REQUIRE(plan.Get(id).protection);
    CHECK(m.Describe(plan.Get(id).protection->path) == "A-B");
    CheckChannels(plan);
}

TEST_CASE("Losing the protection path leaves the working path up", "[protection]")
{
    RingMesh ring(4, 4);
    LightpathPlan plan(ring.m);
    const uint32_t id = plan.Provision(Req(0, 1, true));
    REQUIRE(plan.Get(id).protection);
    CHECK(ring.m.Describe(plan.Get(id).working.path) == "A-B");
    CHECK(ring.m.Describe(plan.Get(id).protection->path) == "A-D-B");
    const FailureImpact f = plan.FailRoute(4); // the chord B-D
    CHECK(f.protectionLost == std::vector<uint32_t>{id});
    CHECK(f.down.empty());
    CHECK(plan.Get(id).up);
    CHECK(plan.Owner(3, 0) == -1); // the standby's wavelength on A-D is free again
}
