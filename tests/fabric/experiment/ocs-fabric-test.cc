// Fabrics of cubes wired through optical circuit switches (topology kind ocs_cubes): a planned
// reconfiguration darkens and lights exactly the circuits that change, for exactly the switch's
// drawn time; the slice afterwards is the declared torus; the ocs_rewire policy swaps a spare cube
// in for one with a dead accelerator where packet rerouting leaves the job failing; conservation
// and determinism hold across moves; bad cube lists are refused at their keys.

#include "support/faults-test-util.h"

#include "ofab/fabric/workloads/collective-workload.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

/// Two 2 x 2 x 2 cubes in a 2 x 2 x 4 slice, a spare cube 2, a ring all-reduce back to back.
std::string
OcsYaml(const std::string& extra, const std::string& policy = "global", const std::string& reconfiguration = "5us",
        const std::string& p99 = "5us")
{
    return "name: ocs\nseed: 4\nduration: 150us\n"
           "topology: {kind: ocs_cubes, cube_dims: [2, 2, 2], cubes: 3, slice: [1, 1, 2], slice_cubes: [0, 1],"
           " link_length_m: 1, circuit_length_m: 20}\n"
           "links: {file: experiments/links/cpo-8lambda.yaml}\n"
           "protocol: {endpoint: {completion_timeout: 10us}}\n"
           "workloads:\n"
           "  - {type: collective, algorithm: ring_allreduce, bytes: 16KiB, start: 1us, repetitions: 1000, retries: "
           "2}\n"
           "controller: {policy: " +
           policy +
           ", detection_delay: 500ns, control_latency: 1us, compute_time: 2us, install_time: 1us,"
           " wait_to_restore: 2us}\n"
           "ocs: {switch: {reconfiguration_time: " +
           reconfiguration + ", reconfiguration_time_p99: " + p99 + "}" + extra + "}\n";
}

struct CircuitLog
{
    std::map<uint32_t, std::vector<std::pair<double, bool>>> changes; ///< link -> (time ns, up)
    std::map<uint32_t, std::vector<double>> flitsSent;                ///< link -> DL flit send times (ns)
};

void
OnLoss(std::pair<CircuitLog*, uint32_t>* w, uint8_t /*end*/)
{
    w->first->changes[w->second].emplace_back(ns3::Simulator::Now().ToDouble(ns3::Time::NS), false);
}

void
OnRestored(std::pair<CircuitLog*, uint32_t>* w, uint8_t /*end*/)
{
    w->first->changes[w->second].emplace_back(ns3::Simulator::Now().ToDouble(ns3::Time::NS), true);
}

void
OnFlit(std::pair<CircuitLog*, uint32_t>* w, uint16_t /*seq*/, uint16_t /*tlBytes*/)
{
    w->first->flitsSent[w->second].push_back(ns3::Simulator::Now().ToDouble(ns3::Time::NS));
}

} // namespace

