// Per-fault recovery figures: exact on synthetic series, and sensible on a real cut and repair.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/observe/recovery-metrics.h"

#include <catch2/catch.hpp>

TEST_CASE("recovery figures on a synthetic throughput series match their definitions", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 100;
    // 10 bins at 100 Gb/s, the fault at 1000 ns, 3 bins at 0, 2 bins at 50, then 100 again.
    in.throughputGbps = {0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 0, 0, 50, 50, 100, 100, 100, 96, 100};
    in.endNs = 2000;
    in.completionNs = {500, 900, 1200, 1700, 1800};
    in.latencyNs = {10, 20, 300, 30, 40};
    in.failureNs = {950, 1100, 1150};
    const auto r = ofab::ComputeRecovery(in, {1000});
    REQUIRE(r.size() == 1);
    CHECK(r[0].preFaultGbps == Approx(100)); // the empty warm-up bin is not averaged in
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == Approx(500)); // bin 15 starts at 1500 ns; 96 >= 95 later
    // Lost: 3 bins x 100 + 2 bins x 50 = 400 Gb/s-bins of 100 ns, over 100 Gb/s.
    CHECK(r[0].lossConvergenceNs == Approx(400));
    CHECK(r[0].failedTransactions == 2);
    CHECK(r[0].retriedTransactions == 0);
    CHECK(r[0].before.count == 2);
    CHECK(r[0].before.p99 == 20);
    CHECK(r[0].during.count == 1);
    CHECK(r[0].during.p50 == 300);
    CHECK(r[0].after.count == 2);

    // A dip below 95 % after a partial recovery moves the recovery to after the dip.
    in.throughputGbps[18] = 90;
    CHECK(*ofab::ComputeRecovery(in, {1000})[0].recover95Ns == Approx(900));
    // A 4-bin window looks past the dip: the window starting at bin 15 averages (100+100+100+90)/4.
    in.windowBins = 4;
    CHECK(*ofab::ComputeRecovery(in, {1000})[0].recover95Ns == Approx(500));
    in.windowBins = 1;
    // Never back: no T_recover95, and the loss runs to the end.
    in.throughputGbps[19] = 0;
    const auto never = ofab::ComputeRecovery(in, {1000});
    CHECK_FALSE(never[0].recover95Ns);
    CHECK(never[0].lossConvergenceNs > 400);
}

TEST_CASE("retries count in their fault's window, a reference span judges against the time just before", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 100;
    // A workload that ran at 200 Gb/s until 700 ns and at 100 after (a collective ending), then a
    // fault at 1000 ns from which it comes back to 100.
    in.throughputGbps = {200, 200, 200, 200, 200, 200, 200, 100, 100, 100,
                         0,   0,   100, 100, 100, 100, 100, 100, 100, 100};
    in.endNs = 2000;
    in.failureNs = {1010, 1020, 1500};
    in.retryNs = {990, 1010, 1020};
    auto r = ofab::ComputeRecovery(in, {1000});
    CHECK(r[0].failedTransactions == 3);
    CHECK(r[0].retriedTransactions == 2); // the retry at 990 ns belongs before the fault
    CHECK(r[0].preFaultGbps == Approx(1700.0 / 10));
    CHECK_FALSE(r[0].recover95Ns); // 100 never reaches 95 % of 170
    in.referenceBins = 3;          // the 300 ns before the fault: 100 Gb/s
    r = ofab::ComputeRecovery(in, {1000});
    CHECK(r[0].preFaultGbps == Approx(100));
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == Approx(200));
}

TEST_CASE("a cut repaired later recovers after the repair and the link's retraining", "[recovery]")
{
    // Ring of 4: the cut link's traffic has no other route (no controller yet), so throughput stays
    // down until the repair at 4 us, then the data link retrains (1 us by default) and traffic resumes.
    const std::string yaml =
        "duration: 12us\nseed: 3\n"
        "topology: {kind: ring, accelerators: 4}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "protocol: {endpoint: {completion_timeout: 1us}}\n"
        "workloads:\n  - {type: traffic, pattern: uniform, operation: write_full, bytes: 256, load: 0.5}\n"
        "faults:\n"
        "  - {at: 2us, kind: fibre_cut, link: 0}\n"
        "  - {at: 4us, kind: repair, of: fibre_cut, link: 0}\n"
        "outputs: {throughput_bin: 100ns, recovery_window: 2us}\n";
    const auto doc = ofab::ConfigDocument::Parse(yaml, "cut.yaml");
    ofab::Experiment x = ofab::LoadExperiment(doc);
    ofab::ExperimentRunner runner(x, doc);
    const auto result = runner.Run(nullptr);
    REQUIRE(result.summary.recovery.size() == 1);
    const auto& r = result.summary.recovery[0];
    CHECK(r.faultNs == Approx(2000));
    CHECK(r.preFaultGbps > 0);
    REQUIRE(r.recover95Ns);
    CHECK(*r.recover95Ns >= 2000);        // not before the repair
    CHECK(*r.recover95Ns <= 2000 + 1500); // repair + 1 us retrain + a few bins of catch-up
    CHECK(r.lossConvergenceNs > 0);
    CHECK(r.lossConvergenceNs <= *r.recover95Ns);
    CHECK(r.failedTransactions > 0);
    CHECK(r.before.count > 0);
}
