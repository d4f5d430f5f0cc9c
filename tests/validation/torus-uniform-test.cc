// 8 x 8 torus under uniform random 256 B writes: the hop count the requests really take equals the
// topology's average distance, and below saturation the fabric delivers what is offered.
//
// Hop count: dimension-order routing is minimal, so a request crosses the torus distance between
// its two accelerators. Uniform destinations among the k^2 - 1 others: per dimension the ring
// distance min(d, k - d) averages k/4 over all k offsets (k even, the zero offset included), so over
// distinct pairs the mean is 2 (k/4) k^2 / (k^2 - 1) = 4.0635 for k = 8. RunSummary::meanRequestHops
// counts the links each completed request crossed (TlMessage hops at the completer).
//
// Throughput: Load is a share of one port's rate (load_reference: port, the BookSim-style
// injection channel: 800 Gb/s here), so offered = Load x 800 Gb/s x 64 accelerators in payload; the
// test also checks that the workload's own mean gap says the same. Edge effects: the fabric starts
// empty (nothing completes during the first latency) and work in flight at the end of a run never
// completes, so neither "issued" nor "completed over the run" is the accepted rate. Traffic is issued
// from 0 to Stop = 2 us / Load (about 50 000 transactions at every load), the run goes on 4 us longer
// to drain, and the accepted rate is the payload of transactions *completed* inside [4 us, Stop), a
// window that starts after the slowest zero-load round trip (8 hops each way, ~3.3 us) and ends when
// new work stops, divided by its length. Also: every transaction issued ends, OKAY, before the end.
//
// Saturation (measured while writing this test, not asserted): with the port buffers of the time
// (64 KiB data / 256 commands per VC) this fabric saturates for 256 B WriteFull between 0.175 and
// 0.2 of the sum of an accelerator's 4 ports (0.7 - 0.8 of one port); the links alone would allow
// ~0.224 of all ports (4.0635 hops x (256 + 16 B uncompressed header + 4 B response header) / 256 x
// 640/628 = 4.47 x that Load on every link). Loads 0.05, 0.1 and 0.2 of a port are well below it.

#include "validation-util.h"

#include "ofab/fabric/workloads/traffic-pattern.h"
#include "ofab/topologies/analysis.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

using namespace ofab;

namespace
{

const char* kTorusYaml = R"(
name: torus-uniform
seed: 5
duration: 14us                   # set by the test: Stop + 4 us of drain
topology:
  kind: torus
  dims: [8, 8]
  routing: auto                  # dimension order, dateline VCs
links:
  file: experiments/links/cpo-8lambda.yaml
workloads:
  - type: traffic
    pattern: uniform
    operation: write_full
    bytes: 256
    arrival: poisson
    load: 0.1                    # set by the test
    load_reference: port         # a share of one port's rate (800 Gb/s)
    stop: 10us                   # set by the test: 2 us / load
)";

constexpr double kWindowStartNs = 4000;
constexpr double kDrainNs = 4000;

/// Mean torus distance over ordered pairs of distinct nodes, by enumeration (k x k, wrap-around).
double
EnumeratedMeanDistance(int k)
{
    uint64_t sum = 0, pairs = 0;
    for (int a = 0; a < k * k; ++a)
    {
        for (int b = 0; b < k * k; ++b)
        {
            if (a == b)
            {
                continue;
            }
            const int dx = std::abs(a / k - b / k), dy = std::abs(a % k - b % k);
            sum += std::min(dx, k - dx) + std::min(dy, k - dy);
            ++pairs;
        }
    }
    return static_cast<double>(sum) / pairs;
}

} // namespace

TEST_CASE("torus average distance: closed form, enumeration and the topology module agree", "[validation][torus]")
{
    const int k = 8;
    const double closed = 2.0 * (k / 4.0) * (k * k) / (k * k - 1.0);
    CHECK(closed == Approx(4.0635).epsilon(1e-4));
    CHECK(EnumeratedMeanDistance(k) == Approx(closed).epsilon(1e-12));
}

