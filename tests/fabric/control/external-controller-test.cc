// The external reroute policy without a network, with an in-process ExternalRouteSource: a correct
// answer installs at the global round's time, a looping or malformed one is refused and the
// fallback heals, no controller or a silent one falls back at once or at the timeout, each at its
// closed-form time. The checks a reply goes through are tested in tests/fabric/routing.

#include "support/controller-test-util.h"

#include "ofab/fabric/control/external-reroute.h"
#include "ofab/fabric/routing/route-check.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

// As in reroute-controller-test.cc: a(1,1)-a(2,1) of a 4 x 4 torus is cut at 10 us.
std::string
TorusCut(const std::string& controllerExtra)
{
    return "duration: 40us\nseed: 3\n"
           "topology: {kind: torus, dims: [4, 4]}\n"
           "links: {file: experiments/links/cpo-8lambda.yaml}\n"
           "protocol: {endpoint: {completion_timeout: 5us}}\n"
           "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.2}\n"
           "faults:\n  events:\n    - {at: 10us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}\n"
           "controller: {policy: external, detection_delay: 700ns, switch_over_time: 150ns, "
           "control_latency: 1us, compute_time: 5us, install_time: 500ns, wait_to_restore: 3us, "
           "external_timeout: 10us" +
           controllerExtra + "}\n";
}

constexpr double kAtController = 700 + 1000;              // detection, then the notification
constexpr double kRound = 1000 + 500 + 1000 + 1000;       // changed entries out + written, acks, commit
constexpr double kGlobal = kAtController + 5000 + kRound; // the built-in global policy on this cut

/// Every entry of `plan` as an external controller would send it.
std::vector<ExternalRouteEntry>
EntriesOf(const Fabric& f, const RoutePlan& plan)
{
    const topo::Graph& g = f.Graph();
    std::vector<ExternalRouteEntry> out;
    for (uint32_t node = 0; node < plan.tables.size(); ++node)
    {
        for (uint32_t dst = 0; dst < f.AcceleratorCount(); ++dst)
        {
            const auto choices = plan.tables[node].GetEntry(static_cast<uint16_t>(dst));
            if (choices.empty())
            {
                continue;
            }
            ExternalRouteEntry e{g.GetNode(node).name, g.GetNode(g.AcceleratorNode(dst)).name, {}};
            for (const auto& c : choices)
            {
                e.ports.push_back(c.port);
            }
            out.push_back(e);
        }
    }
    return out;
}

/// A controller in the test process: answers each event with `answer` (none: silent).
struct FakeSource : ExternalRouteSource
{
    bool connected = true;
    ExternalReroute* controller = nullptr;
    const Fabric* fabric = nullptr;
    std::function<std::vector<ExternalRouteEntry>(const ExternalEvent&)> answer;
    ns3::Time computeTime = ns3::Time(-1);
    std::vector<ExternalEvent> events;
    std::vector<std::string> verdicts; ///< DeliverExternalRoutes' answers

    bool Send(const ExternalEvent& e) override
    {
        if (connected)
        {
            events.push_back(e);
        }
        return connected;
    }
    std::string Await(uint64_t id, const std::function<bool()>& answered) override
    {
        if (answer)
        {
            verdicts.push_back(controller->DeliverExternalRoutes(id, answer(events.back()), computeTime));
        }
        return answered() ? "" : "silent on purpose";
    }
    std::string Describe() const override { return "the test"; }
};

/// The known-down links of an event as a mask.
topo::LinkMask
MaskOf(const Fabric& f, const ExternalEvent& e)
{
    topo::LinkMask mask(f.Links().size(), true);
    for (const auto& s : e.notNominal)
    {
        mask[s.link] = s.up;
    }
    return mask;
}

/// What a correct controller answers: the built-in plan for the link state the event describes.
std::function<std::vector<ExternalRouteEntry>(const ExternalEvent&)>
PlanAnswer(FakeSource& source)
{
    return [&source](const ExternalEvent& e) {
        return EntriesOf(*source.fabric, PlanRoutes(*source.fabric, MaskOf(*source.fabric, e)));
    };
}

