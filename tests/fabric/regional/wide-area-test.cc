// The wide-area packet layer without failures: a TCP transfer between two gateways runs at
// min(capacity, window / RTT), and its first byte arrives after the lightpath's propagation.

#include "wan-test-util.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

using namespace ofab;
using ofab::test::MeanGbps;
using ofab::test::Triangle;

namespace
{

/// Bytes on the wire per data segment beyond its payload: IPv4 20, TCP 20 + timestamps 12, PPP 2.
constexpr double kFrameOverheadBytes = 54;

struct SteadyRun
{
    double measuredGbps = 0;
    double capacityPayloadGbps = 0; ///< the line rate less the headers of a full segment
    double windowOverRttGbps = 0;
    uint64_t windowBytes = 0;
};

/// One A -> B transfer, far larger than the run, over a lightpath of `km`; the mean delivered rate
/// over [fromMs, toMs), after slow start.
SteadyRun
RunSteady(double km, uint64_t windowBytes, double fromMs, double toMs)
{
    MeshPlanner planner(Triangle(km, km, km));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("MaxWindowBytes", ns3::UintegerValue(windowBytes));
    wan->SetAttribute("ThroughputBin", ns3::TimeValue(ns3::MicroSeconds(100)));
    wan->Build(planner, {0, 1, 2});
    wan->AssignStreams(1);
    REQUIRE(wan->RoutedPath(0, 1) == std::vector<uint32_t>{0, 1});
    wan->StartTransfer(0, 1, 100ull << 30, "bulk");
    ns3::Simulator::Stop(ns3::MilliSeconds(toMs));
    ns3::Simulator::Run();

    SteadyRun r;
    r.windowBytes = wan->WindowBytes();
    const std::vector<double> bins = wan->ThroughputGbps(0, 1);
    r.measuredGbps = MeanGbps(bins, static_cast<std::size_t>(fromMs * 10), static_cast<std::size_t>(toMs * 10));
    const double mss = wan->SegmentBytes();
    const double capacityGbps = planner.CapacityGbps(wan->LinkOf(0).lightpath);
    r.capacityPayloadGbps = capacityGbps * mss / (mss + kFrameOverheadBytes);
    // RTT: the link's delay both ways (propagation + forwarding) and the serialisation of a data
    // frame and of its ACK (headers only).
    const double oneWayS = wan->LinkOf(0).channel->GetOneWayDelay().GetSeconds();
    const double rttS = 2 * oneWayS + (mss + kFrameOverheadBytes) * 8 / (capacityGbps * 1e9) +
                        kFrameOverheadBytes * 8 / (capacityGbps * 1e9);
    // The sender keeps whole segments in flight.
    const double inFlight = std::floor(static_cast<double>(r.windowBytes) / mss) * mss;
    r.windowOverRttGbps = inFlight * 8 / rttS / 1e9;
    ns3::Simulator::Destroy();
    return r;
}

} // namespace

TEST_CASE("A transfer's steady throughput is window / RTT when the window is below the BDP", "[regional][wan]")
{
    // 10 km: one-way 48.97 us + 2 us forwarding, RTT ~102 us, BDP at 400 Gb/s ~5.1 MB.
    const uint64_t window = 300ull * 4044; // 1.21 MB, a quarter of the BDP
    const SteadyRun r = RunSteady(10, window, 2, 12);
    std::printf("window %llu B < BDP: measured %.2f Gb/s, window/RTT %.2f Gb/s, capacity (payload) %.2f Gb/s\n",
                static_cast<unsigned long long>(r.windowBytes), r.measuredGbps, r.windowOverRttGbps,
                r.capacityPayloadGbps);
    REQUIRE(r.windowBytes == window);
    CHECK(r.windowOverRttGbps < 0.3 * r.capacityPayloadGbps);
    CHECK(r.measuredGbps == Approx(std::min(r.windowOverRttGbps, r.capacityPayloadGbps)).epsilon(0.02));
}

