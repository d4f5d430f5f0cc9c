// The checks a table set goes through before it is installed (CheckTables, Reachability), on a
// small torus: sound tables pass; a dead link, a loop, a missing entry, a port without a link are named.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/routing/route-check.h"
#include "ofab/fabric/routing/route-planner.h"

#include <catch2/catch.hpp>

using namespace ofab;

namespace
{

/// A 4 x 4 torus with its fault-free routes installed, for CheckTables.
struct SmallFabric
{
    SmallFabric()
    {
        doc = std::make_unique<ConfigDocument>(ConfigDocument::Parse(
            "duration: 1us\ntopology: {kind: torus, dims: [4, 4]}\nlinks: {file: experiments/links/cpo-8lambda.yaml}\n"
            "workloads: []\n",
            "small.yaml"));
        x = LoadExperiment(*doc);
        runner = std::make_unique<ExperimentRunner>(x, *doc);
    }
    const Fabric& F() const { return runner->GetFabric(); }
    std::vector<ForwardingTable> Tables() const
    {
        std::vector<ForwardingTable> t;
        for (uint32_t n = 0; n < F().Graph().NumNodes(); ++n)
        {
            t.push_back(F().Router(n)->GetForwardingTable());
        }
        return t;
    }
    uint32_t Node(const std::string& name) const { return *F().Graph().FindNode(name); }
    uint32_t Dst(const std::string& name) const { return F().Graph().AcceleratorIndex(Node(name)); }
    /// The router port of `from` toward its neighbour `to`.
    uint16_t Port(const std::string& from, const std::string& to) const
    {
        const topo::Graph& g = F().Graph();
        for (const topo::Adjacency& a : g.GetNeighbours(Node(from)))
        {
            if (a.neighbour == Node(to))
            {
                return F().RouterPort(Node(from), a.port);
            }
        }
        FAIL("no link " << from << "-" << to);
        return 0;
    }

    std::unique_ptr<ConfigDocument> doc;
    Experiment x;
    std::unique_ptr<ExperimentRunner> runner;
};

} // namespace

TEST_CASE("CheckTables: sound tables pass, a dead link, a loop, a missing entry, a bad port are named",
          "[controller][external]")
{
    SmallFabric s;
    const Fabric& f = s.F();
    const topo::LinkMask allUp(f.Links().size(), true);
    CHECK_FALSE(CheckTables(f, s.Tables(), allUp).has_value());

    // The fault-free tables with a(1,1)-a(2,1) down: some route crosses it.
    uint32_t cut = 0;
    for (const FabricLink& l : f.Links())
    {
        if ((l.a == s.Node("a(1,1)") && l.b == s.Node("a(2,1)")) ||
            (l.b == s.Node("a(1,1)") && l.a == s.Node("a(2,1)")))
        {
            cut = l.id;
        }
    }
    topo::LinkMask mask = allUp;
    mask[cut] = false;
    auto p = CheckTables(f, s.Tables(), mask);
    REQUIRE(p.has_value());
    CHECK(p->what.find("which is down") != std::string::npos);
    CHECK(p->what.find("a(1,1)-a(2,1)") != std::string::npos);
    // The plan for that state passes.
    CHECK_FALSE(CheckTables(f, PlanRoutes(f, mask).tables, mask).has_value());

    // a(0,0) and a(1,0) send a(3,3)'s traffic to each other.
    auto tables = s.Tables();
    tables[s.Node("a(0,0)")].SetEntry(s.Dst("a(3,3)"), {{s.Port("a(0,0)", "a(1,0)"), false}});
    tables[s.Node("a(1,0)")].SetEntry(s.Dst("a(3,3)"), {{s.Port("a(1,0)", "a(0,0)"), false}});
    p = CheckTables(f, tables, allUp);
    REQUIRE(p.has_value());
    CHECK(p->dst == s.Dst("a(3,3)"));
    CHECK(p->what.find("closes a loop") != std::string::npos);
    CHECK((p->node == s.Node("a(0,0)") || p->node == s.Node("a(1,0)")));

    // A router without an entry for a destination it can reach.
    tables = s.Tables();
    tables[s.Node("a(2,2)")].ClearEntry(s.Dst("a(0,1)"));
    p = CheckTables(f, tables, allUp);
    REQUIRE(p.has_value());
    CHECK(p->node == s.Node("a(2,2)"));
    CHECK(p->dst == s.Dst("a(0,1)"));
    CHECK(p->what.find("no entry") != std::string::npos);

    // A port that is no link (past the graph's ports: the endpoint's, or none at all).
    tables = s.Tables();
    const auto pastLast = static_cast<uint16_t>(f.Router(s.Node("a(2,2)"))->GetNPorts() + 3);
    tables[s.Node("a(2,2)")].SetEntry(s.Dst("a(0,1)"), {{pastLast, false}});
    p = CheckTables(f, tables, allUp);
    REQUIRE(p.has_value());
    CHECK(p->what.find("has no link") != std::string::npos);

    // A ring cut twice: a(0,0) and a(1,0) cannot reach a(2,0)..a(3,0) along it but can around; cut
    // both of a(0,0)'s vertical links and both horizontal ones and it is alone: nobody is checked
    // for it, and it is checked for nobody.
    topo::LinkMask isolated = allUp;
    for (const topo::Adjacency& a : f.Graph().GetNeighbours(s.Node("a(0,0)")))
    {
        isolated[a.link] = false;
    }
    const auto reach = Reachability(f, isolated);
    CHECK(reach[s.Dst("a(0,0)")][s.Node("a(1,1)")] == 0);
    CHECK(reach[s.Dst("a(1,1)")][s.Node("a(0,0)")] == 0);
    CHECK(reach[s.Dst("a(1,1)")][s.Node("a(3,3)")] == 1);
    CHECK_FALSE(CheckTables(f, PlanRoutes(f, isolated).tables, isolated).has_value());
}