TEST_CASE("A planned OCS move darkens and lights exactly the changed circuits, for the drawn time", "[ocs]")
{
    CircuitLog seen;
    std::vector<std::pair<CircuitLog*, uint32_t>> watches;
    std::vector<uint32_t> leaving;
    std::vector<uint32_t> joining;
    std::vector<uint32_t> finalRanks;
    const RunResult r = RunYaml(
        // The second entry comes due while the switches still move (5 us from 20 us): skipped.
        OcsYaml(", schedule: [{at: 20us, cubes: [0, 2]}, {at: 22us, cubes: [2, 1]}]"),
        [&](ExperimentRunner& runner) {
            Fabric& f = runner.GetFabric();
            const topo::OcsCubes& layout = f.Ocs()->Layout();
            const auto& before = layout.configurations[0].circuits;
            const auto& after = layout.configurations[runner.GetExperiment().ocsSchedule[0].configuration].circuits;
            std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(leaving));
            std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(joining));
            watches.reserve(f.Links().size());
            for (const FabricLink& l : f.Links())
            {
                watches.emplace_back(&seen, l.id);
                l.channel->TraceConnectWithoutContext("LossOfSignal", ns3::MakeBoundCallback(&OnLoss, &watches.back()));
                l.channel->TraceConnectWithoutContext("SignalRestored",
                                                      ns3::MakeBoundCallback(&OnRestored, &watches.back()));
                l.portA->TraceConnectWithoutContext("DlFlitSent", ns3::MakeBoundCallback(&OnFlit, &watches.back()));
                l.portB->TraceConnectWithoutContext("DlFlitSent", ns3::MakeBoundCallback(&OnFlit, &watches.back()));
            }
        },
        [&](ExperimentRunner& runner, const RunResult&) {
            for (const auto& w : runner.GetExperiment().workloads)
            {
                finalRanks = dynamic_cast<CollectiveWorkload&>(*w).GetRankAccelerators();
            }
        });

    // Cube 1's z faces meet cube 0 and itself through the switches; cube 2 takes its place: the
    // 2 x 2 face circuits between cubes 0 and 1 both ways (8) and cube 1's x and y wraps (8) go;
    // as many come for cube 2.
    CHECK(leaving.size() == 16);
    CHECK(joining.size() == 16);
    REQUIRE(r.ocs);
    REQUIRE(r.ocs->reconfigurations.size() == 1); // the move due at 22 us did not happen
    const OcsReconfigurationFigures& m = r.ocs->reconfigurations[0];
    CHECK(m.startNs == 20000);
    CHECK(m.circuitsDarkened == 16);
    CHECK(m.circuitsLit == 16);
    CHECK(m.darkMinNs == 5000); // p99 = median: a fixed time
    CHECK(m.darkMaxNs == 5000);
    CHECK(m.litNs == 25000);
    REQUIRE(m.readyNs > m.litNs);
    CHECK(m.sliceConnected);
    CHECK(m.sliceIsTorus);
    CHECK(m.sliceDiameter == 4); // a 2 x 2 x 4 torus: 1 + 1 + 2
    CHECK(r.ocs->finalConfiguration == 1);
    // Throughput recovers as after a fault, and not before the new slice's routes are in.
    CHECK(m.throughputBeforeGbps > 0);
    CHECK(m.throughputRecoveredNs >= m.readyNs - m.startNs);

    for (uint32_t link : leaving)
    {
        // Lit from the start, dark for good at 20 us; no flit leaves either port afterwards.
        REQUIRE(seen.changes[link].size() >= 1);
        CHECK(seen.changes[link].back() == std::make_pair(20000.0, false));
        for (double t : seen.flitsSent[link])
        {
            CHECK(t < 20000.0);
        }
    }
    for (uint32_t link : joining)
    {
        // Dark since the build; light at exactly 20 us + the drawn 5 us (one restore per receiving
        // end); no flit before.
        REQUIRE(seen.changes[link].size() == 2);
        for (const auto& change : seen.changes[link])
        {
            CHECK(change == std::make_pair(25000.0, true));
        }
        REQUIRE_FALSE(seen.flitsSent[link].empty()); // the data link trained and carries the job
        CHECK(*std::min_element(seen.flitsSent[link].begin(), seen.flitsSent[link].end()) >= 25000.0);
    }

    // The job moved onto cubes 0 and 2 (accelerator ids 0-7 and 16-23) and ran there.
    REQUIRE(finalRanks.size() == 16);
    for (uint32_t a : finalRanks)
    {
        CHECK((a < 8 || (a >= 16 && a < 24)));
    }
    uint32_t completedAfter = 0;
    for (const auto& c : r.summary.collectives)
    {
        completedAfter += c.status == CollectiveStatus::Completed && c.start.ToDouble(ns3::Time::NS) >= m.readyNs;
    }
    CHECK(completedAfter >= 2);
    // Every transaction accounted for, across the move.
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
}

TEST_CASE("ocs_rewire swaps the spare cube in for a dead accelerator, where packet reroute cannot save the job",
          "[ocs]")
{
    const std::string fault = "faults: [{at: 20us, kind: accelerator, node: \"c1(1,0,1)\"}]\n";
    auto afterFault = [](const RunResult& r, CollectiveStatus status) {
        uint32_t n = 0;
        for (const auto& c : r.summary.collectives)
        {
            n += c.status == status && c.start.ToDouble(ns3::Time::NS) > 20000;
        }
        return n;
    };
    const RunResult reroute = RunYaml(OcsYaml("", "global") + fault);
    CHECK(reroute.ocs->reconfigurations.empty());
    CHECK(afterFault(reroute, CollectiveStatus::Completed) == 0);
    CHECK(afterFault(reroute, CollectiveStatus::Failed) >= 1);

    const RunResult rewire = RunYaml(OcsYaml("", "ocs_rewire") + fault);
    REQUIRE(rewire.ocs->reconfigurations.size() == 1);
    const OcsReconfigurationFigures& m = rewire.ocs->reconfigurations[0];
    CHECK(m.reason.find("spare cube 2") != std::string::npos);
    CHECK(rewire.ocs->configurations[m.to].cubes == std::vector<int>{0, 2});
    // Detection (500 ns) + control latency (1 us) + compute (2 us) after the failure.
    CHECK(m.startNs == Approx(23500).margin(1));
    CHECK(m.sliceIsTorus);
    CHECK(afterFault(rewire, CollectiveStatus::Completed) >= 2);
    for (const auto& c : rewire.summary.collectives)
    {
        // Nothing completes between the move's start and the slice being ready: the job holds.
        if (c.status == CollectiveStatus::Completed)
        {
            CHECK((c.end.ToDouble(ns3::Time::NS) < m.startNs || c.start.ToDouble(ns3::Time::NS) >= m.readyNs));
        }
    }
    for (const RunResult* r : {&reroute, &rewire})
    {
        CHECK(r->summary.issued == r->summary.completed + r->summary.failed + r->summary.inFlight);
    }
}