namespace
{

/// One load on one core (threads 0: sequential; N: the parallel core on N threads): the closed forms
/// hold. Returns every completed transaction (validation::Describe).
std::string
CheckTorusLoad(double load, uint32_t threads)
{
    const int k = 8;
    const double analyticHops = 2.0 * (k / 4.0) * (k * k) / (k * k - 1.0);
    const double stopNs = std::round(2000.0 / load);
    validation::TransactionLog log;
    double portBps = 0;
    double configuredBps = 0; ///< from the workload's own mean gaps
    double graphHops = 0;
    const RunResult r = validation::RunYaml(
        kTorusYaml, "torus-uniform.yaml",
        validation::OnCore({"workloads.0.load=" + std::to_string(load),
                            "workloads.0.stop=" + std::to_string(static_cast<int64_t>(stopNs)) + "ns",
                            "duration=" + std::to_string(static_cast<int64_t>(stopNs + kDrainNs)) + "ns"},
                           threads),
        [&](ExperimentRunner& runner) {
            log.Attach(runner);
            const Fabric& f = runner.GetFabric();
            auto traffic = ns3::DynamicCast<TrafficPattern>(runner.GetExperiment().workloads.at(0));
            REQUIRE(traffic);
            for (uint32_t a = 0; a < f.AcceleratorCount(); ++a)
            {
                portBps += f.Endpoints()[a]->GetPort(0)->GetCapacityBps();
                configuredBps += 256 * 8.0 / traffic->GetMeanInterval(static_cast<uint16_t>(a)).GetSeconds();
            }
            graphHops = topo::AcceleratorHopStats(f.Graph()).averageHops;
        });

    double windowBytes = 0;
    uint64_t windowCount = 0;
    for (const auto& t : log.completed)
    {
        const double end = t.endTime.ToDouble(ns3::Time::NS);
        if (end >= kWindowStartNs && end < stopNs)
        {
            windowBytes += t.bytes;
            ++windowCount;
        }
    }
    const double windowS = (stopNs - kWindowStartNs) * 1e-9;
    const double offeredBps = load * portBps; // Load x injection rate x accelerators
    const double acceptedBps = windowBytes * 8.0 / windowS;
    const double offeredCount = offeredBps / (256 * 8.0) * stopNs * 1e-9;
    WARN("torus 8x8 load " << load << " of a port" << (threads > 0 ? " (parallel core)" : "") << ", " << stopNs / 1000
                           << " us of traffic: " << r.summary.issued << " issued (expected " << offeredCount
                           << "), mean request hops " << r.summary.meanRequestHops << " vs " << analyticHops << " ("
                           << (r.summary.meanRequestHops / analyticHops - 1) * 100 << " %); accepted in window "
                           << acceptedBps * 1e-9 << " Gb/s vs offered " << offeredBps * 1e-9 << " Gb/s (ratio "
                           << acceptedBps / offeredBps << ", " << windowCount << " transactions); mean latency "
                           << r.summary.latencyMeanNs << " ns; wall " << r.wallS << " s");
    CHECK(graphHops == Approx(analyticHops).epsilon(1e-9));
    CHECK(configuredBps == Approx(offeredBps).epsilon(1e-9)); // Load means what this test assumes
    // Below saturation everything issued ends, OKAY, within the drain.
    CHECK(r.summary.failed == 0);
    CHECK(r.summary.inFlight == 0);
    CHECK(r.summary.completed == r.summary.issued);
    CHECK(log.completed.size() == r.summary.completed);
    CHECK(r.summary.meanRequestHops == Approx(analyticHops).epsilon(0.01));
    CHECK(acceptedBps == Approx(offeredBps).epsilon(0.03));
    return validation::Describe(log.completed);
}

} // namespace

TEST_CASE("8 x 8 torus, uniform random: request hops match the torus distance, accepted = offered",
          "[validation][torus]")
{
    for (double load : {0.05, 0.1, 0.2})
    {
        CheckTorusLoad(load, 0);
    }
}

TEST_CASE("8 x 8 torus on the parallel core: the same transactions at 1 and 2 threads, the same closed forms",
          "[validation][torus][parallel]")
{
    for (double load : {0.05, 0.2})
    {
        CHECK(CheckTorusLoad(load, 2) == CheckTorusLoad(load, 1));
    }
}
