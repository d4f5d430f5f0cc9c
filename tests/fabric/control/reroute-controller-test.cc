// The reroute controller: each policy's timing to the nanosecond, their ordering on one scenario,
// loop-free and deadlock-free routes after the cut, partitions reported, wait-to-restore, capacity-
// aware weights and the stall detector.

#include "support/controller-test-util.h"

#include <catch2/catch.hpp>

#include <map>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

// 4 x 4 torus under uniform writes; a(1,1)-a(2,1) is cut at 10 us. Controller delays chosen so
// every policy's reroute time has a distinct closed form.
std::string
TorusCut(const std::string& policy, const std::string& extraFaults = "", const std::string& duration = "40us")
{
    return "duration: " + duration +
           "\nseed: 3\n"
           "topology: {kind: torus, dims: [4, 4]}\n"
           "links: {file: experiments/links/cpo-8lambda.yaml}\n"
           "protocol: {endpoint: {completion_timeout: 5us}}\n"
           "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.2}\n"
           "faults:\n  events:\n    - {at: 10us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]" +
           extraFaults +
           "}\n"
           "controller: {policy: " +
           policy +
           ", detection_delay: 700ns, switch_over_time: 150ns, "
           "control_latency: 1us, compute_time: 5us, install_time: 500ns, wait_to_restore: 3us}\n";
}

constexpr double kDetect = 700;
constexpr double kLocal = 700 + 150;
constexpr double kGlobal =
    700 + 1000 + 5000 + 1000 + 500 + 1000 + 1000; // detect, notify, compute, prepare+write, ack, commit

struct Outcome
{
    RunSummary summary;
    IncidentRecord cut;
    std::vector<IncidentRecord> incidents;
    RouteWalk walk;
    ActionLog actions;
    uint32_t cutLink = 0;
};

Outcome
Run(const std::string& yaml)
{
    Outcome o;
    const RunResult r = RunYaml(
        yaml, [&](ExperimentRunner& runner) { o.actions.Attach(*runner.GetController()); },
        [&](ExperimentRunner& runner, const RunResult&) {
            const auto& incidents = runner.GetIncidents();
            REQUIRE(!incidents.empty());
            o.incidents = incidents;
            o.cut = incidents.front();
            o.cutLink = o.cut.links.front();
            o.walk = WalkRoutes(runner.GetFabric(), runner.GetFaultInjector()->GetLinkMask());
        });
    o.summary = r.summary;
    return o;
}

} // namespace

TEST_CASE("policies on one cut: oracle <= local < global, each at its closed-form time", "[controller]")
{
    std::map<std::string, Outcome> out;
    for (const char* p : {"oracle", "local", "global", "hybrid"})
    {
        out[p] = Run(TorusCut(p));
        const RunSummary& s = out[p].summary;
        INFO(p);
        CHECK(s.issued == s.completed + s.failed + s.inFlight);
        CHECK(s.stalls == 0);
        CHECK(s.controllerPolicy == p);
    }
    CHECK(*out["oracle"].cut.detectNs == 0);
    CHECK(*out["oracle"].cut.rerouteNs == 0);
    CHECK(*out["local"].cut.detectNs == Approx(kDetect));
    CHECK(*out["local"].cut.rerouteNs == Approx(kLocal)); // detection delay + switch-over, exactly
    CHECK_FALSE(out["local"].cut.optimisedNs);
    CHECK(*out["global"].cut.rerouteNs == Approx(kGlobal));
    CHECK(*out["global"].cut.optimisedNs == Approx(kGlobal));
    CHECK(*out["hybrid"].cut.rerouteNs == Approx(kLocal));
    CHECK(*out["hybrid"].cut.optimisedNs == Approx(kGlobal));

    // What the timing costs: transactions lost to the cut grow with the time to reroute.
    const uint64_t oracle = out["oracle"].summary.failed, local = out["local"].summary.failed,
                   global = out["global"].summary.failed;
    WARN("failed transactions: oracle " << oracle << ", local " << local << ", hybrid " << out["hybrid"].summary.failed
                                        << ", global " << global);
    CHECK(oracle <= local);
    CHECK(local < global);
    CHECK(global > 5 * local);

    // After the run every pair reaches its destination around the cut, without a loop.
    for (auto& [p, o] : out)
    {
        INFO(p);
        CHECK(o.walk.routes == 16 * 15);
        CHECK(o.walk.unreached == 0);
    }
    // Global recomputes fault-tolerant dimension order: deadlock-free, the cut ring used as a line.
    // Local detours through another dimension break dimension order; the stall detector watches them.
    for (const char* p : {"oracle", "global", "hybrid"})
    {
        INFO(p);
        CHECK(out[p].walk.cdg.FindCycle().empty());
        CHECK(out[p].actions.Count("install") >= 1);
    }
    CHECK(out["local"].actions.Count("switch_over") == 2); // both ends of the cut
    // The controller's own audit agrees with this walk: a risk is reported exactly when a cycle exists.
    CHECK(out["local"].actions.Count("deadlock_risk") == (out["local"].walk.cdg.FindCycle().empty() ? 0u : 1u));
    CHECK(out["oracle"].actions.Count("deadlock_risk") == 0);
    CHECK(out["global"].actions.Count("deadlock_risk") == 0);
    CHECK(out["local"].actions.Count("install") == 0);
    // Fault-free routes take 16 x 32 hops (4 x 4 torus distances); every detour adds some.
    CHECK(out["local"].walk.hops > 512);
    CHECK(out["oracle"].walk.hops > 512);
}