struct Outcome
{
    IncidentRecord cut;
    ActionLog actions;
    RouteWalk walk;
    RunSummary summary;
};

Outcome
RunWith(const std::string& yaml, FakeSource& source)
{
    Outcome o;
    const RunResult r = RunYaml(
        yaml,
        [&](ExperimentRunner& runner) {
            o.actions.Attach(*runner.GetController());
            source.controller = ns3::PeekPointer(ns3::DynamicCast<ExternalReroute>(runner.GetController()));
            source.fabric = &runner.GetFabric();
            source.controller->SetExternalRouteSource(&source);
        },
        [&](ExperimentRunner& runner, const RunResult&) {
            REQUIRE(!runner.GetIncidents().empty());
            o.cut = runner.GetIncidents().front();
            o.walk = WalkRoutes(runner.GetFabric(), runner.GetFaultInjector()->GetLinkMask());
            source.controller->SetExternalRouteSource(nullptr);
        });
    o.summary = r.summary;
    return o;
}

std::string
DetailOf(const ActionLog& log, const std::string& kind)
{
    for (const auto& e : log.entries)
    {
        if (e.kind == kind)
        {
            return e.detail;
        }
    }
    return "(no " + kind + " row)";
}

} // namespace

TEST_CASE("external policy: a correct answer installs at the global round's time", "[controller][external]")
{
    FakeSource source;
    source.answer = PlanAnswer(source);
    const Outcome o = RunWith(TorusCut(""), source);
    REQUIRE(source.events.size() == 1);
    const ExternalEvent& e = source.events[0];
    CHECK(e.time.ToDouble(ns3::Time::NS) == Approx(10000 + kAtController));
    CHECK(e.respondBy.ToDouble(ns3::Time::NS) == Approx(10000 + kAtController + 10000));
    REQUIRE(e.changes.size() == 1);
    CHECK_FALSE(e.changes[0].up);
    CHECK(e.changes[0].capacityFraction == 0.0);
    REQUIRE(e.notNominal.size() == 1);
    CHECK(e.notNominal[0].link == e.changes[0].link);
    REQUIRE(source.verdicts == std::vector<std::string>{""});
    CHECK(*o.cut.detectNs == Approx(700));
    REQUIRE(o.cut.rerouteNs);
    CHECK(*o.cut.rerouteNs == Approx(kGlobal)); // modelled compute time = ComputeTime: as the global policy
    CHECK(o.actions.Count("external_routes") == 1);
    CHECK(o.actions.Count("external_fallback") == 0);
    CHECK(o.walk.unreached == 0);
    CHECK(o.summary.controllerPolicy == "external");
    bool external = false;
    for (const auto& a : o.actions.entries)
    {
        external = external || (a.kind == "install" && a.element == "external" && a.timeNs == Approx(10000 + kGlobal));
    }
    CHECK(external);

    // The reply's own compute time moves the install by exactly the difference.
    FakeSource slower;
    slower.answer = PlanAnswer(slower);
    slower.computeTime = ns3::MicroSeconds(8);
    const Outcome s = RunWith(TorusCut(""), slower);
    REQUIRE(s.cut.rerouteNs);
    CHECK(*s.cut.rerouteNs == Approx(kGlobal + 3000));
}

