// Failures between sites and two-layer healing: a duct cut takes down exactly the lightpaths over
// it, the gateways route around it through a third site after PacketRerouteTime, 1+1 lightpaths
// come back on their protection path after the switch-over, restoration respects wavelength
// continuity and capacity, a site loss fails only the transfers that start or end there.
//
// The healing delays are scaled down from their defaults (50 ms, 500 ms ...) to a few ms, and TCP's
// minimum RTO to 5 ms (its delayed-ACK timeout to 1 ms), so each run is tens of ms of simulated time; the defaults are checked apart.

#include "wan-test-util.h"

#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace ofab;
using ofab::test::MeanGbps;
using ofab::test::Triangle;

namespace
{

constexpr uint64_t kWindowBytes = 64 * 4044; // below every BDP here: the rate follows the RTT

ns3::Ptr<WideAreaNetwork>
MakeWan(MeshPlanner& planner, const std::vector<uint32_t>& sites)
{
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("MaxWindowBytes", ns3::UintegerValue(kWindowBytes));
    wan->SetAttribute("TcpMinRto", ns3::TimeValue(ns3::MilliSeconds(5)));
    wan->SetAttribute("TcpDelayedAckTimeout", ns3::TimeValue(ns3::MilliSeconds(1)));
    wan->SetAttribute("ProtectionSwitchTime", ns3::TimeValue(ns3::MilliSeconds(1)));
    wan->SetAttribute("RestorationTime", ns3::TimeValue(ns3::MilliSeconds(3)));
    wan->SetAttribute("PacketRerouteTime", ns3::TimeValue(ns3::MilliSeconds(2)));
    wan->SetAttribute("ThroughputBin", ns3::TimeValue(ns3::MicroSeconds(100)));
    wan->Build(planner, sites);
    wan->AssignStreams(1);
    return wan;
}

struct CutRun
{
    std::vector<TransferRecord> transfers;
    std::vector<WanFailureRecord> failures;
    std::vector<double> bins;
    std::vector<uint32_t> pathBefore;
    std::vector<uint32_t> pathAfter;
    bool otherLightpathsLit = false;
    double partitionAbNs = -1;
    uint64_t lostBytes = 0;
};

/// A -> B over a 10 km lightpath; the A-B duct is cut at 5 ms; A-C and C-B are 20 km each and
/// restoration is pushed past the end of the run, so only the packet layer heals.
CutRun
RunDuctCut()
{
    MeshPlanner planner(Triangle(10, 20, 20));
    auto wan = MakeWan(planner, {0, 1, 2});
    wan->SetAttribute("RestorationTime", ns3::TimeValue(ns3::Seconds(10)));
    CutRun r;
    wan->StartTransfer(0, 1, 30'000'000, "A->B");
    ns3::Simulator::Schedule(ns3::MilliSeconds(5), [&]() { wan->FailDuct("ab"); });
    ns3::Simulator::Schedule(ns3::MilliSeconds(6), [&]() {
        r.pathBefore = wan->RoutedPath(0, 1);
        r.otherLightpathsLit = wan->LinkOf(1).channel->IsLit() && wan->LinkOf(2).channel->IsLit();
    });
    ns3::Simulator::Schedule(ns3::MilliSeconds(8), [&]() { r.pathAfter = wan->RoutedPath(0, 1); });
    ns3::Simulator::Stop(ns3::MilliSeconds(50));
    ns3::Simulator::Run();
    r.transfers = wan->Transfers();
    r.failures = wan->Failures();
    r.bins = wan->ThroughputGbps(0, 1);
    r.partitionAbNs = wan->PartitionNs(0, 1);
    r.lostBytes = wan->LostBytes();
    ns3::Simulator::Destroy();
    return r;
}

} // namespace