TEST_CASE("a ring cut twice is reported as a partition with its pairs, and the run goes on", "[controller]")
{
    for (const char* policy : {"oracle", "global", "hybrid"})
    {
        INFO(policy);
        const std::string yaml =
            std::string("duration: 40us\n"
                        "topology: {kind: ring, accelerators: 6}\n"
                        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                        "protocol: {endpoint: {completion_timeout: 3us}}\n"
                        "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.2}\n"
                        "faults:\n  groups: {both: {links: [0, 3]}}\n"
                        "  events:\n    - {at: 5us, kind: group, group: both}\n"
                        "controller: {policy: ") +
            policy + "}\n";
        Outcome o;
        RunResult r;
        REQUIRE_NOTHROW(r = RunYaml(
                            yaml, [&](ExperimentRunner& runner) { o.actions.Attach(*runner.GetController()); },
                            [&](ExperimentRunner& runner, const RunResult&) {
                                o.incidents = runner.GetIncidents();
                                o.walk = WalkRoutes(runner.GetFabric(), runner.GetFaultInjector()->GetLinkMask());
                            }));
        CHECK(r.simTimeNs == 40000);
        REQUIRE(o.incidents.size() == 1);
        const auto& cut = o.incidents.front();
        CHECK(cut.links.size() == 2);
        // Links 0 (a0-a1) and 3 (a3-a4) split {a1,a2,a3} from {a4,a5,a0}: 3 x 3 pairs.
        CHECK(cut.partitionedPairs == 9);
        CHECK(cut.partitionExamples.size() == 9);
        CHECK(cut.rerouteNs); // everything still reachable was rerouted
        CHECK(o.actions.Count("partition") >= 1);
        CHECK(o.walk.unreached == 18); // exactly the partitioned pairs, both ways, have no route
        const RunSummary& s = r.summary;
        CHECK(s.issued == s.completed + s.failed + s.inFlight);
        CHECK(s.failedByReason.count("LinkDown") == 1); // requests to the far side fail back, never vanish
        CHECK(s.failedByReason.count("DecodeError") == 0);
    }
}

TEST_CASE("a repaired link carries traffic again after the wait-to-restore time, with the original routes",
          "[controller]")
{
    const std::string repair = ", repair_at: 25us";
    std::map<std::string, std::vector<std::vector<ForwardingChoice>>> before, after;
    for (const char* p : {"oracle", "local", "global"})
    {
        INFO(p);
        std::vector<std::vector<ForwardingChoice>> initial, final;
        std::vector<IncidentRecord> incidents;
        RunYaml(
            TorusCut(p, repair, "50us"), [&](ExperimentRunner& runner) { initial = Tables(runner.GetFabric()); },
            [&](ExperimentRunner& runner, const RunResult&) {
                final = Tables(runner.GetFabric());
                incidents = runner.GetIncidents();
            });
        REQUIRE(incidents.size() == 2);
        REQUIRE(incidents[1].repair);
        CHECK(incidents[1].timeNs == 25000);
        const double wait = 3000;
        const double expected = std::string(p) == "oracle"  ? wait
                                : std::string(p) == "local" ? kDetect + wait
                                                            : kDetect + wait + (kGlobal - kDetect);
        CHECK(*incidents[1].rerouteNs == Approx(expected));
        CHECK(final == initial);
    }
}