TEST_CASE("external policy: a looping answer is refused, naming the entry, and the global fallback heals",
          "[controller][external]")
{
    FakeSource source;
    source.answer = [&](const ExternalEvent& e) {
        const Fabric& f = *source.fabric;
        auto entries = EntriesOf(f, PlanRoutes(f, MaskOf(f, e)));
        // a(0,0) and a(1,0) send a(3,3)'s traffic to each other.
        for (auto& x : entries)
        {
            if (x.dst == "a(3,3)" && (x.node == "a(0,0)" || x.node == "a(1,0)"))
            {
                const std::string other = x.node == "a(0,0)" ? "a(1,0)" : "a(0,0)";
                for (const topo::Adjacency& a : f.Graph().GetNeighbours(*f.Graph().FindNode(x.node)))
                {
                    if (f.Graph().GetNode(a.neighbour).name == other)
                    {
                        x.ports = {f.RouterPort(*f.Graph().FindNode(x.node), a.port)};
                    }
                }
            }
        }
        return entries;
    };
    const Outcome o = RunWith(TorusCut(""), source);
    REQUIRE(source.verdicts.size() == 1);
    INFO(source.verdicts[0]);
    CHECK(source.verdicts[0].find("closes a loop") != std::string::npos);
    CHECK(source.verdicts[0].find("-> a(3,3)") != std::string::npos);
    CHECK(source.verdicts[0].rfind("entry ", 0) == 0); // it names the reply's entry
    CHECK(o.actions.Count("external_rejected") == 1);
    CHECK(DetailOf(o.actions, "external_fallback").find("the reply was rejected") != std::string::npos);
    // Refused at its modelled arrival (ComputeTime after the event); the fallback global round then.
    REQUIRE(o.cut.rerouteNs);
    CHECK(*o.cut.rerouteNs == Approx(kAtController + 5000 + 5000 + kRound));
    CHECK(o.walk.unreached == 0);
    bool fallbackInstall = false;
    for (const auto& a : o.actions.entries)
    {
        fallbackInstall = fallbackInstall || (a.kind == "install" && a.element == "fallback global");
    }
    CHECK(fallbackInstall);
}

/// The built-in plan with two entries turned: a(3,2) reaches a(2,3) and a(2,3) reaches a(3,2) Y
/// first. Still loop-free, but with the X-first routes a(2,2) -> a(3,3) and a(3,3) -> a(2,2) the
/// channels round the square a(2,2) a(3,2) a(3,3) a(2,3) wait on one another on VC class 0 (no wrap
/// link there): a credit loop.
std::function<std::vector<ExternalRouteEntry>(const ExternalEvent&)>
TurnCycleAnswer(FakeSource& source)
{
    return [&source](const ExternalEvent& e) {
        const Fabric& f = *source.fabric;
        const topo::Graph& g = f.Graph();
        auto portTo = [&](const std::string& from, const std::string& to) -> uint32_t {
            for (const topo::Adjacency& a : g.GetNeighbours(*g.FindNode(from)))
            {
                if (g.GetNode(a.neighbour).name == to)
                {
                    return f.RouterPort(*g.FindNode(from), a.port);
                }
            }
            FAIL("no link " << from << " - " << to);
            return 0;
        };
        auto entries = EntriesOf(f, PlanRoutes(f, MaskOf(f, e)));
        for (auto& x : entries)
        {
            if (x.node == "a(3,2)" && x.dst == "a(2,3)")
            {
                x.ports = {portTo("a(3,2)", "a(3,3)")};
            }
            if (x.node == "a(2,3)" && x.dst == "a(3,2)")
            {
                x.ports = {portTo("a(2,3)", "a(2,2)")};
            }
        }
        return entries;
    };
}

TEST_CASE("external policy: loop-free routes that allow a deadlock are refused before install, naming the "
          "credit loop",
          "[controller][external]")
{
    FakeSource source;
    source.answer = TurnCycleAnswer(source);
    const Outcome o = RunWith(TorusCut(""), source);
    REQUIRE(source.verdicts.size() == 1);
    INFO(source.verdicts[0]);
    // The two y-first turns close a loop with the x-first routes around them; with the ties of the
    // 4-rings spread both ways several loops exist, and the audit names the first it finds.
    CHECK(source.verdicts[0].find("the routes allow a deadlock: a credit loop of ") != std::string::npos);
    CHECK(source.verdicts[0].find(" channels is possible: a(") != std::string::npos);
    CHECK(o.actions.Count("external_rejected") == 1);
    CHECK(o.actions.Count("deadlock_risk") == 0); // never installed
    CHECK(DetailOf(o.actions, "external_fallback").find("the routes allow a deadlock") != std::string::npos);
    REQUIRE(o.cut.rerouteNs);
    CHECK(*o.cut.rerouteNs == Approx(kAtController + 5000 + 5000 + kRound)); // refused, then the global round
    CHECK(o.walk.unreached == 0);

    // Switched off, the same reply is installed at the global round's time and the audit reports it.
    FakeSource trusting;
    trusting.answer = TurnCycleAnswer(trusting);
    const Outcome t = RunWith(TorusCut(", external_refuse_deadlock_risk: false"), trusting);
    REQUIRE(trusting.verdicts.size() == 1);
    CHECK(trusting.verdicts[0].empty());
    REQUIRE(t.cut.rerouteNs);
    CHECK(*t.cut.rerouteNs == Approx(kGlobal));
    CHECK(DetailOf(t.actions, "deadlock_risk").find("a credit loop of ") != std::string::npos);
}

