// Optical channel: serialization, arrival delay, cuts and epochs, frame error draws.

#include "ofab/photonics/helper/photonic-link-helper.h"
#include "ofab/photonics/model/optical-channel.h"
#include "ofab/photonics/model/optics-math.h"

#include "photonics-test-util.h"

#include "ns3/boolean.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace ofab;
using ns3::NanoSeconds;
using ns3::PicoSeconds;

TEST_CASE("a 640-byte frame serializes in 6.4 ns on 8 x 100 Gb/s, 6.4 x 8/6 ns on 6 lines", "[timing]")
{
    // 6.4 ns needs a resolution finer than ns-3's default 1 ns; the shared test main (like the ofab
    // program and PhotonicLinkHelper) switches to picoseconds.
    REQUIRE(ns3::Time::GetResolution() == ns3::Time::PS);
    auto source = test::MakeSource(8);
    auto link = test::MakeLink(source);
    CHECK(link->GetSerializationTime(640) == PicoSeconds(6400));
    CHECK(link->GetSerializationTime(0) == PicoSeconds(0));

    source->FailLine(1);
    source->FailLine(6);
    const double expectPs = 6400.0 * 8.0 / 6.0;
    CHECK(std::fabs(link->GetSerializationTime(640).GetPicoSeconds() - expectPs) <= 1.0);

    source->FailAll();
    CHECK(link->GetSerializationTime(640) == ns3::Time::Max());
}

TEST_CASE("arrival delay = serialization + 5 ns/m x length + FEC latency", "[timing]")
{
    PhotonicLinkHelper helper;
    helper.SetLinkAttribute("FibreLengthM", ns3::DoubleValue(30.0));
    auto ch = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    auto t = ch->Transmit(0, 640);
    REQUIRE(t.sent);
    CHECK(t.serialization == PicoSeconds(6400));
    CHECK(t.arrivalDelay == PicoSeconds(6400) + NanoSeconds(150) + NanoSeconds(100));
    CHECK(ch->GetLink(0)->GetPropagationDelay() == NanoSeconds(150));

    helper.SetLinkAttribute("FecEnabled", ns3::BooleanValue(false));
    auto noFec = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    auto u = noFec->Transmit(1, 640);
    REQUIRE(u.sent);
    CHECK(u.arrivalDelay == PicoSeconds(6400) + NanoSeconds(150));
    CHECK(noFec->GetLink(1)->GetFecLatency() == ns3::Time(0));
    ns3::Simulator::Destroy();
}

TEST_CASE("a cut delivers nothing: no send, frames in flight lost, loss of signal on both ends", "[channel]")
{
    PhotonicLinkHelper helper;
    auto ch = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    std::vector<uint8_t> lost;
    std::vector<uint8_t> restored;
    ch->TraceConnectWithoutContext("LossOfSignal", ns3::Callback<void, uint8_t>([&](uint8_t e) { lost.push_back(e); }));
    ch->TraceConnectWithoutContext("SignalRestored",
                                   ns3::Callback<void, uint8_t>([&](uint8_t e) { restored.push_back(e); }));

    // Frame A leaves at t = 0 and arrives at ~116 ns; the fibre is cut at 5 ns and repaired at 10 ns.
    // Frame B leaves at 20 ns, after the repair.
    std::vector<bool> delivered;
    std::vector<bool> sentDuringCut;
    auto sendAndCheck = [&]() {
        const auto t = ch->Transmit(0, 640);
        REQUIRE(t.sent);
        ns3::Simulator::Schedule(t.arrivalDelay, [&, t]() { delivered.push_back(ch->IsDelivered(0, t.epoch)); });
    };
    ns3::Simulator::Schedule(NanoSeconds(0), sendAndCheck);
    ns3::Simulator::Schedule(NanoSeconds(5), [&]() { ch->Cut(); });
    ns3::Simulator::Schedule(NanoSeconds(7), [&]() {
        sentDuringCut.push_back(ch->Transmit(0, 640).sent);
        sentDuringCut.push_back(ch->Transmit(1, 640).sent);
    });
    ns3::Simulator::Schedule(NanoSeconds(10), [&]() { ch->Restore(); });
    ns3::Simulator::Schedule(NanoSeconds(20), sendAndCheck);
    ns3::Simulator::Run();

    CHECK(sentDuringCut == std::vector<bool>{false, false});
    CHECK(delivered == std::vector<bool>{false, true});
    CHECK(lost == std::vector<uint8_t>{1, 0});
    CHECK(restored == std::vector<uint8_t>{1, 0});
    CHECK(ch->GetEpoch(0) == 1);
    CHECK(ch->GetEpoch(1) == 1);
    ns3::Simulator::Destroy();
}

