// The injector's effect on the models: capacity per laser line, shared laser sources, cuts and their
// repair, switches, accelerators, flaps, groups, and faults that overlap on one element.

#include "support/faults-test-util.h"
#include "support/trace-test-util.h"

#include "ofab/photonics/model/optical-channel.h"
#include "ofab/topologies/generators.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <unistd.h>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

const std::string kLinks = "links: {file: experiments/links/cpo-8lambda.yaml}\n";

/// Two accelerators on one 8-line link, both saturating it with 256-byte writes.
std::string
PairYaml(const std::string& faults)
{
    return "duration: 10us\n" + kLinks +
           "topology: {kind: full_mesh, accelerators: 2}\n"
           "workloads:\n"
           "  - {type: traffic, pattern: uniform, operation: write_full, bytes: 256, load: 1.0}\n"
           "faults:\n" +
           faults;
}

void
At(double ns, std::function<void()> fn)
{
    ns3::Simulator::Schedule(ns3::NanoSeconds(ns), fn);
}

using State = OpticalChannel::DirectionState;

} // namespace

TEST_CASE("a laser line loss costs a saturated link direction 1/8 of its throughput, not all of it", "[faults][laser]")
{
    std::map<double, uint64_t> sentAB, sentBA;
    uint32_t usableAfter = 0, usableReverse = 0;
    const RunResult r = RunYaml(PairYaml("  - {at: 5us, kind: laser_line, link: 0, from: a0, line: 4}\n"),
                                [&](ExperimentRunner& runner) {
                                    const FabricLink l = runner.GetFabric().Links()[0];
                                    for (double t : {2000.0, 5000.0, 6000.0, 10000.0})
                                    {
                                        At(t - 1, [&sentAB, &sentBA, l, t] {
                                            sentAB[t] = l.portA->GetStats().payloadBytesSent;
                                            sentBA[t] = l.portB->GetStats().payloadBytesSent;
                                        });
                                    }
                                    At(7000, [&, l] {
                                        usableAfter = l.channel->GetLink(0)->GetUsableLineCount();
                                        usableReverse = l.channel->GetLink(1)->GetUsableLineCount();
                                    });
                                });
    auto rate = [](std::map<double, uint64_t>& m, double a, double b) { return double(m[b] - m[a]) / (b - a); };
    const double before = rate(sentAB, 2000, 5000);
    const double after = rate(sentAB, 6000, 10000);
    INFO("payload B/ns before " << before << ", after " << after);
    CHECK(usableAfter == 7);
    CHECK(usableReverse == 8);
    CHECK(before > 0.8 * 100); // saturated: near 800 Gb/s = 100 B/ns of payload
    CHECK(after / before == Approx(7.0 / 8.0).margin(0.015));
    // The other direction (fed by a1's laser) keeps its rate.
    CHECK(rate(sentBA, 6000, 10000) / rate(sentBA, 2000, 5000) == Approx(1.0).margin(0.02));
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
}

TEST_CASE("the last laser line failing takes the direction down with loss of signal", "[faults][laser]")
{
    std::string faults;
    for (int line = 0; line < 8; ++line)
    {
        faults += "  - {at: " + std::to_string(1000 + 200 * line) +
                  "ns, kind: laser_line, link: 0, from: a0, line: " + std::to_string(line) + "}\n";
    }
    faults += "  - {at: 4us, kind: repair, of: laser_line, link: 0, from: a0, line: 6}\n";
    SignalLog signals;
    FaultLog log;
    std::vector<std::pair<uint32_t, bool>> linkFailed;
    std::vector<uint32_t> failedAt3us;
    State at3us = State::Up;
    RunYaml(PairYaml(faults), [&](ExperimentRunner& runner) {
        signals.Attach(runner.GetFabric());
        log.Attach(*runner.GetFaultInjector());
        runner.GetFaultInjector()->TraceConnectWithoutContext(
            "LinkFailed",
            ns3::Callback<void, uint32_t, bool>([&](uint32_t l, bool f) { linkFailed.emplace_back(l, f); }));
        At(3000, [&] {
            failedAt3us = runner.GetFaultInjector()->GetFailedLinks();
            at3us = runner.GetFabric().Links()[0].channel->GetState(0);
        });
    });
    // Lines 0..6 only lower the capacity; line 7 (at 2400 ns) darkens a0 -> a1: a1 loses the signal.
    REQUIRE(signals.entries.size() == 2);
    CHECK(signals.entries[0].timeNs == 2400);
    CHECK(signals.entries[0].end == 1);
    CHECK_FALSE(signals.entries[0].restored);
    CHECK(at3us == State::Dark);
    CHECK(failedAt3us == std::vector<uint32_t>{0});
    // One line back is light again.
    CHECK(signals.entries[1].timeNs == 4000);
    CHECK(signals.entries[1].restored);
    CHECK(linkFailed == std::vector<std::pair<uint32_t, bool>>{{0, true}, {0, false}});
    REQUIRE(log.entries.size() == 9);
    CHECK(log.entries[7].element == "laser a0#0 line 7");
    CHECK(log.entries[8].repair);
    CHECK(log.entries[8].timeNs == 4000);
}