TEST_CASE("external policy: malformed entries are refused with the first bad one", "[controller][external]")
{
    auto verdict = [](std::vector<ExternalRouteEntry> bad) {
        FakeSource source;
        source.answer = [&](const ExternalEvent&) { return bad; };
        RunWith(TorusCut(""), source);
        REQUIRE(source.verdicts.size() == 1);
        return source.verdicts[0];
    };
    CHECK(verdict({{"a(0,0)", "a(1,0)", {0}}, {"a(9,9)", "a(1,0)", {0}}}) ==
          "entry 1 (a(9,9) -> a(1,0)): no node 'a(9,9)'");
    CHECK(verdict({{"a(0,0)", "a(1,0)", {99}}}).find("entry 0 (a(0,0) -> a(1,0)): port 99 does not exist on a(0,0)") ==
          0);
    CHECK(verdict({{"a(0,0)", "a(1,0)", {-1}}}).find("port -1 does not exist") != std::string::npos);
    CHECK(verdict({{"a(0,0)", "a(1,0)", {}}}).find("expected 1 to 8 ports, got 0") != std::string::npos);
    CHECK(verdict({{"a(0,0)", "a(0,0)", {0}}}).find("the node is the destination itself") != std::string::npos);
    CHECK(verdict({{"a(0,0)", "a(1,0)", {0}}, {"a(0,0)", "a(1,0)", {1}}}).find("given twice (entry 0 too)") !=
          std::string::npos);
    // Nothing sent at all: the tables in force still cross the cut link.
    CHECK(verdict({}).find("not in the reply: the entry in force") == 0);
}

TEST_CASE("external policy: no controller falls back at once, a silent one at the timeout", "[controller][external]")
{
    FakeSource none;
    none.connected = false;
    const Outcome o = RunWith(TorusCut(""), none);
    CHECK(o.actions.Count("external_event") == 1);
    CHECK(DetailOf(o.actions, "external_event") == "no external controller registered: nobody to ask");
    CHECK(DetailOf(o.actions, "external_fallback").find("no external controller registered") != std::string::npos);
    REQUIRE(o.cut.rerouteNs);
    CHECK(*o.cut.rerouteNs == Approx(kGlobal)); // the fallback global round starts when the event would have left
    CHECK(o.walk.unreached == 0);

    FakeSource silent; // connected, never answers
    const Outcome s = RunWith(TorusCut(""), silent);
    CHECK(silent.events.size() == 1);
    CHECK(DetailOf(s.actions, "external_rejected") == "no reply: silent on purpose");
    CHECK(DetailOf(s.actions, "external_fallback").find("no valid reply by 21.7 us (ExternalTimeout 10 us)") !=
          std::string::npos);
    REQUIRE(s.cut.rerouteNs);
    CHECK(*s.cut.rerouteNs == Approx(kAtController + 10000 + 5000 + kRound));
    CHECK(s.walk.unreached == 0);

    // A reply modelled to take longer than the timeout is refused; the fallback applies at the timeout.
    FakeSource late;
    late.answer = PlanAnswer(late);
    late.computeTime = ns3::MicroSeconds(12);
    const Outcome l = RunWith(TorusCut(""), late);
    REQUIRE(late.verdicts.size() == 1);
    CHECK(late.verdicts[0].find("after the timeout") != std::string::npos);
    REQUIRE(l.cut.rerouteNs);
    CHECK(*l.cut.rerouteNs == Approx(kAtController + 10000 + 5000 + kRound));

    // The local fallback: the detecting nodes switch over once the order reaches them.
    FakeSource none2;
    none2.connected = false;
    const Outcome loc = RunWith(TorusCut(", fallback: local"), none2);
    REQUIRE(loc.cut.rerouteNs);
    CHECK(*loc.cut.rerouteNs == Approx(kAtController + 1000 + 150));
    CHECK(loc.actions.Count("switch_over") == 2);
    CHECK(loc.actions.Count("install") == 0);
}