TEST_CASE("The healing defaults are the published timescales", "[regional][wan]")
{
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    ns3::TimeValue t;
    wan->GetAttribute("ProtectionSwitchTime", t);
    CHECK(t.Get() == ns3::MilliSeconds(50));
    wan->GetAttribute("RestorationTime", t);
    CHECK(t.Get() == ns3::MilliSeconds(500));
    wan->GetAttribute("PacketRerouteTime", t);
    CHECK(t.Get() == ns3::MilliSeconds(50));
    wan->GetAttribute("LossOfLightDetection", t);
    CHECK(t.Get() == ns3::MicroSeconds(10));
}

TEST_CASE("A duct cut stops exactly its lightpaths, and traffic then flows through a third site", "[regional][wan]")
{
    const CutRun r = RunDuctCut();
    REQUIRE(r.failures.size() == 1);
    const WanFailureRecord& f = r.failures[0];
    CHECK(f.kind == "duct");
    CHECK(f.down == std::vector<uint32_t>{0}); // A-B; A-C and C-B are in other ducts
    CHECK(f.switchedToProtection.empty());
    CHECK(r.otherLightpathsLit);
    CHECK(f.detectNs == Approx(10e3));
    REQUIRE(f.rerouteNs);
    CHECK(*f.rerouteNs == Approx(2e6));                 // PacketRerouteTime
    CHECK_FALSE(f.restoreNs);                           // pushed past the run
    CHECK(r.pathBefore == std::vector<uint32_t>{0, 1}); // the routes still point into the dark duct
    CHECK(r.pathAfter == std::vector<uint32_t>{0, 2, 1});
    CHECK(r.partitionAbNs == 0); // A-C-B stayed lit: never partitioned, only misrouted until the reroute
    CHECK(f.lostBytes > 0);
    CHECK(f.lostBytes == r.lostBytes);
    const TransferRecord& t = r.transfers.at(0);
    CHECK(t.status == TransferStatus::Completed);
    CHECK(t.deliveredBytes == 30'000'000);
    CHECK(t.retransmittedBytes > 0);
    // Nothing arrives between the cut (plus the fibre's last frames) and the reroute.
    CHECK(MeanGbps(r.bins, 52, 70) == 0);
    // The window is fixed, so the rate falls with the RTT: 2 x (49 + 2) us direct, 2 x 2 x (98 + 2) us
    // through C.
    // Over 40 and 60 RTTs (after the RTO at ~10 ms and slow start), so the bursts of a
    // window-limited flow average out.
    const double before = MeanGbps(r.bins, 9, 50);
    const double after = MeanGbps(r.bins, 140, 380);
    const double rttDirectUs = 2 * (10 * 4.897 + 2);
    const double rttViaCUs = 2 * 2 * (20 * 4.897 + 2);
    std::printf("duct cut: %.2f Gb/s direct, %.2f Gb/s through C (ratio %.3f, RTT ratio %.3f); lost %llu B, "
                "retransmitted %llu B\n",
                before, after, after / before, rttDirectUs / rttViaCUs, static_cast<unsigned long long>(f.lostBytes),
                static_cast<unsigned long long>(t.retransmittedBytes));
    CHECK(after / before == Approx(rttDirectUs / rttViaCUs).epsilon(0.03));
}