TEST_CASE("a laser source with port_count 4 takes the lines of exactly the 4 links it feeds", "[faults][laser]")
{
    const std::string yaml = "duration: 3us\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml, laser: {port_count: PORTS}}\n"
                             "topology: {kind: torus, dims: [4, 4]}\n"
                             "faults:\n  - {at: 1us, kind: laser_source, source: {node: \"a(1,1)\", index: 0}}\n";
    auto darkDirections = [&](const std::string& ports, std::size_t* sources) {
        std::set<std::pair<uint32_t, uint8_t>> dark;
        std::string y = yaml;
        y.replace(y.find("PORTS"), 5, ports);
        RunYaml(y, nullptr, [&](ExperimentRunner& runner, const RunResult&) {
            *sources = runner.GetFabric().LaserSources().size();
            for (const FabricLink& l : runner.GetFabric().Links())
            {
                for (uint8_t d = 0; d < 2; ++d)
                {
                    const uint32_t usable = l.channel->GetLink(d)->GetUsableLineCount();
                    CHECK((usable == 0 || usable == 8));
                    if (usable == 0)
                    {
                        dark.emplace(l.id, d);
                    }
                }
            }
        });
        return dark;
    };
    const topo::Graph g = topo::Torus({4, 4}, 2);
    const uint32_t node = *g.FindNode("a(1,1)");
    std::set<std::pair<uint32_t, uint8_t>> fromNode; // every direction a(1,1) transmits on
    std::vector<std::pair<uint32_t, uint8_t>> byPort;
    for (const topo::Adjacency& adj : g.GetNeighbours(node))
    {
        const uint8_t end = g.GetLink(adj.link).a == node ? 0 : 1;
        fromNode.emplace(adj.link, end);
        byPort.emplace_back(adj.link, end);
    }
    std::size_t sources = 0;
    CHECK(darkDirections("4", &sources) == fromNode); // one source feeds all 4 ports of a(1,1)
    CHECK(sources == 16);
    // With 2 ports per source, index 0 is the source behind port 0 (+x); it also feeds +y (port 2),
    // the builder having handed sources out in link order.
    const auto dark = darkDirections("2", &sources);
    CHECK(sources == 32);
    CHECK(dark == std::set<std::pair<uint32_t, uint8_t>>{byPort[0], byPort[2]});
}

