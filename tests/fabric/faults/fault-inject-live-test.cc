// FaultInjector::Inject: faults and repairs that were not planned, injected into a running fabric
// (what `ofab serve` does for cut / repair / degrade): the same resolution, holder counting, trace
// sources and /events rows as planned faults.

#include "support/faults-test-util.h"
#include "support/trace-test-util.h"

#include "ofab/fabric/experiment/fault-config.h"
#include "ofab/photonics/model/optical-channel.h"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

const std::string kTorus = "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                           "topology: {kind: torus, dims: [4, 4]}\n"
                           "workloads: [{type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.2}]\n";

using State = OpticalChannel::DirectionState;

void
At(double ns, std::function<void()> fn)
{
    ns3::Simulator::Schedule(ns3::NanoSeconds(ns), fn);
}

/// Injects `entry` (a `faults:` list entry as YAML; `at` defaults to now) into the runner's injector.
FaultInjector::LiveOutcome
Inject(ExperimentRunner& runner, const std::string& entry)
{
    const ConfigDocument doc = ConfigDocument::Parse(entry, "request");
    YAML::Node node = YAML::Clone(doc.Root());
    const bool now = !node["at"];
    if (now)
    {
        node["at"] = "0ns";
    }
    FaultSpec spec =
        ParseFaultEntry(doc, node, "request", runner.GetFabric().Graph(), runner.GetFaultInjector()->GetGroups());
    if (now)
    {
        spec.at = ns3::Simulator::Now();
    }
    return runner.GetFaultInjector()->Inject(spec);
}

std::string
InjectError(ExperimentRunner& runner, const std::string& entry)
{
    try
    {
        Inject(runner, entry);
    }
    catch (const ConfigError& e)
    {
        return e.Message();
    }
    return "no error";
}

uint32_t
LinkBetween(ExperimentRunner& runner, const char* a, const char* b)
{
    const topo::Graph& g = runner.GetFabric().Graph();
    for (const topo::Adjacency& adj : g.GetNeighbours(*g.FindNode(a)))
    {
        if (adj.neighbour == *g.FindNode(b))
        {
            return adj.link;
        }
    }
    FAIL("no link");
    return 0;
}

struct Refusals
{
    std::vector<std::string> reasons;
    void On(ns3::Time, FaultKind, const std::string& element, const std::string& reason)
    {
        reasons.push_back(element + ": " + reason);
    }
};

} // namespace

TEST_CASE("an injected cut takes the link down now, an injected repair later brings it back, the trace has both",
          "[faults][inject][trace]")
{
    const std::string trace = "/tmp/ofab-inject-test-" + std::to_string(getpid()) + ".h5";
    FaultLog log;
    std::vector<std::pair<uint32_t, bool>> linkFailed;
    uint32_t link = 0;
    FaultInjector::LiveOutcome cut, repair;
    std::vector<uint32_t> failedMid, failedAfter;
    std::map<double, uint64_t> sent;
    const RunResult r = RunYaml(
        "duration: 6us\n" + kTorus,
        [&](ExperimentRunner& runner) {
            log.Attach(*runner.GetFaultInjector());
            runner.GetFaultInjector()->TraceConnectWithoutContext(
                "LinkFailed",
                ns3::Callback<void, uint32_t, bool>([&](uint32_t l, bool f) { linkFailed.emplace_back(l, f); }));
            link = LinkBetween(runner, "a(1,1)", "a(2,1)");
            const FabricLink fl = runner.GetFabric().Links()[link];
            for (double t : {1000.0, 2000.0, 2500.0, 3500.0, 4500.0, 6000.0})
            {
                At(t - 0.001, [&sent, fl, t] { sent[t] = fl.portA->GetStats().payloadBytesSent; });
            }
            At(2000, [&] {
                cut = Inject(runner, "{kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}");
                repair = Inject(runner, "{at: 4us, kind: repair, of: fibre_cut, link: " + std::to_string(link) + "}");
            });
            At(3000, [&] { failedMid = runner.GetFaultInjector()->GetFailedLinks(); });
            At(5000, [&] { failedAfter = runner.GetFaultInjector()->GetFailedLinks(); });
        },
        nullptr, trace);
    CHECK(cut.applied);
    CHECK(cut.element == "link " + std::to_string(link));
    CHECK(cut.at == ns3::MicroSeconds(2));
    CHECK_FALSE(repair.applied);
    CHECK(repair.at == ns3::MicroSeconds(4));
    CHECK(failedMid == std::vector<uint32_t>{link});
    CHECK(failedAfter.empty());
    CHECK(linkFailed == std::vector<std::pair<uint32_t, bool>>{{link, true}, {link, false}});
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[0].timeNs == 2000);
    CHECK(log.entries[0].detail == "a(1,1) - a(2,1); injected");
    CHECK(log.entries[1].repair);
    CHECK(log.entries[1].timeNs == 4000);
    // The link carries traffic before, nothing while cut (after what was in flight drained), and again after.
    CHECK(sent[2000] - sent[1000] > 0);
    CHECK(sent[3500] - sent[2500] == 0);
    CHECK(sent[6000] - sent[4500] > 0);
    CHECK(r.summary.faultsInjected == 1);
    CHECK(r.summary.repairs == 1);
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);

    std::vector<TraceEvent> faults;
    for (const TraceEvent& e : ReadEvents(trace))
    {
        if (e.kind != "loss_of_signal" && e.kind != "signal_restored")
        {
            faults.push_back(e);
        }
    }
    REQUIRE(faults.size() == 2);
    CHECK(faults[0].kind == "fibre_cut");
    CHECK(faults[0].timeNs == 2000);
    CHECK(faults[1].kind == "repair");
    CHECK_THAT(faults[1].detail, Catch::StartsWith("repair of fibre_cut: repaired after 2us"));
    std::remove(trace.c_str());
}

