// The `faults:` section: what loads, how elements are named, and what bad input says (file:line:key).

#include "support/faults-test-util.h"

#include "ofab/fabric/experiment/fault-config.h"
#include "ofab/fabric/faults/fault-elements.h"
#include "ofab/topologies/generators.h"

#include <catch2/catch.hpp>

using namespace ofab;
using faultstest::ErrorOf;

namespace
{

// Five lines, so the first fault entry below is on line 7.
const std::string kTorus = "duration: 2us\n"
                           "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                           "topology:\n"
                           "  kind: torus\n"
                           "  dims: [4, 4]\n";

std::string
WithFaults(const std::string& entries)
{
    return kTorus + "faults:\n" + entries;
}

FaultPlan
PlanOf(const std::string& yaml)
{
    const auto doc = ConfigDocument::Parse(yaml, "exp.yaml");
    return LoadExperiment(doc).faults;
}

} // namespace

TEST_CASE("faults name links by id or by their ends, nodes by name, id or coordinates", "[faults][config]")
{
    const FaultPlan p = PlanOf(WithFaults("  events:\n"
                                          "    - {at: 1us, kind: fibre_cut, link: 3}\n"
                                          "    - {at: 1us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}\n"
                                          "    - {at: 1us, kind: fibre_cut, between: [[0, 2], [0, 3]]}\n"
                                          "    - {at: 1us, kind: accelerator, node: 5}\n"
                                          "    - {at: 1us, kind: laser_line, between: [\"a(0,2)\", \"a(0,3)\"], "
                                          "from: \"a(0,3)\", line: 2, power_drop_db: 3}\n"
                                          "    - {at: 1us, kind: laser_source, source: {node: \"a(3,3)\", index: 1}, "
                                          "repair_at: 2us}\n"
                                          "    - {at: 1us, kind: flap, link: 4, period: 2us, count: 3}\n"
                                          "  groups:\n"
                                          "    bundle: {links: [7, [\"a(0,0)\", \"a(0,1)\"]]}\n"
                                          "  stochastic:\n"
                                          "    links: {mttf: 50us, mttr: 10us}\n"));
    REQUIRE(p.events.size() == 7);
    CHECK(p.events[0].link == 3);
    const topo::Graph g = topo::Torus({4, 4}, 2);
    CHECK(LinkEnds(g, p.events[1].link) == "a(1,1) - a(2,1)");
    CHECK(LinkEnds(g, p.events[2].link) == "a(0,2) - a(0,3)");
    CHECK(p.events[3].kind == FaultKind::Accelerator);
    CHECK(p.events[3].node == 5);
    CHECK(p.events[4].kind == FaultKind::LaserLineDegraded);
    CHECK(p.events[4].node == *g.FindNode("a(0,3)"));
    CHECK(p.events[4].powerDropDb == 3);
    CHECK(p.events[5].source.index == 1);
    CHECK(p.events[5].hasRepairAt);
    CHECK(p.events[6].downFor == ns3::MicroSeconds(1)); // half the period by default
    REQUIRE(p.groups.size() == 1);
    CHECK(p.groups[0].links.size() == 2);
    CHECK(p.stochastic.links.mttf == ns3::MicroSeconds(50));
    CHECK_FALSE(p.stochastic.switches.Enabled());

    // The resolved form is itself a valid faults section that resolves to the same thing.
    const auto doc = ConfigDocument::Parse(WithFaults("  - {at: 1us, kind: fibre_cut, between: [[0, 2], [0, 3]]}\n"
                                                      "  - {at: 3us, kind: repair, of: fibre_cut, link: 18}\n"),
                                           "exp.yaml");
    YAML::Emitter e;
    e << LoadExperiment(doc).Resolved();
    const auto again = ConfigDocument::Parse(e.c_str(), "resolved.yaml");
    YAML::Emitter e2;
    e2 << LoadExperiment(again).Resolved();
    CHECK(std::string(e.c_str()) == std::string(e2.c_str()));
    CHECK_THAT(std::string(e.c_str()), Catch::Contains("kind: repair"));
    // No faults section: nothing in the resolved configuration either.
    YAML::Emitter none;
    none << LoadExperiment(ConfigDocument::Parse(kTorus, "exp.yaml")).Resolved();
    CHECK_THAT(std::string(none.c_str()), !Catch::Contains("faults"));
}