TEST_CASE("a fibre cut fires loss of signal at both ends, its repair brings the link back, the trace has both",
          "[faults][cut][trace]")
{
    const std::string trace = "/tmp/ofab-faults-test-" + std::to_string(getpid()) + "-cut.h5";
    const std::string yaml = "duration: 6us\n" + kLinks +
                             "topology: {kind: torus, dims: [4, 4]}\n"
                             "workloads: [{type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.2}]\n"
                             "faults:\n"
                             "  - {at: 2us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"], repair_at: 4us}\n";
    const topo::Graph g = topo::Torus({4, 4}, 2);
    uint32_t link = 0;
    for (const topo::Adjacency& adj : g.GetNeighbours(*g.FindNode("a(1,1)")))
    {
        link = adj.neighbour == *g.FindNode("a(2,1)") ? adj.link : link;
    }
    SignalLog signals;
    FaultLog log;
    std::vector<uint32_t> failedMid, failedAfter;
    RunYaml(
        yaml,
        [&](ExperimentRunner& runner) {
            signals.Attach(runner.GetFabric());
            log.Attach(*runner.GetFaultInjector());
            At(3000, [&] { failedMid = runner.GetFaultInjector()->GetFailedLinks(); });
            At(5000, [&] { failedAfter = runner.GetFaultInjector()->GetFailedLinks(); });
        },
        nullptr, trace);
    REQUIRE(signals.entries.size() == 4);
    std::set<uint8_t> lostAt, restoredAt;
    for (const auto& s : signals.entries)
    {
        CHECK(s.link == link);
        CHECK(s.timeNs == (s.restored ? 4000 : 2000));
        (s.restored ? restoredAt : lostAt).insert(s.end);
    }
    CHECK(lostAt == std::set<uint8_t>{0, 1});
    CHECK(restoredAt == std::set<uint8_t>{0, 1});
    CHECK(failedMid == std::vector<uint32_t>{link});
    CHECK(failedAfter.empty());
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[0].kind == FaultKind::FibreCut);
    CHECK(log.entries[0].element == "link " + std::to_string(link));
    CHECK(log.entries[0].detail == "a(1,1) - a(2,1)");
    CHECK(log.entries[1].repair);

    // The trace: format 1.2, the cut and the repair among the events, at their times.
    CHECK(ReadMeta(trace, "format_version") == ofab::TraceRecorder::kFormatVersion);
    std::vector<TraceEvent> cuts;
    for (const TraceEvent& e : ReadEvents(trace))
    {
        if (e.kind != "loss_of_signal" && e.kind != "signal_restored")
        {
            cuts.push_back(e);
        }
        else
        {
            CHECK(e.timeNs == (e.kind == "signal_restored" ? 4000 : 2000));
        }
    }
    REQUIRE(cuts.size() == 2);
    CHECK(cuts[0].timeNs == 2000);
    CHECK(cuts[0].kind == "fibre_cut");
    CHECK(cuts[0].element == "link " + std::to_string(link));
    CHECK(cuts[1].timeNs == 4000);
    CHECK(cuts[1].kind == "repair");
    CHECK_THAT(cuts[1].detail, Catch::StartsWith("repair of fibre_cut: repaired after 2us"));
    std::remove(trace.c_str());
}

TEST_CASE("a switch failure downs all its links while the other plane carries on", "[faults][switch]")
{
    const std::string yaml = "duration: 5us\n" + kLinks +
                             "topology: {kind: switched_pod, accelerators: 4, planes: 2}\n"
                             "workloads: [{type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.2}]\n"
                             "faults:\n  - {at: 1us, kind: switch, node: sw.p0, repair_at: 3us}\n";
    std::vector<uint32_t> failedMid, failedAfter;
    std::vector<uint32_t> switchLinks;
    uint64_t completedMid = 0, completedLate = 0;
    const RunResult r = RunYaml(yaml, [&](ExperimentRunner& runner) {
        const topo::Graph& g = runner.GetFabric().Graph();
        for (const topo::Adjacency& adj : g.GetNeighbours(*g.FindNode("sw.p0")))
        {
            switchLinks.push_back(adj.link);
        }
        std::sort(switchLinks.begin(), switchLinks.end());
        auto completed = [&runner] {
            uint64_t n = 0;
            for (const auto& e : runner.GetFabric().Endpoints())
            {
                n += e->GetCompletedCount();
            }
            return n;
        };
        At(1500, [&, completed] {
            failedMid = runner.GetFaultInjector()->GetFailedLinks();
            completedMid = completed();
            for (uint32_t l : switchLinks)
            {
                CHECK(runner.GetFabric().Links()[l].channel->GetState(0) == State::Cut);
                CHECK(runner.GetFabric().Links()[l].channel->GetState(1) == State::Cut);
            }
        });
        At(2900, [&, completed] { completedLate = completed() - completedMid; });
        At(4000, [&] { failedAfter = runner.GetFaultInjector()->GetFailedLinks(); });
    });
    CHECK(switchLinks.size() == 4);
    CHECK(failedMid == switchLinks);
    CHECK(failedAfter.empty());
    CHECK(completedLate > 100); // requests pick among the live planes
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
}