TEST_CASE("A 1+1 lightpath comes back after the switch-over with the protection path's latency", "[regional][wan]")
{
    MeshPlanner planner(Triangle(10, 20, 20, true));
    REQUIRE(planner.Plan().Get(0).protection);
    auto wan = MakeWan(planner, {0, 1, 2});
    wan->StartTransfer(0, 1, 20'000'000, "A->B");
    bool darkAfterCut = false;
    ns3::Simulator::Schedule(ns3::MilliSeconds(5), [&]() {
        wan->FailDuct("ab");
        darkAfterCut = !wan->LinkOf(0).channel->IsLit();
    });
    std::vector<uint32_t> pathAfter;
    ns3::Simulator::Schedule(ns3::MilliSeconds(8), [&]() { pathAfter = wan->RoutedPath(0, 1); });
    ns3::Simulator::Stop(ns3::MilliSeconds(40));
    ns3::Simulator::Run();
    const WanFailureRecord f = wan->Failures().at(0);
    CHECK(darkAfterCut);
    CHECK(f.down.empty());
    CHECK(f.switchedToProtection == std::vector<uint32_t>{0});
    REQUIRE(f.protectNs);
    CHECK(*f.protectNs == Approx(1.01e6)); // detection 10 us + switch-over 1 ms
    CHECK(wan->LinkOf(0).channel->IsLit());
    // The protection path is A-C-B: 40 km.
    CHECK(planner.LatencyMs(0) == Approx(40 * 4.897e-3).epsilon(1e-3));
    CHECK(wan->LinkOf(0).channel->GetOneWayDelay().GetNanoSeconds() ==
          Approx(planner.LatencyMs(0) * 1e6 + 2000).margin(1));
    // The switch-over beat the packet layer's reroute: the gateways keep the direct link.
    CHECK(pathAfter == std::vector<uint32_t>{0, 1});
    const TransferRecord& t = wan->Transfers().at(0);
    CHECK(t.status == TransferStatus::Completed);
    CHECK(f.lostBytes > 0);
    std::printf("1+1: back after %.3f ms on %.1f us one way; lost %llu B\n", *f.protectNs / 1e6,
                wan->LinkOf(0).channel->GetOneWayDelay().GetSeconds() * 1e6,
                static_cast<unsigned long long>(f.lostBytes));
    ns3::Simulator::Destroy();
}

TEST_CASE("Restoration respects wavelength continuity: free wavelengths that differ per route do not restore",
          "[regional][wan]")
{
    // D-B runs over D-C-B (wavelength 0 on both), C-B takes wavelength 1. Cutting D-C frees wavelength 0
    // on C-B; A-C keeps wavelength 0 taken and 1 free. A-B then has a free wavelength on each route of
    // A-C-B, but not the same one.
    MeshPlanner planner(test::MakeSpec(
        {"A", "B", "C", "D"},
        {{"A", "B", 10, 2, "ab"}, {"A", "C", 10, 2, "ac"}, {"C", "B", 10, 2, "cb"}, {"D", "C", 10, 2, "dc"}},
        {{"A", "B"}, {"A", "C"}, {"D", "B"}, {"C", "B"}}));
    auto wan = MakeWan(planner, {0, 1, 2});
    ns3::Simulator::Schedule(ns3::MilliSeconds(1), [&]() { wan->FailDuct("dc"); });
    ns3::Simulator::Schedule(ns3::MilliSeconds(2), [&]() { wan->FailDuct("ab"); });
    ns3::Simulator::Stop(ns3::MilliSeconds(10));
    ns3::Simulator::Run();
    CHECK(planner.Plan().FreeWavelengths(1) == 1); // A-C
    CHECK(planner.Plan().FreeWavelengths(2) == 1); // C-B
    const auto failures = wan->Failures();
    REQUIRE(failures.size() == 2);
    REQUIRE(failures[1].restoreNs);
    CHECK(*failures[1].restoreNs == Approx(3.01e6));
    REQUIRE(failures[1].restoration.size() == 2);
    CHECK(failures[1].restoration[0].lightpath == 0);
    CHECK_FALSE(failures[1].restoration[0].restored);
    CHECK(failures[1].restoration[0].reason == topo::DownReason::NoWavelength);
    CHECK(failures[1].restoration[1].reason == topo::DownReason::NoPath); // D is cut off
    CHECK(planner.Report()[0].state == topo::ToString(topo::DownReason::NoWavelength));
    CHECK_FALSE(wan->LinkOf(0).channel->IsLit());
    CHECK(wan->RoutedPath(0, 1) == std::vector<uint32_t>{0, 2, 1}); // the packet layer still joins A and B
    ns3::Simulator::Destroy();
}