TEST_CASE("overlapping cuts, repaired in either order, leave every policy with the original routes", "[controller]")
{
    // a(0,0)'s route to a(1,0) detours over +y when a(0,0)-a(1,0) is cut, then over -y when
    // a(0,0)-a(0,1) is cut too. Local repair once put the first detour back over the original when
    // the second link came back after the first: traffic kept detouring after every link was up.
    for (const char* p : {"local", "oracle", "global", "hybrid"})
    {
        for (const bool firstBackFirst : {true, false})
        {
            INFO(p << (firstBackFirst ? ", first cut repaired first" : ", second cut repaired first"));
            const std::string yaml =
                "duration: 40us\nseed: 3\ntopology: {kind: torus, dims: [4, 4]}\n"
                "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.1}\n"
                "faults:\n  events:\n"
                "    - {at: 10us, kind: fibre_cut, between: [\"a(0,0)\", \"a(1,0)\"], repair_at: " +
                std::string(firstBackFirst ? "20us" : "21us") +
                "}\n"
                "    - {at: 11us, kind: fibre_cut, between: [\"a(0,0)\", \"a(0,1)\"], repair_at: " +
                std::string(firstBackFirst ? "21us" : "20us") +
                "}\n"
                "controller: {policy: " +
                p + ", wait_to_restore: 3us, control_latency: 1us, compute_time: 2us}\n";
            std::vector<std::vector<ForwardingChoice>> initial, final;
            ActionLog actions;
            RunYaml(
                yaml,
                [&](ExperimentRunner& runner) {
                    initial = Tables(runner.GetFabric());
                    actions.Attach(*runner.GetController());
                },
                [&](ExperimentRunner& runner, const RunResult&) { final = Tables(runner.GetFabric()); });
            if (std::string(p) == "local")
            {
                CHECK(actions.Count("switch_over") == 4); // both ends of both cuts switched over
            }
            CHECK(final == initial);
        }
    }
}

TEST_CASE("a flap shorter than the wait-to-restore keeps the detour", "[controller]")
{
    // Down 10-12 us, up 12-13 us, down again from 13 us: the restore due at 12 + 3 us never happens.
    const std::string yaml =
        TorusCut("oracle", ", repair_at: 12us}\n    - {at: 13us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]");
    std::vector<IncidentRecord> incidents;
    ActionLog actions;
    RunYaml(
        yaml, [&](ExperimentRunner& runner) { actions.Attach(*runner.GetController()); },
        [&](ExperimentRunner& runner, const RunResult&) { incidents = runner.GetIncidents(); });
    REQUIRE(incidents.size() == 3);
    CHECK(incidents[1].repair);
    CHECK_FALSE(incidents[1].rerouteNs);
    CHECK(actions.Count("restore") == 0);
}

TEST_CASE("a lost laser line re-weights routes instead of cutting the link", "[controller]")
{
    // Line 3 of the laser a(0,0) transmits with toward a(1,0): that link carries 7/8.
    const std::string fault =
        "duration: 30us\n"
        "topology: {kind: torus, dims: [4, 4]}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.1}\n"
        "faults:\n  events:\n    - {at: 2us, kind: laser_line, between: [\"a(0,0)\", \"a(1,0)\"], "
        "from: \"a(0,0)\", line: 3}\n";
    for (const char* p : {"oracle", "global", "local"})
    {
        INFO(p);
        std::vector<ForwardingChoice> toA20, toA10, initialToA20;
        uint16_t plusX = 0;
        std::vector<IncidentRecord> incidents;
        RunYaml(
            fault + "controller: {policy: " + p + "}\n",
            [&](ExperimentRunner& runner) { initialToA20 = runner.GetFabric().Router(0)->GetRoute(2); },
            [&](ExperimentRunner& runner, const RunResult&) {
                const Fabric& f = runner.GetFabric();
                toA20 = f.Router(0)->GetRoute(2); // a(0,0) -> a(2,0): distance 2 both ways round
                toA10 = f.Router(0)->GetRoute(1);
                for (const topo::Adjacency& a : f.Graph().GetNeighbours(0))
                {
                    if (a.neighbour == 1)
                    {
                        plusX = f.RouterPort(0, a.port);
                    }
                }
                incidents = runner.GetIncidents();
            });
        REQUIRE(incidents.size() == 1);
        REQUIRE(initialToA20.size() == 2);
        CHECK(initialToA20[0].port == plusX); // the tie went both ways before, + first
        CHECK(initialToA20[1].port != plusX);
        REQUIRE(toA10.size() == 1);
        CHECK(toA10[0].port == plusX); // one hop at 8/7 beats three: the link is still used
        if (std::string(p) == "local")
        {
            CHECK(toA20 == initialToA20); // local repair is for dead ports only
            CHECK_FALSE(incidents[0].rerouteNs);
        }
        else
        {
            REQUIRE(toA20.size() == 1);
            CHECK(toA20[0].port == initialToA20[1].port); // only the other way now, off the degraded link
            CHECK(incidents[0].rerouteNs);
        }
    }
}

