// Data model: ports, CSR adjacency, accelerator indices, parallel links, masks.
#include <catch2/catch.hpp>

#include "ofab/topologies/topologies.h" // the umbrella header must compile on its own

using namespace ofab::topo;

TEST_CASE("links take ports in the order they are added", "[graph]")
{
    Graph g;
    const uint32_t a = g.AddNode(NodeRole::Accelerator, "a");
    const uint32_t s = g.AddNode(NodeRole::Switch, "s");
    const uint32_t b = g.AddNode(NodeRole::Accelerator, "b");
    const uint32_t l0 = g.AddLink(a, s);
    const uint32_t l1 = g.AddLink(s, b, LinkAttrs{12.5, "access", -1, false});
    const uint32_t l2 = g.AddLink(a, s); // parallel link: its own ports
    CHECK(g.GetLink(l0).portA == 0);
    CHECK(g.GetLink(l0).portB == 0);
    CHECK(g.GetLink(l1).portA == 1);
    CHECK(g.GetLink(l1).portB == 0);
    CHECK(g.GetLink(l2).portA == 1);
    CHECK(g.GetLink(l2).portB == 2);
    CHECK(g.GetLink(l1).lengthM == 12.5);
    CHECK(g.GetLink(l1).linkClass == "access");
    CHECK(g.GetDegree(s) == 3);

    const auto nb = g.GetNeighbours(s);
    REQUIRE(nb.size() == 3);
    for (uint32_t p = 0; p < 3; ++p)
    {
        CHECK(nb[p].port == p);
    }
    CHECK(nb[0].neighbour == a);
    CHECK(nb[1].neighbour == b);
    CHECK(nb[2].neighbour == a);
    CHECK(nb[2].link == l2);
    CHECK(g.Other(l1, s) == b);
    CHECK(g.PortAt(l2, s) == 2);
}

TEST_CASE("accelerators get dense indices in id order", "[graph]")
{
    Graph g;
    g.AddNode(NodeRole::Switch, "s0");
    const uint32_t a = g.AddNode(NodeRole::Accelerator, "a");
    g.AddNode(NodeRole::Switch, "s1");
    const uint32_t b = g.AddNode(NodeRole::Accelerator, "b");
    REQUIRE(g.NumAccelerators() == 2);
    CHECK(g.NumSwitches() == 2);
    CHECK(g.AcceleratorIndex(a) == 0);
    CHECK(g.AcceleratorIndex(b) == 1);
    CHECK(g.AcceleratorIndex(0) == -1);
    CHECK(g.AcceleratorNode(1) == b);
    CHECK(g.FindNode("s1") == 2u);
    CHECK_FALSE(g.FindNode("nope"));
}

TEST_CASE("adjacency follows mutations and explicit port orders", "[graph]")
{
    Graph g;
    for (int i = 0; i < 3; ++i)
    {
        g.AddNode(NodeRole::Accelerator);
    }
    CHECK(g.GetNode(2).name == "n2");
    const uint32_t l0 = g.AddLink(0, 1);
    CHECK(g.GetNeighbours(0).size() == 1);
    const uint32_t l1 = g.AddLink(0, 2);
    REQUIRE(g.GetNeighbours(0).size() == 2); // rebuilt after the second AddLink
    g.SetPortOrder(0, {l1, l0});
    CHECK(g.GetLink(l1).portA == 0);
    CHECK(g.GetLink(l0).portA == 1);
    CHECK(g.GetNeighbours(0)[0].neighbour == 2);
    CHECK_THROWS_AS(g.SetPortOrder(0, {l1, l1}), TopologyError);
    CHECK_THROWS_AS(g.SetPortOrder(1, {l1}), TopologyError);
    CHECK_THROWS_AS(g.SetPortOrder(0, {l0}), TopologyError);
}

TEST_CASE("invalid graph edits are TopologyErrors", "[graph][errors]")
{
    Graph g;
    g.AddNode(NodeRole::Accelerator, "x");
    CHECK_THROWS_WITH(g.AddNode(NodeRole::Switch, "x"), Catch::Contains("duplicate node name 'x'"));
    CHECK_THROWS_AS(g.AddNode(NodeRole::Switch, "has space"), TopologyError);
    CHECK_THROWS_WITH(g.AddLink(0, 0), Catch::Contains("self-loop"));
    CHECK_THROWS_AS(g.AddLink(0, 7), TopologyError);
    g.AddNode(NodeRole::Accelerator, "y");
    CHECK_THROWS_WITH(g.AddLink(0, 1, LinkAttrs{-3.0, "", -1, false}), Catch::Contains("length"));
    // TopologyError is an invalid_argument, so generic handlers catch it too.
    CHECK_THROWS_AS(g.AddLink(0, 0), std::invalid_argument);
}

TEST_CASE("link masks and weights are validated", "[graph][errors]")
{
    Graph g;
    g.AddNode(NodeRole::Accelerator);
    g.AddNode(NodeRole::Accelerator);
    g.AddLink(0, 1);
    g.AddLink(0, 1);
    CHECK_NOTHROW(ValidateLinkState(g, {}, {}));
    CHECK_NOTHROW(ValidateLinkState(g, AllUp(g), {2.0, 0.5}));
    CHECK_THROWS_WITH(ValidateLinkState(g, LinkMask(3, true), {}), Catch::Contains("one entry per link (2)"));
    CHECK_THROWS_WITH(ValidateLinkState(g, {}, {1.0, 0.0}), Catch::Contains("weights[1]"));
    const LinkMask m = MaskWithDown(g, {1});
    CHECK(m[0]);
    CHECK_FALSE(m[1]);
    CHECK_THROWS_AS(MaskWithDown(g, {2}), TopologyError);
}
