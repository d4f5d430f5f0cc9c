// Scale-out NICs behind the gateways: a NIC's transfer runs at the NIC's rate (the lightpath has
// more), NICs of a site share the lightpath up to its capacity, the first byte pays the NIC links
// on top of the lightpath, and a NIC's connections fail with its site's gateway.

#include "wan-test-util.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace ofab;
using ofab::test::MeanGbps;
using ofab::test::Triangle;

namespace
{

/// Bytes on the wire per data segment beyond its payload: IPv4 20, TCP 20 + timestamps 12, PPP 2.
constexpr double kFrameOverheadBytes = 54;

/// `flows` transfers, NIC r of A to NIC r of B, far larger than the run, over a 1 km lightpath
/// (400 Gb/s) with NICs of `nicGbps` and a window well above the BDP; the mean delivered rate from
/// A to B over [fromMs, toMs), after slow start, and the payload rate of one full-segment line.
std::pair<double, double>
RunNics(uint32_t flows, double nicGbps, double fromMs, double toMs)
{
    MeshPlanner planner(Triangle(1, 1, 1));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("NicRateGbps", ns3::DoubleValue(nicGbps));
    wan->SetAttribute("MaxWindowBytes", ns3::UintegerValue(4u << 20));
    wan->SetAttribute("ThroughputBin", ns3::TimeValue(ns3::MicroSeconds(100)));
    wan->Build(planner, {0, 1, 2}, {flows, flows, 0});
    wan->AssignStreams(1);
    for (uint32_t r = 0; r < flows; ++r)
    {
        wan->StartTransfer(WanHost{0, r}, WanHost{1, r}, 100ull << 30, "bulk " + std::to_string(r));
    }
    ns3::Simulator::Stop(ns3::MilliSeconds(toMs));
    ns3::Simulator::Run();
    const double measured =
        MeanGbps(wan->ThroughputGbps(0, 1), static_cast<std::size_t>(fromMs * 10), static_cast<std::size_t>(toMs * 10));
    const double mss = wan->SegmentBytes();
    ns3::Simulator::Destroy();
    return {measured, mss / (mss + kFrameOverheadBytes)};
}

} // namespace

TEST_CASE("A NIC's transfer runs at the NIC's rate when the lightpath has more", "[regional][wan]")
{
    const auto [gbps, payloadShare] = RunNics(1, 100, 2, 6);
    std::printf("one 100 Gb/s NIC over a 400 Gb/s lightpath: %.2f Gb/s (payload line rate %.2f)\n", gbps,
                100 * payloadShare);
    CHECK(gbps == Approx(100 * payloadShare).epsilon(0.02));
}

TEST_CASE("NICs of a site share the lightpath up to its capacity", "[regional][wan]")
{
    // 8 NICs of 100 Gb/s offer 800 Gb/s to a 400 Gb/s lightpath: DCTCP holds the gateway's queue at
    // its marking threshold and the lightpath runs full.
    const auto [gbps, payloadShare] = RunNics(8, 100, 3, 8);
    std::printf("8 x 100 Gb/s NICs over a 400 Gb/s lightpath: %.2f Gb/s (payload capacity %.2f)\n", gbps,
                400 * payloadShare);
    CHECK(gbps == Approx(400 * payloadShare).epsilon(0.02));
}

TEST_CASE("A NIC's first byte pays its links to the gateways on top of the lightpath", "[regional][wan]")
{
    MeshPlanner planner(Triangle(50, 30, 30));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("NicLinkDelay", ns3::TimeValue(ns3::MicroSeconds(5)));
    wan->Build(planner, {0, 1, 2}, {2, 2, 2});
    CHECK(wan->Nics(1) == 2);
    ns3::Simulator::Schedule(ns3::MilliSeconds(1), [&]() {
        wan->StartTransfer(WanHost{0, 1}, WanHost{1, 0}, 1 << 20, "probe");
    });
    ns3::Simulator::Stop(ns3::MilliSeconds(10));
    ns3::Simulator::Run();
    const TransferRecord& t = wan->Transfers().at(0);
    REQUIRE(t.firstByteNs);
    CHECK(t.fromNic == 1u);
    CHECK(t.toNic == 0u);
    // SYN, SYN-ACK, the first data segment: three one-way trips of NIC link + lightpath + NIC link,
    // plus the serialisation of three frames on three links each (under 0.1 us each at 400 Gb/s).
    const double oneWayNs = wan->LinkOf(0).channel->GetOneWayDelay().GetNanoSeconds() + 2 * 5000.0;
    const double firstNs = *t.firstByteNs - t.startNs;
    std::printf("NIC to NIC: first byte after %.1f ns; 3 x one-way %.1f ns\n", firstNs, 3 * oneWayNs);
    CHECK(firstNs >= 3 * oneWayNs);
    CHECK(firstNs < 3 * oneWayNs + 900);
    CHECK(t.status == TransferStatus::Completed);
    CHECK(t.deliveredBytes == (1u << 20));
    ns3::Simulator::Destroy();
}

TEST_CASE("A NIC's connections fail with its gateway, and a NIC the site lacks is refused", "[regional][wan]")
{
    MeshPlanner planner(Triangle(10, 10, 10));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("MaxWindowBytes", ns3::UintegerValue(1u << 20));
    wan->Build(planner, {0, 1, 2}, {4, 4});
    CHECK(wan->Nics(2) == 0);
    CHECK_THROWS_WITH(wan->SendMessage(WanHost{0, 4}, WanHost{1, 0}, 1000, "x"),
                      Catch::Contains("has 4 NICs, no NIC 4"));
    CHECK_THROWS_AS(wan->SendMessage(WanHost{0, 0}, WanHost{2, 0}, 1000, "x"), ParameterError);
    std::vector<TransferRecord> finished;
    wan->TraceConnectWithoutContext("TransferFinished", ns3::Callback<void, const TransferRecord&>(
                                                            [&](const TransferRecord& r) { finished.push_back(r); }));
    wan->SendMessage(WanHost{0, 2}, WanHost{1, 3}, 64ull << 20, "bulk");
    wan->SendMessage(WanHost{0, 2}, WanHost{1, 3}, 4096, "after");
    ns3::Simulator::Schedule(ns3::MicroSeconds(500), [&]() { wan->FailGateway(1); });
    ns3::Simulator::Stop(ns3::MilliSeconds(5));
    ns3::Simulator::Run();
    REQUIRE(finished.size() == 2);
    for (const TransferRecord& r : finished)
    {
        CHECK(r.status == TransferStatus::Failed);
        CHECK_THAT(r.reason, Catch::Contains("gateway of site B failed"));
        CHECK(*r.endNs == Approx(500e3));
    }
    CHECK(wan->Connections().size() == 1); // the pair's one connection carried both
    CHECK(wan->Connections()[0].fromNic == 2u);
    ns3::Simulator::Destroy();
}