TEST_CASE("an accelerator failure cuts its links and isolates its endpoint until repaired", "[faults][accelerator]")
{
    const std::string yaml = "duration: 5us\n" + kLinks +
                             "topology: {kind: torus, dims: [3, 3]}\n"
                             "workloads: [{type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.2}]\n"
                             "faults:\n  - {at: 1us, kind: accelerator, node: \"a(1,1)\", repair_at: 3us}\n";
    bool isolatedMid = false, isolatedAfter = true;
    std::size_t failedMid = 0;
    const RunResult r = RunYaml(yaml, [&](ExperimentRunner& runner) {
        auto e = runner.GetFabric().Endpoints()[4];
        At(2000, [&, e] {
            isolatedMid = e->IsIsolated();
            failedMid = runner.GetFaultInjector()->GetFailedLinks().size();
        });
        At(4000, [&, e] { isolatedAfter = e->IsIsolated(); });
    });
    CHECK(isolatedMid);
    CHECK_FALSE(isolatedAfter);
    CHECK(failedMid == 4);
    CHECK(r.summary.failedByReason.count("Isolate") == 1); // its own new requests, while isolated
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
}

TEST_CASE("flaps, groups and overlapping faults: a repair gives back exactly what its fault took", "[faults][holds]")
{
    const std::string yaml = "duration: 12us\n" + kLinks +
                             "topology: {kind: torus, dims: [4, 4]}\n"
                             "faults:\n"
                             "  events:\n"
                             "    - {at: 1us, kind: flap, link: 1, period: 2us, down_for: 500ns, count: 3}\n"
                             "    - {at: 1us, kind: fibre_cut, link: 0, repair_at: 6us}\n"
                             "    - {at: 2us, kind: accelerator, node: \"a(0,0)\", repair_at: 4us}\n"
                             "    - {at: 1us, kind: group, group: bundle, repair_at: 2us}\n"
                             "    - {at: 1us, kind: laser_line, link: 20, from: \"a(2,2)\", line: 2, "
                             "power_drop_db: 3}\n"
                             "    - {at: 2us, kind: laser_line, link: 20, from: \"a(2,2)\", line: 5}\n"
                             "    - {at: 3us, kind: laser_source, source: \"a(2,2)\", repair_at: 5us}\n"
                             "    - {at: 7us, kind: repair, of: laser_line, link: 20, from: \"a(2,2)\", line: 5}\n"
                             "    - {at: 8us, kind: repair, of: laser_line, source: {node: \"a(2,2)\", index: 0}, "
                             "line: 2}\n"
                             "  groups:\n    bundle: {links: [10, 11, 12]}\n";
    const topo::Graph g = topo::Torus({4, 4}, 2);
    const uint8_t end20 = g.GetNode(g.GetLink(20).a).name == "a(2,2)" ? 0 : 1;
    SignalLog signals;
    FaultLog log;
    std::map<double, std::vector<uint32_t>> failed;
    std::map<double, std::pair<LaserSource::LineState, LaserSource::LineState>> lines; // line 2, line 5
    std::map<double, uint32_t> usable20;
    RunYaml(yaml, [&](ExperimentRunner& runner) {
        signals.Attach(runner.GetFabric());
        log.Attach(*runner.GetFaultInjector());
        const auto link20 = runner.GetFabric().Links()[20].channel->GetLink(end20);
        for (double t : {1200.0, 2500.0, 3200.0, 4500.0, 5200.0, 6500.0, 7500.0, 8500.0})
        {
            At(t, [&, t, link20] {
                failed[t] = runner.GetFaultInjector()->GetFailedLinks();
                lines[t] = {link20->GetLaserSource()->GetLineState(2), link20->GetLaserSource()->GetLineState(5)};
                usable20[t] = link20->GetUsableLineCount();
            });
        }
    });
    using LS = LaserSource::LineState;
    // Link ids on a 4 x 4 torus: node i adds its +x link, then its +y link; wrap links come from the
    // far node. a(0,0): 0 (+x), 1 (+y), 6 (-x), 25 (-y). a(2,2): 20 (+x), 21 (+y), 18 (-x), 13 (-y).
    CHECK(failed[1200] == std::vector<uint32_t>{0, 1, 10, 11, 12}); // cut, flap down, group
    CHECK(failed[2500] == std::vector<uint32_t>{0, 1, 6, 25});      // group repaired; the accelerator's links
    CHECK(failed[3200] == std::vector<uint32_t>{0, 1, 6, 13, 18, 20, 21, 25}); // + a(2,2)'s lasers dark
    CHECK(failed[4500] == std::vector<uint32_t>{0, 13, 18, 20, 21});           // accelerator back: 0 stays cut, 1 is up
    CHECK(failed[5200] == std::vector<uint32_t>{0, 1});                        // lasers back; flap in its third cycle
    CHECK(failed[6500].empty());
    // Line 2 degraded, line 5 failed: the whole source going dark and coming back keeps both that way.
    CHECK(lines[2500] == std::make_pair(LS::Degraded, LS::Failed));
    CHECK(usable20[2500] == 7);
    CHECK(lines[3200] == std::make_pair(LS::Failed, LS::Failed));
    CHECK(usable20[3200] == 0);
    CHECK(lines[5200] == std::make_pair(LS::Degraded, LS::Failed));
    CHECK(usable20[5200] == 7);
    CHECK(lines[7500] == std::make_pair(LS::Degraded, LS::On));
    CHECK(lines[8500] == std::make_pair(LS::On, LS::On));
    CHECK(usable20[8500] == 8);
    // Flap: three downs and three ups on link 1, each with its own loss of signal at both ends.
    int flapDowns = 0, flapUps = 0;
    for (const auto& e : log.entries)
    {
        if (e.kind == FaultKind::Flap)
        {
            (e.repair ? flapUps : flapDowns)++;
        }
    }
    CHECK(flapDowns == 3);
    CHECK(flapUps == 3);
    const auto groupEvents = std::count_if(log.entries.begin(), log.entries.end(),
                                           [](const FaultLog::Entry& e) { return e.kind == FaultKind::Group; });
    CHECK(groupEvents == 2); // one failure and one repair for the three links of the bundle
}

