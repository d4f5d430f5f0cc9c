// Edge-list format: parsing, defaults, round trip, and errors with file:line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "ofab/topologies/analysis.h"
#include "ofab/topologies/edge-list.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/routing-disjoint.h"

using namespace ofab::topo;

namespace
{
Graph
Parse(const std::string& text)
{
    std::istringstream in(text);
    return ParseEdgeList(in, "test.edges");
}
const std::filesystem::path kData = std::filesystem::path(__FILE__).parent_path() / "data";
} // namespace

TEST_CASE("edge-list file: nodes, links, ports, attributes", "[edge-list]")
{
    const Graph g = EdgeList((kData / "two-switch.edges").string());
    CHECK(g.GetKind() == "edge-list");
    REQUIRE(g.NumNodes() == 6);
    CHECK(g.NumAccelerators() == 4);
    CHECK(g.NumLinks() == 6);
    const uint32_t s0 = *g.FindNode("s0"), a3 = *g.FindNode("a3");
    CHECK(g.GetNode(s0).role == NodeRole::Switch);
    CHECK(g.GetNode(s0).plane == 0);
    CHECK(g.GetNode(a3).coord == std::vector<int>{1, 1});
    CHECK(g.AcceleratorIndex(a3) == 3);
    // The file has switches, so accelerators are endpoints only.
    CHECK_FALSE(g.GetNode(a3).transit);
    // s0's ports follow file order: a0, a1, uplink, uplink.
    CHECK(g.GetLink(4).portA == 2);
    CHECK(g.GetLink(5).portA == 3);
    CHECK(g.GetLink(4).lengthM == 20.0);
    CHECK(g.GetLink(4).linkClass == "uplink");
    CHECK(AcceleratorHopStats(g).diameter == 3);
    CHECK(KDisjointPaths(g, *g.FindNode("a0"), a3, 4).size() == 1); // one access link each
    CHECK(KDisjointPaths(g, s0, *g.FindNode("s1"), 4).size() == 2); // the parallel uplinks
}

TEST_CASE("edge-list defaults: accelerators forward when there is no switch", "[edge-list]")
{
    const Graph g = Parse("node x accelerator\nnode y accelerator\nnode z accelerator transit=no\n"
                          "link x y\nlink y z class=fibre\n");
    CHECK(g.GetNode(0).transit);
    CHECK_FALSE(g.GetNode(2).transit);
    CHECK(g.GetLink(0).lengthM == 1.0);
    CHECK(g.GetLink(0).linkClass.empty());
    CHECK(g.GetLink(1).linkClass == "fibre");
}

TEST_CASE("edge-list round trip keeps nodes and links", "[edge-list]")
{
    const Graph src = Dragonfly(2, 2, 1);
    std::stringstream text;
    WriteEdgeList(src, text);
    const Graph back = ParseEdgeList(text, "roundtrip");
    REQUIRE(back.NumNodes() == src.NumNodes());
    REQUIRE(back.NumLinks() == src.NumLinks());
    for (uint32_t v = 0; v < src.NumNodes(); ++v)
    {
        CHECK(back.GetNode(v).name == src.GetNode(v).name);
        CHECK(back.GetNode(v).role == src.GetNode(v).role);
        CHECK(back.GetNode(v).transit == src.GetNode(v).transit);
        CHECK(back.GetNode(v).coord == src.GetNode(v).coord);
    }
    for (uint32_t l = 0; l < src.NumLinks(); ++l)
    {
        CHECK(back.GetLink(l).a == src.GetLink(l).a);
        CHECK(back.GetLink(l).b == src.GetLink(l).b);
        CHECK(back.GetLink(l).linkClass == src.GetLink(l).linkClass);
    }
    CHECK(AcceleratorHopStats(back).averageHops == AcceleratorHopStats(src).averageHops);
}

TEST_CASE("edge-list errors carry file and line", "[edge-list][errors]")
{
    CHECK_THROWS_WITH(Parse("node a accelerator\n\nlink a x7\n"), "test.edges:3: unknown node 'x7'");
    CHECK_THROWS_WITH(Parse("node a accelerator\nnode b accelerator\nnode c accelerator\nlink a b\n"),
                      "test.edges: graph is disconnected: node 'c' cannot be reached from 'a'");
    CHECK_THROWS_WITH(Parse("node a router\n"),
                      "test.edges:1: node role must be 'accelerator' or 'switch', got 'router'");
    CHECK_THROWS_WITH(Parse("node a accelerator\nnode a switch\n"), "test.edges:2: duplicate node 'a'");
    CHECK_THROWS_WITH(Parse("node a accelerator\nnode b accelerator\nlink a b length_m=-2\n"),
                      Catch::StartsWith("test.edges:3: length_m expects"));
    CHECK_THROWS_WITH(Parse("node a accelerator\nnode b accelerator\nlink a b lenght_m=2\n"),
                      Catch::StartsWith("test.edges:3: unknown link option 'lenght_m'"));
    CHECK_THROWS_WITH(Parse("node a accelerator\nlink a a\n"),
                      Catch::StartsWith("test.edges:2: link from 'a' to itself"));
    CHECK_THROWS_WITH(Parse("nodes a accelerator\n"), Catch::StartsWith("test.edges:1: unknown statement 'nodes'"));
    CHECK_THROWS_WITH(Parse("node a accelerator coord=1,x\n"),
                      Catch::StartsWith("test.edges:1: coord expects an integer"));
    CHECK_THROWS_WITH(Parse("# nothing\n"), "test.edges: declares no nodes");
    CHECK_THROWS_WITH(Parse("node s switch\n"), "test.edges: declares no accelerator");
    CHECK_THROWS_WITH(EdgeList("/nonexistent/pod.edges"), Catch::Contains("cannot open '/nonexistent/pod.edges'"));
    CHECK_THROWS_AS(Parse("node a accelerator\nlink a\n"), TopologyError);
}