TEST_CASE("bad fault entries name file, line and key", "[faults][config]")
{
    CHECK(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, link: 3}\n")) == "no error");
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cutt, link: 3}\n")),
               Catch::StartsWith("exp.yaml:7:22: key 'faults[0].kind': expected one of") &&
                   Catch::Contains("did you mean 'fibre_cut'?"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20, kind: fibre_cut, link: 3}\n")),
               Catch::StartsWith("exp.yaml:7:10: key 'faults[0].at': expected a time with a unit"));
    CHECK_THAT(ErrorOf(WithFaults("  - {kind: fibre_cut, link: 3}\n")),
               Catch::StartsWith("exp.yaml:7:5: key 'faults[0].at': missing"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, link: 32}\n")),
               Catch::StartsWith("exp.yaml:7:39: key 'faults[0].link': expected a link id from 0 to 31 (this "
                                 "topology has 32 links), got '32'"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, lnk: 3}\n")),
               Catch::StartsWith("exp.yaml:7:33: key 'faults[0].lnk': unknown key; did you mean 'link'?"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, between: [\"a(0,0)\", \"a(9,9)\"]}\n")),
               Catch::StartsWith("exp.yaml:7:53: key 'faults[0].between': no node named 'a(9,9)'") &&
                   Catch::Contains("nodes are named like a(0,0), a(1,0), a(2,0), a(3,0), ... (16 nodes"));
    // Unquoted, YAML's flow syntax splits the names at their commas: say how to write them.
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, between: [a(0,0), a(1,0)]}\n")),
               Catch::StartsWith("exp.yaml:7:42: key 'faults[0].between'") && Catch::Contains("must be quoted"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: accelerator, node: a(0,0)}\n")),
               Catch::Contains("key 'faults[0].0)'") && Catch::Contains("must be quoted"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, between: [\"a(0,0)\", \"a(2,2)\"]}\n")),
               Catch::Contains("no link joins a(0,0) and a(2,2); a(0,0) is linked to"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: switch, node: \"a(0,0)\"}\n")),
               Catch::Contains("key 'faults[0].node': 'a(0,0)' is an accelerator, expected a switch; this topology "
                               "has no switches"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 20us, kind: fibre_cut, link: 3, repair_at: 10us}\n")),
               Catch::Contains("key 'faults[0].repair_at': expected a time after `at` (20us)"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: flap, link: 3, period: 2us, down_for: 2us, count: 2}\n")),
               Catch::Contains("key 'faults[0].down_for': expected less than the period"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: group, group: bundel}\n")),
               Catch::Contains("key 'faults[0].group': no groups are declared"));
    CHECK_THAT(ErrorOf(WithFaults("  stochastic:\n    links: {mttf: 5us}\n")),
               Catch::StartsWith("exp.yaml:8:12: key 'faults.stochastic.links.mttr': missing"));
    CHECK_THAT(ErrorOf(WithFaults("  stochastic:\n    link: {mttf: 5us, mttr: 1us}\n")),
               Catch::Contains("key 'faults.stochastic.link': unknown key; did you mean 'links'?"));
    CHECK_THAT(ErrorOf(WithFaults("  events:\n    - {at: 1us, kind: group, group: bundel}\n"
                                  "  groups:\n    bundle: {links: [1, 2]}\n")),
               Catch::Contains("key 'faults.events[0].group': expected one of bundle, got 'bundel'"));
    CHECK_THAT(ErrorOf(WithFaults("  sochastic: {}\n")), Catch::Contains("did you mean 'stochastic'?"));
    CHECK_THAT(ErrorOf(kTorus + "fault:\n  - {at: 1us, kind: fibre_cut, link: 3}\n"),
               Catch::Contains("key 'fault': unknown key; did you mean 'faults'?"));
}

TEST_CASE("faults checked against the built fabric still name file, line and key", "[faults][config]")
{
    // A repair of something never failed, or failed only later, or already repaired.
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 5us, kind: repair, of: fibre_cut, link: 3}\n")),
               Catch::StartsWith("exp.yaml:7:5: key 'faults[0]': nothing to repair: no fibre_cut of link 3 is in "
                                 "effect at 5us (it never fails)"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 5us, kind: repair, of: fibre_cut, link: 3}\n"
                                  "  - {at: 8us, kind: fibre_cut, link: 3}\n")),
               Catch::Contains("(it fails later, at 8us)"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: fibre_cut, link: 3, repair_at: 2us}\n"
                                  "  - {at: 5us, kind: repair, of: fibre_cut, link: 3}\n")),
               Catch::StartsWith("exp.yaml:8:5: key 'faults[1]': nothing to repair"));
    // A repair of a fibre cut does not repair a flap of the same link.
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: flap, link: 3, period: 2us, count: 4}\n"
                                  "  - {at: 2us, kind: repair, of: fibre_cut, link: 3}\n")),
               Catch::Contains("nothing to repair: no fibre_cut of link 3"));
    CHECK(ErrorOf(WithFaults("  - {at: 1us, kind: flap, link: 3, period: 2us, count: 4}\n"
                             "  - {at: 2us, kind: repair, of: flap, link: 3}\n")) == "no error");
    // The same element failing twice without a repair in between.
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: fibre_cut, link: 3}\n"
                                  "  - {at: 2us, kind: fibre_cut, between: [\"a(1,0)\", \"a(1,1)\"]}\n")),
               Catch::StartsWith("exp.yaml:8:5: key 'faults[1]': link 3 already has a fibre_cut in effect at 2us "
                                 "(faults[0], at 1us): repair it first"));
    // A line named by its link is the same line when named by its source: the repair matches it.
    CHECK(ErrorOf(WithFaults("  - {at: 1us, kind: laser_line, link: 0, line: 5}\n"
                             "  - {at: 2us, kind: repair, of: laser_line, source: {node: \"a(0,0)\", index: 0}, "
                             "line: 5}\n")) == "no error");
    // Laser sources and lines depend on the laser's port count: checked once the fabric exists.
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: laser_source, source: {node: \"a(0,0)\", index: 4}}\n")),
               Catch::StartsWith("exp.yaml:7:67: key 'faults[0].source.index': expected a source index from 0 to 3: "
                                 "a(0,0) has 4 laser sources"));
    CHECK_THAT(ErrorOf(WithFaults("  - {at: 1us, kind: laser_line, link: 0, line: 8}\n")),
               Catch::StartsWith("exp.yaml:7:48: key 'faults[0].line': expected a line from 0 to 7: laser a(0,0)#0 "
                                 "has 8 lines, got 8"));
    CHECK_THAT(ErrorOf(WithFaults("  groups:\n    g: {laser_sources: [{node: 3, index: 9}]}\n")),
               Catch::Contains("key 'faults.groups.g.laser_sources[0].index': expected a source index from 0 to 3"));
}