TEST_CASE("A transfer's steady throughput is the capacity when the window is above the BDP", "[regional][wan]")
{
    // 1 km: RTT ~13.9 us, BDP ~690 kB (171 segments). The window is 1.1 x the BDP: above it, yet
    // below BDP + the ECN threshold (BDP / 7), so in the steady state the queue stays under K. Slow
    // start overshoots K first (it sends at twice the line rate into the gateway's own port), DCTCP
    // halves the window once (alpha starts at 1) and grows back by a segment per RTT: ~100 RTTs here,
    // 1.4 ms; on long lightpaths that recovery is what a window above the BDP costs (README.md).
    const uint64_t window = 188ull * 4044;
    const SteadyRun r = RunSteady(1, window, 4, 8);
    std::printf("window %llu B > BDP: measured %.2f Gb/s, window/RTT %.2f Gb/s, capacity (payload) %.2f Gb/s\n",
                static_cast<unsigned long long>(r.windowBytes), r.measuredGbps, r.windowOverRttGbps,
                r.capacityPayloadGbps);
    CHECK(r.windowOverRttGbps > 1.05 * r.capacityPayloadGbps);
    CHECK(r.measuredGbps == Approx(std::min(r.windowOverRttGbps, r.capacityPayloadGbps)).epsilon(0.02));
    CHECK(r.measuredGbps == Approx(400.0).epsilon(0.02)); // the lightpath's capacity, headers included
}

TEST_CASE("The default window is the bandwidth-delay product of the longest lightpath", "[regional][wan]")
{
    MeshPlanner planner(Triangle(10, 30, 10));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->Build(planner, {0, 1, 2});
    const double rttS = 2 * wan->LinkOf(1).channel->GetOneWayDelay().GetSeconds(); // A-C, 30 km
    const double bdpBytes = 400e9 * rttS / 8;
    CHECK(static_cast<double>(wan->WindowBytes()) >= bdpBytes);
    CHECK(static_cast<double>(wan->WindowBytes()) < bdpBytes + wan->SegmentBytes());
    CHECK(wan->SegmentBytes() == 4096 - 52);
    CHECK(wan->EcnThresholdBytes() == static_cast<uint64_t>(std::ceil(bdpBytes / 7)));
    ns3::Simulator::Destroy();
}

TEST_CASE("The first byte arrives after the lightpath's propagation and forwarding", "[regional][wan]")
{
    MeshPlanner planner(Triangle(50, 30, 30));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("ForwardingLatency", ns3::TimeValue(ns3::MicroSeconds(3)));
    wan->Build(planner, {0, 1, 2});
    // 4.897 us per km (group index 1.468) over 50 km.
    CHECK(planner.LatencyMs(0) == Approx(50 * 4.897e-3).epsilon(1e-3));
    const double oneWayNs = planner.LatencyMs(0) * 1e6 + 3000;
    CHECK(wan->LinkOf(0).channel->GetOneWayDelay().GetNanoSeconds() == Approx(oneWayNs).margin(1));
    ns3::Simulator::Schedule(ns3::MilliSeconds(1), [&]() { wan->StartTransfer(0, 1, 1 << 20, "probe"); });
    ns3::Simulator::Stop(ns3::MilliSeconds(10));
    ns3::Simulator::Run();
    const TransferRecord& t = wan->Transfers().at(0);
    REQUIRE(t.firstByteNs);
    // SYN, SYN-ACK, then the first data segment: three one-way trips, plus three frames' serialisation
    // (under 0.1 us each at 400 Gb/s).
    const double firstNs = *t.firstByteNs - t.startNs;
    std::printf("first byte after %.1f ns; 3 x one-way %.1f ns\n", firstNs, 3 * oneWayNs);
    CHECK(t.startNs == Approx(1e6));
    CHECK(firstNs >= 3 * oneWayNs);
    CHECK(firstNs < 3 * oneWayNs + 300);
    CHECK(t.status == TransferStatus::Completed);
    CHECK(t.deliveredBytes == (1u << 20));
    CHECK(t.retransmittedBytes == 0);
    ns3::Simulator::Destroy();
}