TEST_CASE("Without spare capacity a cut lightpath stays down, with it it is restored and carries traffic",
          "[regional][wan]")
{
    SECTION("one wavelength per route, all in use")
    {
        MeshPlanner planner(Triangle(10, 20, 20, false, 1));
        auto wan = MakeWan(planner, {0, 1, 2});
        ns3::Simulator::Schedule(ns3::MilliSeconds(1), [&]() { wan->FailDuct("ab"); });
        ns3::Simulator::Stop(ns3::MilliSeconds(10));
        ns3::Simulator::Run();
        const WanFailureRecord f = wan->Failures().at(0);
        REQUIRE(f.restoration.size() == 1);
        CHECK_FALSE(f.restoration[0].restored);
        CHECK(f.restoration[0].reason == topo::DownReason::NoWavelength);
        CHECK_FALSE(wan->LinkOf(0).channel->IsLit());
    }
    SECTION("a spare wavelength on A-C-B")
    {
        MeshPlanner planner(Triangle(10, 20, 20));
        auto wan = MakeWan(planner, {0, 1, 2});
        ns3::Simulator::Schedule(ns3::MilliSeconds(1), [&]() { wan->FailDuct("ab"); });
        // Long after restoration (4.01 ms) and the reroute that follows it (6.01 ms).
        ns3::Simulator::Schedule(ns3::MilliSeconds(8), [&]() { wan->StartTransfer(0, 1, 1 << 20, "after"); });
        ns3::Simulator::Stop(ns3::MilliSeconds(20));
        ns3::Simulator::Run();
        const WanFailureRecord f = wan->Failures().at(0);
        REQUIRE(f.restoration.size() == 1);
        CHECK(f.restoration[0].restored);
        CHECK(f.restoration[0].channel.wavelength == 1);
        CHECK(f.restoration[0].channel.path.nodes == std::vector<uint32_t>{0, 2, 1});
        CHECK(*f.restoreNs == Approx(3.01e6));
        // The restored lightpath (40 km, 197.9 us + 2 us) beats the two-link detour (2 x 99.9 us).
        CHECK(wan->RoutedPath(0, 1) == std::vector<uint32_t>{0, 1});
        const double oneWayNs = planner.LatencyMs(0) * 1e6 + 2000;
        CHECK(planner.LatencyMs(0) == Approx(40 * 4.897e-3).epsilon(1e-3));
        const TransferRecord& t = wan->Transfers().at(0);
        CHECK(t.status == TransferStatus::Completed);
        REQUIRE(t.firstByteNs);
        CHECK(*t.firstByteNs - t.startNs >= 3 * oneWayNs);
        CHECK(*t.firstByteNs - t.startNs < 3 * oneWayNs + 300);
    }
    ns3::Simulator::Destroy();
}