TEST_CASE("external policy in `ofab run` (no server): every incident falls back, and says so", "[controller][external]")
{
    ActionLog actions;
    double reroute = 0;
    RunYaml(
        TorusCut(""), [&](ExperimentRunner& runner) { actions.Attach(*runner.GetController()); },
        [&](ExperimentRunner& runner, const RunResult&) { reroute = *runner.GetIncidents()[0].rerouteNs; });
    CHECK(actions.Count("external_fallback") == 1);
    CHECK(reroute == Approx(kGlobal));
}

TEST_CASE("external policy: a repair is an event too, one arriving during a round waits for its install",
          "[controller][external]")
{
    // Cut at 10 us, repaired at 14 us: event 1 (down) reaches the controller at 11.7 us and installs
    // at 20.2 us; the repair is detected at 14.7 us, restored after 3 us and notified at 18.7 us,
    // during round 1, so event 2 (up) leaves when round 1 commits (20.2 us) and installs at 28.7 us.
    FakeSource source;
    source.answer = PlanAnswer(source);
    std::vector<IncidentRecord> incidents;
    ActionLog actions;
    RouteWalk walk;
    RunYaml(
        "duration: 40us\nseed: 3\n"
        "topology: {kind: torus, dims: [4, 4]}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.2}\n"
        "faults:\n  events:\n    - {at: 10us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"], repair_at: 14us}\n"
        "controller: {policy: external, detection_delay: 700ns, control_latency: 1us, compute_time: 5us, "
        "install_time: 500ns, wait_to_restore: 3us, external_timeout: 10us}\n",
        [&](ExperimentRunner& runner) {
            actions.Attach(*runner.GetController());
            source.controller = ns3::PeekPointer(ns3::DynamicCast<ExternalReroute>(runner.GetController()));
            source.fabric = &runner.GetFabric();
            source.controller->SetExternalRouteSource(&source);
        },
        [&](ExperimentRunner& runner, const RunResult&) {
            incidents = runner.GetIncidents();
            walk = WalkRoutes(runner.GetFabric(), runner.GetFaultInjector()->GetLinkMask());
            source.controller->SetExternalRouteSource(nullptr);
        });
    REQUIRE(source.events.size() == 2);
    CHECK(source.events[0].time.ToDouble(ns3::Time::NS) == Approx(11700));
    CHECK(source.events[1].time.ToDouble(ns3::Time::NS) == Approx(20200));
    REQUIRE(source.events[1].changes.size() == 1);
    CHECK(source.events[1].changes[0].up);
    CHECK(source.events[1].changes[0].capacityFraction == 1.0);
    CHECK(source.events[1].notNominal.empty());
    CHECK(source.verdicts == std::vector<std::string>{"", ""});
    REQUIRE(incidents.size() == 2);
    REQUIRE(incidents[0].rerouteNs);
    CHECK(*incidents[0].rerouteNs == Approx(10200));
    REQUIRE(incidents[1].rerouteNs);
    CHECK(*incidents[1].rerouteNs == Approx(28700 - 14000));
    CHECK(actions.Count("install") == 2);
    // Back on the fault-free dimension-order routes: 16 x 32 hops, every pair reached.
    CHECK(walk.unreached == 0);
    CHECK(walk.hops == 512);
}
