// `type: training` from YAML: the generated step runs on the fabric (ranks on accelerators in
// order), every operation of every rank ends, the critical path adds up to the step, the
// transactions are conserved and tagged; a fault mid-step lengthens it; bad specs are refused at
// their keys.

#include "support/faults-test-util.h"

#include "ofab/fabric/workloads/training-workload.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

/// A 2-stage, TP 2, DP 2 step on an 8-accelerator pod (4 planes), 2 micro-batches.
std::string
TrainingYaml(const std::string& extra = "", const std::string& faults = "")
{
    return "name: t\nseed: 2\nduration: 2ms\n"
           "topology: {kind: switched_pod, accelerators: 8, planes: 4, link_length_m: 2}\n"
           "links: {file: experiments/links/cpo-8lambda.yaml}\n"
           "workloads:\n"
           "  - {type: training, name: tiny, layers: 2, hidden: 256, heads: 4, sequence: 128, vocabulary: 1024,"
           " micro_batches: 2, tp: 2, pp: 2, dp: 2, flops_per_second: 20e12, iterations: 2, retries: 4,"
           " retry_backoff: 5us" +
           extra + "}\n" + faults;
}

} // namespace

TEST_CASE("training: a generated step runs to its end, its critical path adding up", "[training]")
{
    uint64_t opsPerStep = 0;
    const RunResult r = RunYaml(TrainingYaml(), [&](ExperimentRunner& runner) {
        auto& w = dynamic_cast<TrainingWorkload&>(*runner.GetExperiment().workloads[0]);
        opsPerStep = w.GetGraph().OpCount();
    });
    REQUIRE(r.summary.iterations.size() == 2);
    for (const auto& it : r.summary.iterations)
    {
        CHECK(it.status == CollectiveStatus::Completed);
        CHECK(it.operations == opsPerStep);
        CHECK(it.ended == opsPerStep);
        const double t = it.Duration().ToDouble(ns3::Time::NS);
        CHECK(it.criticalComputeNs + it.criticalCommNs == Approx(t).epsilon(1e-9));
        CHECK(it.computeNs > 0);
        CHECK(it.computeNs < t);
    }
    // The same step on the same idle fabric: the same time, iteration after iteration.
    CHECK(r.summary.iterations[0].Duration() == r.summary.iterations[1].Duration());
    CHECK(r.summary.iterations[1].start == r.summary.iterations[0].end);
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
    CHECK(r.summary.failed == 0);
    for (const auto& c : r.summary.collectives)
    {
        CHECK(c.status == CollectiveStatus::Completed);
        CHECK(c.workload == 1);
    }
}

TEST_CASE("training: a fibre cut mid-step is retried around and lengthens the step", "[training][faults]")
{
    const RunResult clean = RunYaml(TrainingYaml(", iterations: 1", "controller: {policy: hybrid}\n"));
    REQUIRE(clean.summary.iterations.size() == 1);
    const double t = clean.summary.iterations[0].Duration().ToDouble(ns3::Time::NS);
    // Cut a1's fibre to plane 0 a third into the step (it starts at 0).
    const std::string at = std::to_string(static_cast<int64_t>(t / 3)) + "ns";
    const RunResult cut =
        RunYaml(TrainingYaml(", iterations: 1", "controller: {policy: hybrid}\nfaults:\n  - {at: " + at +
                                                    ", kind: fibre_cut, between: [a1, sw.p0]}\n"));
    REQUIRE(cut.summary.iterations.size() == 1);
    const auto& it = cut.summary.iterations[0];
    CHECK(it.status == CollectiveStatus::Completed);
    CHECK(it.retries > 0);
    CHECK(it.Duration().ToDouble(ns3::Time::NS) > t);
    CHECK(cut.summary.issued == cut.summary.completed + cut.summary.failed + cut.summary.inFlight);
}

TEST_CASE("training: bad specs are refused at their keys", "[training][validate]")
{
    CHECK_THAT(ErrorOf(TrainingYaml(", heads: 1")), Catch::Contains("workloads[0].heads") && Catch::Contains("tp"));
    CHECK_THAT(ErrorOf(TrainingYaml(", layers: 3")), Catch::Contains("workloads[0].layers"));
    CHECK_THAT(ErrorOf(TrainingYaml(", dp: 4")), Catch::Contains("16 ranks; the fabric has 8"));
    CHECK_THAT(ErrorOf(TrainingYaml(", schedule: zigzag")), Catch::Contains("workloads[0].schedule"));
}