TEST_CASE("an injected repair gives back exactly what its fault took, planned or injected", "[faults][inject][holds]")
{
    // Planned: the accelerator a(1,1) fails at 1us (its four links cut) and is repaired at 5us.
    const std::string yaml = "duration: 6us\n" + kTorus +
                             "faults:\n"
                             "  - {at: 1us, kind: accelerator, node: \"a(1,1)\", repair_at: 5us}\n"
                             "  - {at: 1us, kind: fibre_cut, link: 0, repair_at: 5us}\n";
    FaultLog log;
    uint32_t link = 0;
    State during = State::Up, afterCutRepair = State::Up, end = State::Cut;
    std::vector<uint32_t> failedAt4;
    std::string repairPlanned = "not run";
    const RunResult r = RunYaml(yaml, [&](ExperimentRunner& runner) {
        log.Attach(*runner.GetFaultInjector());
        link = LinkBetween(runner, "a(1,1)", "a(2,1)");
        const auto channel = runner.GetFabric().Links()[link].channel;
        At(2000, [&, channel] {
            // A cut of a link the failed accelerator holds down already: a second holder.
            Inject(runner, "{kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}");
            during = channel->GetState(0);
        });
        At(3000, [&, channel] {
            Inject(runner, "{kind: repair, of: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}");
            afterCutRepair = channel->GetState(0); // the accelerator still holds it
            // An injected repair of a planned fault: link 0's cut ends now, its planned repair at 5us does nothing.
            repairPlanned = Inject(runner, "{kind: repair, of: fibre_cut, link: 0}").element;
        });
        At(4000, [&] { failedAt4 = runner.GetFaultInjector()->GetFailedLinks(); });
        At(5500, [&, channel] { end = channel->GetState(0); });
    });
    CHECK(during == State::Cut);
    CHECK(afterCutRepair == State::Cut);
    CHECK(end == State::Up);
    CHECK(repairPlanned == "link 0");
    // At 4us only the accelerator's four links are down.
    CHECK(failedAt4.size() == 4);
    CHECK(std::find(failedAt4.begin(), failedAt4.end(), link) != failedAt4.end());
    CHECK(std::find(failedAt4.begin(), failedAt4.end(), 0u) == failedAt4.end());
    // Faults: accelerator, link 0, injected cut; repairs: injected cut, link 0 (injected), accelerator.
    CHECK(r.summary.faultsInjected == 3);
    CHECK(r.summary.repairs == 3);
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
}

TEST_CASE("injected requests with nothing to do are refused, now with an error, later with the Refused trace",
          "[faults][inject][errors]")
{
    const std::string yaml = "duration: 4us\n" + kTorus +
                             "faults:\n"
                             "  - {at: 1us, kind: fibre_cut, link: 3}\n";
    Refusals refused;
    FaultLog log;
    std::string alreadyCut, nothingToRepair, past, badLine, badNode;
    FaultInjector::LiveOutcome degrade;
    RunYaml(yaml, [&](ExperimentRunner& runner) {
        log.Attach(*runner.GetFaultInjector());
        runner.GetFaultInjector()->TraceConnectWithoutContext("Refused", ns3::MakeCallback(&Refusals::On, &refused));
        At(2000, [&] {
            alreadyCut = InjectError(runner, "{kind: fibre_cut, link: 3}");
            nothingToRepair = InjectError(runner, "{kind: repair, of: fibre_cut, link: 4}");
            past = InjectError(runner, "{at: 1us, kind: fibre_cut, link: 5}");
            badLine = InjectError(runner, "{kind: laser_line, link: 5, line: 8}");
            badNode = InjectError(runner, "{kind: switch, node: \"a(9,9)\"}");
            // Due later: checked then. Link 4 has nothing to repair at 3us; link 3 is still cut at 2.5us.
            Inject(runner, "{at: 3us, kind: repair, of: fibre_cut, link: 4}");
            Inject(runner, "{at: 2500ns, kind: fibre_cut, link: 3}");
            // A degraded line: lit but weaker, repaired as a laser_line.
            degrade = Inject(runner, "{kind: laser_line, between: [\"a(1,1)\", \"a(2,1)\"], from: \"a(2,1)\", line: 2, "
                                     "power_drop_db: 3}");
        });
    });
    CHECK_THAT(alreadyCut, Catch::Contains("link 3 already has a fibre_cut in effect (since 1us)"));
    CHECK_THAT(nothingToRepair, Catch::Contains("nothing to repair: no fibre_cut of link 4 is in effect now"));
    CHECK_THAT(past, Catch::Contains("is in the past: the simulation is at 2us"));
    CHECK_THAT(badLine, Catch::Contains("line"));
    CHECK_THAT(badNode, Catch::Contains("a(9,9)"));
    REQUIRE(refused.reasons.size() == 2);
    CHECK(refused.reasons[0] == "link 3: already has a fibre_cut in effect (since 1us)");
    CHECK(refused.reasons[1] == "link 4: nothing to repair: no fibre_cut in effect");
    CHECK(degrade.applied);
    CHECK_THAT(degrade.element, Catch::StartsWith("laser a(2,1)#") && Catch::EndsWith(" line 2"));
    // The planned cut and the degradation: nothing else changed the models.
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[1].kind == FaultKind::LaserLineDegraded);
}