TEST_CASE("a receiver that stops returning credits is reported as a stall, not left to hang", "[controller]")
{
    const std::string yaml =
        "duration: 16us\n"
        "topology: {kind: ring, accelerators: 4}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.5}\n"
        "controller: {policy: global, stall_timeout: 2us}\n";
    ActionLog actions;
    std::string stalledNode;
    RunResult r = RunYaml(yaml, [&](ExperimentRunner& runner) {
        actions.Attach(*runner.GetController());
        const FabricLink& l = runner.GetFabric().Links().front();
        stalledNode = runner.GetFabric().Graph().GetNode(l.a).name; // a's sender starves when b stops
        ns3::Simulator::Schedule(ns3::MicroSeconds(4), [port = l.portB] { port->SetCreditReturnPaused(true); });
    });
    CHECK(r.summary.stalls >= 1);
    REQUIRE(actions.Count("stall") >= 1);
    bool named = false;
    for (const auto& e : actions.entries)
    {
        if (e.kind == "stall")
        {
            CHECK(e.timeNs >= 4000 + 2000);
            named = named || e.element.rfind(stalledNode + " ", 0) == 0;
        }
    }
    CHECK(named);

    // The same run without the pause reports nothing.
    RunResult clean = RunYaml(yaml);
    CHECK(clean.summary.stalls == 0);
}

TEST_CASE("the routes in force are audited for channel dependency cycles", "[controller][deadlock]")
{
    // A ring of 4 routed all one way round: without the dateline's VC change the four channels wait
    // on one another (a credit loop); with it, the loop is broken.
    const std::string yaml =
        "duration: 1us\n"
        "topology: {kind: ring, accelerators: 4}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.1}\n";
    RunYaml(yaml, nullptr, [](ExperimentRunner& runner, const RunResult&) {
        Fabric& f = runner.GetFabric();
        CHECK(FindDependencyCycle(f, {}).empty()); // dimension order with the dateline
        const topo::Graph& g = f.Graph();
        for (bool dateline : {false, true})
        {
            for (uint32_t n = 0; n < 4; ++n)
            {
                for (const topo::Adjacency& a : g.GetNeighbours(n))
                {
                    if (a.neighbour != (n + 1) % 4)
                    {
                        continue;
                    }
                    for (uint16_t dst = 0; dst < 4; ++dst)
                    {
                        if (dst != n)
                        {
                            f.Router(n)->SetRoute(
                                dst, {ForwardingChoice{f.RouterPort(n, a.port), dateline && g.GetLink(a.link).wrap}});
                        }
                    }
                }
            }
            INFO("dateline " << dateline);
            CHECK(FindDependencyCycle(f, {}).size() == (dateline ? 0u : 4u));
        }
    });
}

TEST_CASE("a central round whose plan used a link that went down meanwhile is not committed but planned again",
          "[controller]")
{
    // a(1,1)-a(2,1) is cut at 10 us: the round planned at 10.7 + 1 us commits at 10 us + kGlobal
    // = 20.2 us. a(0,2)-a(1,2) is cut at 13 us, known to the controller at 14.7 us: the plan of the
    // first round routes over it. Committed, it would replace the hybrid's local switch-over at that
    // link and send traffic into it until the next round; it is abandoned at 20.2 us instead and a
    // round planned then commits at 20.2 + 8.5 = 28.7 us.
    const std::string second = "}\n    - {at: 13us, kind: fibre_cut, between: [\"a(0,2)\", \"a(1,2)\"]";
    for (const char* policy : {"hybrid", "global"})
    {
        INFO(policy);
        const Outcome early = Run(TorusCut(policy, second, "22us"));
        CHECK(early.actions.Count("replan") == 1);
        CHECK(early.actions.Count("install") == 0);
        if (std::string(policy) == "hybrid")
        {
            CHECK(early.walk.unreached == 0); // the local switch-overs are still in force
        }
        const Outcome late = Run(TorusCut(policy, second, "40us"));
        CHECK(late.actions.Count("replan") == 1);
        CHECK(late.actions.Count("install") == 1);
        CHECK(late.walk.unreached == 0);
        REQUIRE(late.incidents.size() == 2);
        for (const IncidentRecord& i : late.incidents)
        {
            REQUIRE(i.optimisedNs.has_value());
            CHECK(*i.optimisedNs == Approx(20200 + 8500 - i.timeNs)); // both answered by the second round
        }
    }
}
