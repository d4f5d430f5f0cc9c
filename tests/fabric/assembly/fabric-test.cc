// The fabric model: a graph built through UalinkHelper, each cable as long as the graph says, and
// no traffic until a route plan is installed.

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/routing/route-planner.h"
#include "ofab/fabric/workloads/collective-workload.h"
#include "ofab/foundation/parameter-error.h"
#include "ofab/topologies/generators.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <memory>

using namespace ofab;

namespace
{

/// a0 - a1 - a2 in a line, the two cables of different lengths.
topo::Graph
Line(double firstM, double secondM)
{
    topo::Graph g;
    for (int i = 0; i < 3; ++i)
    {
        g.AddNode(topo::NodeRole::Accelerator, "a" + std::to_string(i));
    }
    topo::LinkAttrs first;
    first.lengthM = firstM;
    g.AddLink(0, 1, first);
    topo::LinkAttrs second;
    second.lengthM = secondM;
    g.AddLink(1, 2, second);
    return g;
}

} // namespace

TEST_CASE("each cable is as long as the graph says, whatever the link attributes say", "[fabric]")
{
    FabricSpec spec;
    spec.protocol.Photonics().SetLinkAttribute("FibreLengthM", ns3::DoubleValue(100.0));
    spec.protocol.Photonics().SetLinkAttribute("PropagationDelayNsPerM", ns3::DoubleValue(5.0));
    const Fabric f(Line(2.0, 30.0), spec);
    REQUIRE(f.Links().size() == 2);
    for (uint8_t d = 0; d < 2; ++d)
    {
        CHECK(f.Links()[0].channel->GetLink(d)->GetPropagationDelay() == ns3::NanoSeconds(10));
        CHECK(f.Links()[1].channel->GetLink(d)->GetPropagationDelay() == ns3::NanoSeconds(150));
    }
    // The spec is the caller's, untouched: a second fabric from it gets its own graph's lengths.
    const Fabric g(Line(1.0, 1.0), spec);
    CHECK(g.Links()[1].channel->GetLink(0)->GetPropagationDelay() == ns3::NanoSeconds(5));
    ns3::Simulator::Destroy();
}

TEST_CASE("ports are wired the graph's way, and one stream per link direction is assigned", "[fabric]")
{
    const Fabric f(topo::Torus({3, 3}), FabricSpec{});
    CHECK(f.AcceleratorCount() == 9);
    for (const FabricLink& l : f.Links())
    {
        const topo::Link& gl = f.Graph().GetLink(l.id);
        CHECK(f.Router(l.a)->GetPort(f.RouterPort(l.a, gl.portA)) == l.portA);
        CHECK(f.Router(l.b)->GetPort(f.RouterPort(l.b, gl.portB)) == l.portB);
        CHECK(l.portA->GetPeer() == ns3::PeekPointer(l.portB));
    }
    Fabric h(topo::Torus({3, 3}), FabricSpec{});
    CHECK(h.AssignStreams(7) == static_cast<int64_t>(2 * h.Links().size()));
    ns3::Simulator::Destroy();
}

TEST_CASE("a fabric has no routes until a plan is installed, a disconnected one is refused", "[fabric]")
{
    Fabric f(topo::Ring(4), FabricSpec{});
    const ForwardingChoice* choices = nullptr;
    CHECK(f.Router(0)->GetForwardingTable().Lookup(2, choices) == 0);
    InstallInitialRoutes(f);
    CHECK(f.Router(0)->GetForwardingTable().Lookup(2, choices) == 2); // half way round: both ways

    // Both links of a1 down: a1 is cut off from the 3 others (pairs i < j); the others are rerouted.
    topo::LinkMask mask(f.Links().size(), true);
    for (const topo::Adjacency& a : f.Graph().GetNeighbours(1))
    {
        mask[a.link] = false;
    }
    const auto partitioned = f.InstallRoutes(PlanRoutes(f, mask));
    CHECK(partitioned == std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {1, 2}, {1, 3}});
    CHECK(f.Router(0)->GetRoute(2) == std::vector<ForwardingChoice>{{f.RouterPort(0, 1), true}}); // the wrap way

    topo::Graph split;
    for (int i = 0; i < 4; ++i)
    {
        split.AddNode(topo::NodeRole::Accelerator);
    }
    split.AddLink(0, 1);
    split.AddLink(2, 3);
    Fabric halves(split, FabricSpec{});
    CHECK_THROWS_WITH(InstallInitialRoutes(halves),
                      "Topology: the topology is disconnected: accelerator 0 cannot reach 2");
    ns3::Simulator::Destroy();
}

namespace
{

/// The completed all-reduce time (ns) of a 256 KiB ring all-reduce on each fabric, run together in
/// one simulation when `together`, else each alone.
std::vector<double>
AllReduceTimes(bool together)
{
    const std::vector<topo::Graph> graphs = {topo::Ring(4), topo::SwitchedPod(8, 2, 64)};
    std::vector<double> out;
    std::vector<std::unique_ptr<Fabric>> fabrics;
    std::vector<ns3::Ptr<CollectiveWorkload>> workloads;
    const auto run = [&] {
        ns3::Simulator::Stop(ns3::MilliSeconds(1));
        ns3::Simulator::Run();
        for (const auto& w : workloads)
        {
            const auto r = w->GetCollectiveResults();
            REQUIRE(r.size() == 1);
            REQUIRE(r[0].completed);
            out.push_back(r[0].Duration().ToDouble(ns3::Time::NS));
        }
        workloads.clear();
        fabrics.clear();
        ns3::Simulator::Destroy();
    };
    for (std::size_t i = 0; i < graphs.size(); ++i)
    {
        fabrics.push_back(std::make_unique<Fabric>(graphs[i], FabricSpec{}));
        InstallInitialRoutes(*fabrics.back());
        fabrics.back()->AssignStreams(0);
        auto w = ns3::CreateObject<CollectiveWorkload>();
        w->SetAttribute("Bytes", ns3::UintegerValue(256 << 10));
        w->SetAttribute("Start", ns3::TimeValue(ns3::MicroSeconds(1 + i)));
        w->Install(MakeWorkloadContext(fabrics.back()->Endpoints(), ns3::MilliSeconds(1)));
        workloads.push_back(w);
        if (!together)
        {
            run();
        }
    }
    if (together)
    {
        run();
    }
    return out;
}

} // namespace

TEST_CASE("several fabrics share one simulation without touching each other (the sites of a region)", "[fabric]")
{
    const std::vector<double> alone = AllReduceTimes(false);
    const std::vector<double> together = AllReduceTimes(true);
    REQUIRE(alone.size() == 2);
    CHECK(alone[0] != alone[1]); // two different fabrics, two different times ...
    CHECK(together == alone);    // ... each exactly what it takes alone
}
