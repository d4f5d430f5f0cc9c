// Per-fault recovery figures: exact on synthetic series, and sensible on a real cut and repair.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/observe/recovery-metrics.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

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

    CHECK_FALSE(r[0].degradedTo);
    CHECK(*r[0].settledNs == Approx(500));
    CHECK(r[0].noiseAllowanceNs == 0); // 100 Gb/s before: never behind the 95 % line

    // A bin at 90 % after the recovery: from 1500 ns the fabric is still ahead of 95 % of before.
    in.throughputGbps[18] = 90;
    CHECK(*ofab::ComputeRecovery(in, {1000})[0].recover95Ns == Approx(500));
    // An empty bin is not: it falls 95 Gb/s x 100 ns behind, more than the 15 saved since 1500 ns.
    in.throughputGbps[18] = 0;
    CHECK(*ofab::ComputeRecovery(in, {1000})[0].recover95Ns == Approx(900));
    // A hold of 4 bins: the run must go on 4 bins after the instant, and 1900 ns has one.
    in.windowBins = 4;
    const auto held = ofab::ComputeRecovery(in, {1000});
    CHECK_FALSE(held[0].recover95Ns);
    CHECK(held[0].holdNs == Approx(400));
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
    REQUIRE(r[0].degradedTo);
    CHECK(*r[0].degradedTo == Approx(100.0 / 170)); // the last half of the window, 1500 to 2000 ns
    in.referenceBins = 3;                           // the 300 ns before the fault: 100 Gb/s
    r = ofab::ComputeRecovery(in, {1000});
    CHECK(r[0].preFaultGbps == Approx(100));
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == Approx(200));
}

namespace
{
/// `bins` bins of 100 ns repeating a collective's shape: 8 bins at 100 Gb/s, then 2 at 20 (the gap
/// between repetitions), starting at `phase` bins into a period.
std::vector<double>
Troughs(std::size_t bins, std::size_t phase)
{
    std::vector<double> v;
    for (std::size_t b = 0; b < bins; ++b)
    {
        v.push_back((b + phase) % 10 < 8 ? 100.0 : 20.0);
    }
    return v;
}

/// Poisson(10) 64-byte arrivals per 100 ns bin in Gb/s, from a fixed 32-bit generator (the
/// standard's distributions differ between libraries; mt19937's raw output does not).
std::vector<double>
Poisson(std::size_t bins, uint32_t seed)
{
    std::mt19937 gen(seed);
    std::vector<double> v;
    for (std::size_t b = 0; b < bins; ++b)
    {
        int k = 0;
        double p = 1;
        while ((p *= (gen() + 0.5) / 4294967296.0) > std::exp(-10.0))
        {
            ++k;
        }
        v.push_back(k * 64 * 8 / 100.0);
    }
    return v;
}
} // namespace

TEST_CASE("periodic troughs: recovery is the end of the outage, not the last trough of the run", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 100;
    in.windowBins = 5; // shorter than a period: a window on a trough averages 68, under 95 % of 84
    // Ten periods, the fault at 10 us, 5 bins with nothing, then the collective again, restarted.
    in.throughputGbps = Troughs(100, 0);
    in.throughputGbps.insert(in.throughputGbps.end(), 5, 0.0);
    const auto resumed = Troughs(195, 0);
    in.throughputGbps.insert(in.throughputGbps.end(), resumed.begin(), resumed.end());
    in.endNs = 30000;
    auto r = ofab::ComputeRecovery(in, {10000});
    CHECK(r[0].preFaultGbps == Approx(84));
    // Before the fault the fabric falls behind 95 % of 84 by one trough: 2 x 59.8 Gb/s x 100 ns.
    CHECK(r[0].noiseAllowanceNs == Approx(11960.0 / 84));
    REQUIRE(r[0].recover95Ns);
    // The outage is 500 ns; its last 100 ns is no deeper than a trough of the undisturbed fabric.
    CHECK(*r[0].recover95Ns == Approx(400));
    CHECK(r[0].holdNs == Approx(2900)); // a fabric at 90 % would fall 11 960 bits behind in 2.9 us
    CHECK_FALSE(r[0].degradedTo);

    // Resumed out of phase (mid-period): the same answer, whatever the phase.
    for (std::size_t phase : {3, 7, 9})
    {
        in.throughputGbps.resize(105);
        const auto shifted = Troughs(195, phase);
        in.throughputGbps.insert(in.throughputGbps.end(), shifted.begin(), shifted.end());
        r = ofab::ComputeRecovery(in, {10000});
        REQUIRE(r[0].recover95Ns);
        CHECK(*r[0].recover95Ns >= 300);
        CHECK(*r[0].recover95Ns <= 500);
    }
}

