// T_recover95 of wide-area failures, by the project's definition (recovery-metrics.h) over the
// network's delivered throughput: a duct cut whose traffic reroutes through a third site recovers
// after the gateways' reroute, to at least 95 % of the rate before the cut.

#include "ofab/fabric/observe/wan-recovery.h"

#include "regional/wan-test-util.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace ofab;

TEST_CASE("T_recover95 of a duct cut comes after the reroute, at 95 % of the rate before", "[observe][wan]")
{
    // A-B 10 km direct; the detour A-C-B is 5 + 5.1 km, so with a fixed window (below every BDP: the
    // rate follows the RTT) the rerouted flow runs at ~98 % of its rate before the cut.
    MeshPlanner planner(test::Triangle(10, 5, 5.1));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("MaxWindowBytes", ns3::UintegerValue(64 * 4044));
    wan->SetAttribute("ForwardingLatency", ns3::TimeValue(ns3::NanoSeconds(500)));
    wan->SetAttribute("TcpMinRto", ns3::TimeValue(ns3::MilliSeconds(5)));
    wan->SetAttribute("TcpDelayedAckTimeout", ns3::TimeValue(ns3::MilliSeconds(1)));
    wan->SetAttribute("RestorationTime", ns3::TimeValue(ns3::Seconds(10))); // the packet layer alone heals
    wan->SetAttribute("PacketRerouteTime", ns3::TimeValue(ns3::MilliSeconds(2)));
    wan->SetAttribute("ThroughputBin", ns3::TimeValue(ns3::MicroSeconds(100)));
    wan->Build(planner, {0, 1, 2});
    wan->AssignStreams(1);
    wan->StartTransfer(0, 1, 100ull << 30, "A->B bulk");
    ns3::Simulator::Schedule(ns3::MilliSeconds(5), [&]() { wan->FailDuct("ab"); });
    ns3::Simulator::Stop(ns3::MilliSeconds(25));
    ns3::Simulator::Run();

    REQUIRE(wan->RoutedPath(0, 1) == std::vector<uint32_t>{0, 2, 1});
    WanRecoveryOptions options;
    options.sitePair = std::make_pair(0u, 1u);
    const std::vector<FaultRecovery> r = WanRecovery(*wan, options);
    REQUIRE(r.size() == 1);
    const FaultRecovery& f = r[0];
    CHECK(f.kind == "duct");
    CHECK(f.element == "ab");
    CHECK(f.faultNs == Approx(5e6));
    REQUIRE(f.rerouteNs);
    CHECK(*f.rerouteNs == Approx(2e6));
    REQUIRE(f.detectNs);
    CHECK(*f.detectNs == Approx(10e3));
    REQUIRE(f.recover95Ns);
    CHECK(*f.recover95Ns >= *f.rerouteNs);
    CHECK(f.preFaultGbps > 0);
    // After T_recover95, to the end of the run: at least 95 % of the rate before.
    const std::vector<double> bins = wan->ThroughputGbps(0, 1);
    const auto from = static_cast<std::size_t>((f.faultNs + *f.recover95Ns) / 1e5);
    const double after = test::MeanGbps(bins, from, 250);
    std::printf("duct cut: before %.2f Gb/s, T_reroute %.2f ms, T_recover95 %.2f ms, after %.2f Gb/s (%.1f %%), "
                "loss-derived %.2f ms\n",
                f.preFaultGbps, *f.rerouteNs / 1e6, *f.recover95Ns / 1e6, after, 100 * after / f.preFaultGbps,
                f.lossConvergenceNs / 1e6);
    CHECK(after >= 0.95 * f.preFaultGbps);
    CHECK(after <= 1.0 * f.preFaultGbps);
    CHECK(f.lossConvergenceNs > *f.rerouteNs); // nothing arrived from the cut to the reroute
    CHECK(f.failedTransactions == 0);
    // With one flow the cross-site series is the pair's.
    const std::vector<FaultRecovery> all = WanRecovery(*wan);
    REQUIRE(all.size() == 1);
    CHECK(all[0].recover95Ns == f.recover95Ns);
    ns3::Simulator::Destroy();
}