TEST_CASE("chakra: the committed example runs from an experiment file, iteration after iteration", "[chakra][training]")
{
    const std::string yaml =
        "name: c\nseed: 1\nduration: 1ms\n"
        "topology: {kind: torus, dims: [2, 2], link_length_m: 2}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "workloads:\n  - {type: chakra, traces: experiments/chakra/tiny-dp/workload, iterations: 3}\n";
    const RunResult r = RunYaml(yaml);
    REQUIRE(r.summary.iterations.size() == 3);
    for (const auto& it : r.summary.iterations)
    {
        CHECK(it.status == CollectiveStatus::Completed);
        CHECK(it.operations == 36); // 9 nodes on each of 4 ranks
        CHECK(it.ended == 36);
        CHECK(it.criticalComputeNs + it.criticalCommNs == Approx(it.Duration().ToDouble(ns3::Time::NS)).epsilon(1e-9));
        // Rank 0: 20 + 10 + 15 + 15 + 5 us of compute, one stream.
        CHECK(it.computeNs == Approx(65000));
    }
    // Per iteration: the all-to-all, the transfer and the two all-reduces.
    CHECK(r.summary.collectives.size() == 12);
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
    CHECK(r.summary.failed == 0);
}

TEST_CASE("chakra: a trace set that cannot be read is refused at its key, naming the file", "[chakra][validate]")
{
    const std::string yaml = "name: c\nduration: 1ms\ntopology: {kind: torus, dims: [2, 2]}\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                             "workloads:\n  - {type: chakra, traces: experiments/chakra/none/workload}\n";
    CHECK_THAT(ErrorOf(yaml), Catch::Contains("workloads[0].traces") && Catch::Contains("none/workload.0.et"));
}

TEST_CASE("training: a step on an OCS slice holds while the switches move and resumes on the new slice",
          "[training][ocs]")
{
    // Two 2 x 2 x 2 cubes in the slice, spare cube 2; TP 2 x DP 8 on the 16 slice accelerators; the
    // switches move cube 2 in for cube 1 at 20 us.
    const std::string yaml =
        "name: t\nseed: 4\nduration: 400us\n"
        "topology: {kind: ocs_cubes, cube_dims: [2, 2, 2], cubes: 3, slice: [1, 1, 2], slice_cubes: [0, 1],"
        " link_length_m: 1, circuit_length_m: 20}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "workloads:\n"
        "  - {type: training, name: tiny, layers: 1, hidden: 128, heads: 2, sequence: 64, vocabulary: 256,"
        " micro_batches: 1, tp: 2, dp: 8, flops_per_second: 20e12, iterations: 1000}\n"
        "controller: {policy: global, detection_delay: 500ns, control_latency: 1us, compute_time: 2us,"
        " install_time: 1us, wait_to_restore: 2us}\n"
        "ocs: {switch: {reconfiguration_time: 5us, reconfiguration_time_p99: 5us},"
        " schedule: [{at: 20us, cubes: [0, 2]}]}\n";
    const RunResult r = RunYaml(yaml);
    REQUIRE(r.ocs);
    REQUIRE(r.ocs->reconfigurations.size() == 1);
    const double ready = r.ocs->reconfigurations[0].readyNs;
    REQUIRE(ready > 0);
    uint32_t completedAfter = 0;
    for (const auto& it : r.summary.iterations)
    {
        // No step starts between the move and the new slice's routes.
        const double start = it.start.ToDouble(ns3::Time::NS);
        CHECK((start < 20000 || start >= ready));
        completedAfter += it.status == CollectiveStatus::Completed && start >= ready;
    }
    // Steps complete after the move: the ranks of cube 1, whose circuits went dark, run on cube 2 now
    // (on cube 1 every step would fail: no route reaches it from the new slice).
    CHECK(completedAfter >= 2);
    CHECK(r.summary.issued == r.summary.completed + r.summary.failed + r.summary.inFlight);
}