TEST_CASE("noise: a fault that did not touch traffic recovers at once, or at T_reroute if it failed any", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 100;
    in.windowBins = 10;
    in.throughputGbps = Poisson(1000, 17); // mean 51.2 Gb/s, a standard deviation of 16
    in.endNs = 100000;
    ofab::FaultInput cut;
    cut.atNs = 40000;
    cut.linksDown = std::vector<std::pair<double, double>>{{40000, 100000}};
    cut.rerouteNs = 600;
    auto r = ofab::ComputeFaultRecovery(in, std::vector<ofab::FaultInput>{cut});
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == 0); // nothing happened to the traffic: noise decides nothing
    CHECK(r[0].failedTransactions == 0);
    CHECK(r[0].noiseAllowanceNs > 0);

    // One transaction failed on the cut: the fabric is not whole before its routes are.
    in.failureNs = {40550};
    in.failureIssueNs = {40100};
    r = ofab::ComputeFaultRecovery(in, std::vector<ofab::FaultInput>{cut});
    CHECK(r[0].failedTransactions == 1);
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == Approx(600));

    // A real outage, 2 us with nothing delivered: recovery near its end, not decided by noise.
    std::fill(in.throughputGbps.begin() + 400, in.throughputGbps.begin() + 420, 0.0);
    r = ofab::ComputeFaultRecovery(in, std::vector<ofab::FaultInput>{cut});
    REQUIRE(r[0].recover95Ns);
    // Forgiven at the end of the outage: the allowance, at 95 % of the pre-fault rate, and a bin.
    CHECK(*r[0].recover95Ns >= 2000 - r[0].noiseAllowanceNs / 0.95 - 100);
    CHECK(*r[0].recover95Ns <= 2000);
}

TEST_CASE("a short outage is visible, and recovery is never before T_reroute", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 100;
    in.windowBins = 50; // 5 us: the outage is 4 % of it
    in.throughputGbps.assign(300, 100.0);
    in.throughputGbps[200] = in.throughputGbps[201] = 0;
    in.endNs = 30000;
    auto r = ofab::ComputeRecovery(in, {20000});
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == Approx(200));
    CHECK(r[0].lossConvergenceNs == Approx(200));

    // With a controller that rerouted at 600 ns: the traffic was hurt, so not before then.
    ofab::FaultInput cut;
    cut.atNs = 20000;
    cut.linksDown = std::vector<std::pair<double, double>>{{20000, 30000}};
    cut.rerouteNs = 600;
    r = ofab::ComputeFaultRecovery(in, std::vector<ofab::FaultInput>{cut});
    REQUIRE(r[0].recover95Ns);
    CHECK(*r[0].recover95Ns == Approx(600));
}

TEST_CASE("capacity lost for good: degraded to a level, and when the fabric settled there", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 100;
    in.windowBins = 10;
    in.throughputGbps.assign(100, 100.0);
    in.throughputGbps.insert(in.throughputGbps.end(), 3, 0.0);
    in.throughputGbps.insert(in.throughputGbps.end(), 197, 80.0);
    in.endNs = 30000;
    const auto r = ofab::ComputeRecovery(in, {10000});
    CHECK_FALSE(r[0].recover95Ns);
    REQUIRE(r[0].degradedTo);
    CHECK(*r[0].degradedTo == Approx(0.8));
    REQUIRE(r[0].settledNs);
    CHECK(*r[0].settledNs == Approx(300));
    CHECK(r[0].lossConvergenceNs == Approx(300 + 197 * 20)); // lost to the end: it never came back
}

TEST_CASE("a failure is blamed on the fault that caused it, not on the fault before its end", "[recovery]")
{
    ofab::RecoveryInputs in;
    in.binNs = 1000;
    in.throughputGbps.assign(60, 10.0);
    in.endNs = 60000;
    ofab::FaultInput cut;
    cut.atNs = 20000;
    cut.linksDown = std::vector<std::pair<double, double>>{{20000, 60000}};
    cut.rerouteNs = 600;
    ofab::FaultInput line; // a laser line lost later: the link stays up, at 7 of 8 lines
    line.atNs = 25000;
    line.linksDown = std::vector<std::pair<double, double>>{};
    line.rerouteNs = 0;
    ofab::FaultInput second = cut; // another cut, later
    second.atNs = 40000;
    second.linksDown = std::vector<std::pair<double, double>>{{40000, 60000}};
    // Lost in flight at the cut, ended by the 10 us completion timeout after the line fault; issued
    // before the cut's reroute; issued after it toward a partitioned destination; in flight at both
    // cuts (lost to the first); issued in the second cut's reroute window.
    in.failureIssueNs = {19900, 20300, 30000, 19950, 40100};
    in.failureNs = {30100, 30300, 30000, 45000, 40200};
    in.retryNs = {30100, 40200};
    const auto r = ofab::ComputeFaultRecovery(in, std::vector<ofab::FaultInput>{cut, line, second});
    CHECK(r[0].failedTransactions == 4);
    CHECK(r[0].retriedTransactions == 1);
    CHECK(r[1].failedTransactions == 0); // before: 3, the failures that ended in its window
    CHECK(r[2].failedTransactions == 1);
    CHECK(r[2].retriedTransactions == 1);
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