TEST_CASE("After a site loss every transfer is completed, failed with a reason, or in flight", "[regional][wan]")
{
    MeshPlanner planner(Triangle(10, 10, 10));
    auto wan = MakeWan(planner, {0, 1, 2});
    wan->StartTransfer(2, 1, 100'000, "C->B small"); // done before the loss
    wan->StartTransfer(0, 2, 20'000'000, "A->C");
    wan->StartTransfer(2, 1, 20'000'000, "C->B");
    wan->StartTransfer(0, 1, 8'000'000, "A->B");
    wan->StartTransfer(1, 0, 8'000'000, "B->A");
    wan->StartTransfer(0, 1, 1ull << 30, "A->B bulk"); // outlives the run
    ns3::Simulator::Schedule(ns3::MilliSeconds(2), [&]() { wan->FailNode(2); });
    ns3::Simulator::Stop(ns3::MilliSeconds(30));
    ns3::Simulator::Run();
    const auto& ts = wan->Transfers();
    REQUIRE(ts.size() == 6);
    CHECK(ts[0].status == TransferStatus::Completed);
    for (int i : {1, 2})
    {
        CHECK(ts[i].status == TransferStatus::Failed);
        CHECK(ts[i].reason == "site C lost");
        CHECK(*ts[i].endNs == Approx(2e6));
    }
    CHECK(ts[3].status == TransferStatus::Completed);
    CHECK(ts[4].status == TransferStatus::Completed);
    CHECK(ts[5].status == TransferStatus::InFlight);
    for (const TransferRecord& t : ts)
    {
        INFO(t.label);
        CHECK(t.deliveredBytes <= t.bytes);
        CHECK((t.status == TransferStatus::Completed) == (t.deliveredBytes == t.bytes));
        CHECK((t.status == TransferStatus::Failed) == !t.reason.empty());
        CHECK(t.endNs.has_value() == (t.status != TransferStatus::InFlight));
    }
    const WanFailureRecord f = wan->Failures().at(0);
    CHECK(f.down == std::vector<uint32_t>{1, 2}); // A-C, C-B
    for (const auto& o : f.restoration)
    {
        CHECK(o.reason == topo::DownReason::EndpointDown);
    }
    CHECK_FALSE(wan->GatewayUp(2));
    CHECK(wan->PartitionNs(0, 2) == Approx(28e6));
    CHECK(wan->PartitionNs(2, 1) == Approx(28e6));
    CHECK(wan->PartitionNs(0, 1) == 0);
    ns3::Simulator::Destroy();
}

TEST_CASE("The same inputs give the same numbers", "[regional][wan]")
{
    const CutRun a = RunDuctCut();
    const CutRun b = RunDuctCut();
    CHECK(a.bins == b.bins);
    CHECK(a.lostBytes == b.lostBytes);
    REQUIRE(a.transfers.size() == b.transfers.size());
    CHECK(a.transfers[0].endNs == b.transfers[0].endNs);
    CHECK(a.transfers[0].retransmittedBytes == b.transfers[0].retransmittedBytes);
    CHECK(a.failures[0].lostBytes == b.failures[0].lostBytes);
}

TEST_CASE("Under optical_only the gateways keep their routes: traffic waits for restoration", "[regional][wan]")
{
    // A -> B over 10 km; the A-B duct is cut at 5 ms and restored over A-C-B (a spare wavelength) at
    // 8.01 ms. The packet layer would route around at 7 ms; under optical_only it never does.
    MeshPlanner planner(Triangle(10, 20, 20));
    auto wan = MakeWan(planner, {0, 1, 2}); // restoration 3 ms after detection, reroute 2 ms
    wan->SetAttribute("PacketPolicy", ns3::EnumValue(static_cast<int>(PacketPolicy::OpticalOnly)));
    CHECK(wan->Policy() == PacketPolicy::OpticalOnly);
    wan->StartTransfer(0, 1, 30'000'000, "A->B");
    ns3::Simulator::Schedule(ns3::MilliSeconds(5), [&]() { wan->FailDuct("ab"); });
    std::vector<uint32_t> pathDark;
    ns3::Simulator::Schedule(ns3::MicroSeconds(7500), [&]() { pathDark = wan->RoutedPath(0, 1); });
    ns3::Simulator::Stop(ns3::MilliSeconds(60));
    ns3::Simulator::Run();
    const WanFailureRecord f = wan->Failures().at(0);
    CHECK_FALSE(f.rerouteNs); // the packet layer never acted
    REQUIRE(f.restoreNs);
    CHECK(*f.restoreNs == Approx(3.01e6));
    CHECK(pathDark == std::vector<uint32_t>{0, 1}); // still into the dark duct, past the reroute time
    CHECK(wan->RoutedPath(0, 1) == std::vector<uint32_t>{0, 1});
    const std::vector<double> bins = wan->ThroughputGbps(0, 1);
    CHECK(MeanGbps(bins, 52, 80) == 0); // nothing from the cut's last frames until restoration
    const TransferRecord& t = wan->Transfers().at(0);
    CHECK(t.status == TransferStatus::Completed);
    CHECK(t.deliveredBytes == 30'000'000);
    // The restored lightpath (40 km) carries it: the rate after is the window over its RTT.
    const double after = MeanGbps(bins, 250, 400);
    const double rttUs = 2 * (40 * 4.897 + 2);
    std::printf("optical_only: %.2f Gb/s after restoration, window / RTT %.2f Gb/s\n", after,
                kWindowBytes * 8 / (rttUs * 1e3));
    CHECK(after == Approx(kWindowBytes * 8 / (rttUs * 1e3)).epsilon(0.05));
    ns3::Simulator::Destroy();
}
