// T_recover95 on a real cut under every policy: ordered as the policies heal, never before T_reroute.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

namespace
{

/// A switched pod of 8 accelerators and 4 planes, a ring all-reduce back to back with background
/// writes, one fibre cut at 30 us never repaired (a5's port into plane 0: the switch has no other
/// way to a5 on that plane, so local repair cannot heal it; the central install can).
ofab::FaultRecovery
CutUnder(const std::string& policy)
{
    const std::string yaml =
        "duration: 100us\nseed: 5\n"
        "topology: {kind: switched_pod, accelerators: 8, planes: 4, link_length_m: 2}\n"
        "links: {file: experiments/links/cpo-8lambda.yaml}\n"
        "protocol: {endpoint: {completion_timeout: 10us}}\n"
        "workloads:\n"
        "  - {type: collective, algorithm: ring_allreduce, bytes: 256KiB, start: 1us, repetitions: 50, retries: 5}\n"
        "  - {type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.2, arrival: poisson}\n"
        "faults:\n  - {at: 30us, kind: fibre_cut, between: [a5, sw.p0]}\n"
        "controller: {policy: " +
        policy +
        ", detection_delay: 500ns, switch_over_time: 100ns, control_latency: 2us, compute_time: 10us, "
        "install_time: 1us}\n"
        "outputs: {throughput_bin: 500ns, recovery_window: 20us}\n";
    const auto doc = ofab::ConfigDocument::Parse(yaml, "pod-cut.yaml");
    ofab::Experiment x = ofab::LoadExperiment(doc);
    ofab::ExperimentRunner runner(x, doc);
    const auto result = runner.Run(nullptr);
    REQUIRE(result.summary.recovery.size() == 1);
    return result.summary.recovery[0];
}

} // namespace

TEST_CASE("policies recover from a cut in the order they heal, never before T_reroute", "[recovery]")
{
    std::map<std::string, ofab::FaultRecovery> r;
    for (const std::string policy : {"oracle", "local", "global", "hybrid"})
    {
        r[policy] = CutUnder(policy);
        INFO(policy);
        CHECK(r[policy].failedTransactions > 0);
        if (r[policy].recover95Ns)
        {
            REQUIRE(r[policy].rerouteNs);
            CHECK(*r[policy].recover95Ns >= *r[policy].rerouteNs);
            CHECK_FALSE(r[policy].degradedTo);
        }
    }
    // Oracle heals at the cut: back once the writes lost on the fibre were retried (within 10 us);
    // global and hybrid when the central install lands (19.5 us), with the same routes.
    REQUIRE(r["oracle"].recover95Ns);
    REQUIRE(r["hybrid"].recover95Ns);
    REQUIRE(r["global"].recover95Ns);
    CHECK(*r["oracle"].recover95Ns < 10000);
    CHECK(*r["oracle"].recover95Ns <= *r["hybrid"].recover95Ns);
    CHECK(*r["hybrid"].recover95Ns <= *r["global"].recover95Ns);
    CHECK(*r["global"].recover95Ns >= 19500);
    // Local never heals the plane: the collective runs out of retries and the pod stays degraded.
    CHECK_FALSE(r["local"].recover95Ns);
    REQUIRE(r["local"].degradedTo);
    CHECK(*r["local"].degradedTo < 0.6);
    CHECK(r["local"].lossConvergenceNs > r["global"].lossConvergenceNs);
    CHECK(r["oracle"].failedTransactions <= r["hybrid"].failedTransactions);
    CHECK(r["hybrid"].failedTransactions <= r["local"].failedTransactions);
}