TEST_CASE("OCS moves with drawn times are reproducible and follow the seed", "[ocs]")
{
    const std::string yaml = OcsYaml(", schedule: [{at: 20us, cubes: [0, 2]}]", "global", "5us", "15us");
    const RunResult a = RunYaml(yaml);
    const RunResult b = RunYaml(yaml);
    REQUIRE(a.ocs->reconfigurations.size() == 1);
    CHECK(a.ocs->reconfigurations[0].darkMinNs == b.ocs->reconfigurations[0].darkMinNs);
    CHECK(a.ocs->reconfigurations[0].darkMaxNs == b.ocs->reconfigurations[0].darkMaxNs);
    CHECK(a.ocs->reconfigurations[0].readyNs == b.ocs->reconfigurations[0].readyNs);
    CHECK(a.summary.completed == b.summary.completed);
    // Twelve switches move (every x, y and z face position: cube 1's wraps and z-face circuits all
    // go to cube 2), each with its own draw: the shortest and the longest dark time differ.
    CHECK(a.ocs->reconfigurations[0].darkMinNs < a.ocs->reconfigurations[0].darkMaxNs);
}

TEST_CASE("Circuits carry the switch's insertion loss and crosstalk in their budget", "[ocs]")
{
    RunYaml(OcsYaml(""), [](ExperimentRunner& runner) {
        Fabric& f = runner.GetFabric();
        uint32_t circuits = 0;
        for (const FabricLink& l : f.Links())
        {
            ns3::DoubleValue loss;
            l.channel->GetLink(0)->GetAttribute("InlineLossDb", loss);
            const bool circuit = f.Graph().GetLink(l.id).linkClass == "ocs";
            CHECK(loss.Get() == (circuit ? 2.0 : 0.0)); // the switch's default insertion loss
            circuits += circuit;
        }
        CHECK(circuits == f.Ocs()->Layout().circuits.size());
    });
}

TEST_CASE("Bad OCS experiments are refused at their keys", "[ocs]")
{
    auto with = [](const std::string& topologyExtra, const std::string& ocs = "") {
        return "name: x\nduration: 5us\n"
               "topology: {kind: ocs_cubes, cube_dims: [2, 2, 2], cubes: 3, slice: [1, 1, 2]" +
               topologyExtra +
               "}\n"
               "links: {file: experiments/links/cpo-8lambda.yaml}\n"
               "workloads: [{type: collective, bytes: 4KiB}]\n" +
               ocs;
    };
    CHECK_THAT(ErrorOf(with(", slice_cubes: [1, 1]")),
               Catch::Contains("topology.slice_cubes.1") && Catch::Contains("connected twice"));
    CHECK_THAT(ErrorOf(with(", slice_cubes: [0, 5]")),
               Catch::Contains("topology.slice_cubes.1") && Catch::Contains("does not exist"));
    CHECK_THAT(ErrorOf(with(", slice_cubes: [0]")), Catch::Contains("2 cube positions"));
    std::string oneCube = with("");
    oneCube.replace(oneCube.find("cubes: 3"), 8, "cubes: 1");
    CHECK_THAT(ErrorOf(oneCube), Catch::Contains("topology.cubes"));
    CHECK_THAT(ErrorOf(with("", "ocs: {schedule: [{at: 2us, cubes: [0, 2]}]}\n")),
               Catch::Contains("ocs.schedule") && Catch::Contains("controller"));
    CHECK_THAT(ErrorOf(with("", "ocs: {schedule: [{at: 2us, cubes: [0, 2]}]}\ncontroller: {policy: local}\n")),
               Catch::Contains("ocs.schedule") && Catch::Contains("policy local does not"));
    CHECK_THAT(ErrorOf(with("", "ocs: {switch: {reconfiguration_time: 3ms, reconfiguration_time_p99: 1ms}}\n")),
               Catch::Contains("ocs.switch"));
    CHECK_THAT(ErrorOf("name: x\nduration: 5us\ntopology: {kind: torus, dims: [2, 2]}\n"
                       "links: {file: experiments/links/cpo-8lambda.yaml}\nocs: {}\n"),
               Catch::Contains("ocs_cubes"));
    CHECK_THAT(ErrorOf(with("").replace(with("").find("{type: collective"), 32, "{type: traffic, load: 0.1}]      ")),
               Catch::Contains("workloads.0.type"));
}