TEST_CASE("a cut of one direction leaves the other up", "[channel]")
{
    PhotonicLinkHelper helper;
    auto ch = helper.Install(helper.CreateLaserSource(), helper.CreateLaserSource());
    std::vector<uint8_t> lost;
    ch->TraceConnectWithoutContext("LossOfSignal", ns3::Callback<void, uint8_t>([&](uint8_t e) { lost.push_back(e); }));
    std::vector<bool> end0;
    std::vector<bool> end1;
    ch->SetSignalCallback(0, ns3::Callback<void, bool>([&](bool up) { end0.push_back(up); }));
    ch->SetSignalCallback(1, ns3::Callback<void, bool>([&](bool up) { end1.push_back(up); }));

    ch->CutDirection(1); // end 1's transmitter -> end 0's receiver
    CHECK(ch->GetState(1) == OpticalChannel::DirectionState::Cut);
    CHECK(ch->IsUp(0));
    CHECK(lost == std::vector<uint8_t>{0});
    CHECK(end0 == std::vector<bool>{false});
    CHECK(end1.empty());
    CHECK(ch->Transmit(0, 64).sent);
    CHECK_FALSE(ch->Transmit(1, 64).sent);

    // A cut direction whose lasers also die stays down without a second loss of signal; repairing
    // the fibre then leaves it Dark until a line comes back.
    ch->GetLink(1)->GetLaserSource()->FailAll();
    CHECK(lost.size() == 1);
    ch->RestoreDirection(1);
    CHECK(ch->GetState(1) == OpticalChannel::DirectionState::Dark);
    CHECK(end0 == std::vector<bool>{false});
    ch->GetLink(1)->GetLaserSource()->RestoreLine(0);
    CHECK(ch->IsUp(1));
    CHECK(end0 == std::vector<bool>{false, true});
    CHECK_THROWS_AS(ch->CutDirection(2), std::out_of_range);
    ns3::Simulator::Destroy();
}

TEST_CASE("frame error draws follow the frame error probability and the stream number", "[channel][errors]")
{
    // One line, FEC off, TargetBer set so that the line sits just under it: a 640-byte frame then
    // fails with p = 1 - (1 - BER)^5120 ~ 0.1.
    auto source = test::MakeSource(1);
    source->SetAttribute("PowerSpreadDb", ns3::DoubleValue(0.0));
    auto link = ns3::CreateObject<PhotonicLink>();
    link->SetAttribute("FecEnabled", ns3::BooleanValue(false));
    link->SetAttribute("TargetBer", ns3::DoubleValue(2.1e-5));
    link->SetLaserSource(source);
    const double margin = link->GetLineBudgets()[0].marginDb;
    source->SetAttribute("LinePowerDbm", ns3::DoubleValue(3.0 - margin + 0.002));
    const LineBudget& b = link->GetLineBudgets()[0];
    REQUIRE(b.usable);
    const double p = link->GetFrameErrorProbability(640);
    CHECK(p == Approx(1.0 - std::pow(1.0 - b.preFecBer, 5120.0)).epsilon(1e-9));
    CHECK(p > 0.08);
    CHECK(p < 0.11);

    link->AssignStreams(42);
    const int draws = 100000;
    int errors = 0;
    for (int i = 0; i < draws; ++i)
    {
        errors += link->DrawFrameError(640) ? 1 : 0;
    }
    const double sigma = std::sqrt(p * (1 - p) / draws);
    CHECK(std::fabs(double(errors) / draws - p) < 4 * sigma);

    // Same stream number, same sequence; another stream, another sequence.
    auto twin = ns3::CreateObject<PhotonicLink>();
    twin->SetAttribute("FecEnabled", ns3::BooleanValue(false));
    twin->SetAttribute("TargetBer", ns3::DoubleValue(2.1e-5));
    twin->SetLaserSource(source);
    auto run = [](ns3::Ptr<PhotonicLink> l, int64_t stream) {
        l->AssignStreams(stream);
        std::vector<bool> seq;
        for (int i = 0; i < 2000; ++i)
        {
            seq.push_back(l->DrawFrameError(640));
        }
        return seq;
    };
    CHECK(run(link, 7) == run(twin, 7));
    CHECK(run(link, 7) != run(twin, 8));
}

TEST_CASE("with FEC a frame fails when any of its striped codewords fails", "[channel][errors]")
{
    // A weak code threshold (pre-FEC 2e-3), no power tilt, lines dimmed to just inside it: codewords
    // then fail often enough to compare in plain double arithmetic.
    auto source = test::MakeSource(8);
    source->SetAttribute("PowerSpreadDb", ns3::DoubleValue(0.0));
    auto link = ns3::CreateObject<PhotonicLink>();
    link->SetAttribute("PreFecBerThreshold", ns3::DoubleValue(2e-3));
    link->SetLaserSource(source);
    double minMargin = 1e9;
    for (const auto& b : link->GetLineBudgets())
    {
        minMargin = std::min(minMargin, b.marginDb);
    }
    source->SetAttribute("LinePowerDbm", ns3::DoubleValue(3.0 - minMargin + 0.01));
    REQUIRE(link->GetUsableLineCount() == 8);

    std::vector<unsigned> symbols(8, 68);
    std::vector<double> ps;
    for (const auto& b : link->GetLineBudgets())
    {
        ps.push_back(optics::SymbolErrorProbability(b.preFecBer, 10));
    }
    const double cw = optics::StripedCodewordFailureProbability(symbols, ps, 15);
    REQUIRE(cw > 1e-4);
    CHECK(link->GetFrameErrorProbability(640) == Approx(cw).epsilon(1e-9)); // 5120 bits: 1 codeword
    CHECK(link->GetFrameErrorProbability(1300) == Approx(1 - std::pow(1 - cw, 3)).epsilon(1e-9)); // 10400 bits: 3
    CHECK(link->GetFrameErrorProbability(640) == Approx(cw).epsilon(1e-9)); // cache of the other size is not stale

    source->FailAll();
    CHECK(link->GetFrameErrorProbability(640) == 1.0);
}