TEST_CASE("the shipped faults demo cuts, loses a line, repairs, and accounts for everything", "[faults][demo]")
{
    const auto doc = ConfigDocument::Load("experiments/faults-demo.yaml");
    Experiment x = LoadExperiment(doc);
    x.duration = ns3::MicroSeconds(70); // past the repair; the whole demo runs 100 us
    FaultLog log;
    RunResult r;
    {
        ExperimentRunner runner(x, doc);
        log.Attach(*runner.GetFaultInjector());
        r = runner.Run(nullptr);
    }
    REQUIRE(log.entries.size() == 3);
    CHECK(log.entries[0].timeNs == 20000);
    CHECK(log.entries[0].kind == FaultKind::FibreCut);
    CHECK(log.entries[1].timeNs == 40000);
    CHECK(log.entries[1].kind == FaultKind::LaserLine);
    CHECK(log.entries[2].timeNs == 60000);
    CHECK(log.entries[2].repair);
    const RunSummary& s = r.summary;
    CHECK(s.issued == s.completed + s.failed + s.inFlight);
    CHECK(s.failedByReason.count("LinkDown") == 1);
    CHECK(s.failedByReason.count("CompletionTimeout") == 1);
}

TEST_CASE("a fault at the end of the run never happens, as the run's warning says", "[faults]")
{
    // At 2 us in a 2 us run it would land on the last instant, with no time left to matter; the
    // loader warns that it never happens, and it does not (neither does one after the end).
    const std::string yaml = "duration: 2us\ntopology: {kind: ring, accelerators: 4}\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                             "workloads:\n  - {type: traffic, pattern: uniform, operation: write, load: 0.1}\n"
                             "faults:\n  events:\n"
                             "    - {at: 1us, kind: fibre_cut, link: 0}\n"
                             "    - {at: 2us, kind: fibre_cut, link: 1}\n"
                             "    - {at: 3us, kind: fibre_cut, link: 2}\n";
    uint64_t faults = 0;
    const RunResult r = RunYaml(yaml, nullptr, [&](ExperimentRunner& runner, const RunResult&) {
        faults = runner.GetFaultInjector()->GetFaultCount();
    });
    CHECK(faults == 1);
    CHECK(r.summary.faultsInjected == 1);
    REQUIRE(r.summary.recovery.size() == 1);
    CHECK(r.summary.recovery[0].faultNs == 1000);
}
