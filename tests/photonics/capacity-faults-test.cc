// Capacity under laser-line failures, degradation and ring drift; loss of signal on the channel.

#include "ofab/photonics/helper/photonic-link-helper.h"
#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/optical-channel.h"
#include "ofab/photonics/model/photonic-link.h"

#include "hand-receiver.h"
#include "photonics-test-util.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace ofab;

namespace
{
struct CapacityLog
{
    std::vector<std::pair<uint32_t, double>> events;

    void Attach(const ns3::Ptr<PhotonicLink>& link)
    {
        link->TraceConnectWithoutContext("Capacity",
                                         ns3::Callback<void, uint32_t, double>(
                                             [this](uint32_t lines, double bps) { events.emplace_back(lines, bps); }));
    }
};

struct SignalLog
{
    std::vector<uint8_t> lost;
    std::vector<uint8_t> restored;

    void Attach(const ns3::Ptr<OpticalChannel>& ch)
    {
        ch->TraceConnectWithoutContext("LossOfSignal",
                                       ns3::Callback<void, uint8_t>([this](uint8_t end) { lost.push_back(end); }));
        ch->TraceConnectWithoutContext("SignalRestored",
                                       ns3::Callback<void, uint8_t>([this](uint8_t end) { restored.push_back(end); }));
    }
};
} // namespace

TEST_CASE("capacity after k of N lines fail is (N-k)/N", "[capacity]")
{
    const uint32_t n = 8;
    for (uint32_t k : {0u, 1u, 2u, 5u, 7u, 8u})
    {
        auto source = test::MakeSource(n);
        auto link = test::MakeLink(source);
        for (uint32_t i = 0; i < k; ++i)
        {
            source->FailLine((i * 3) % n); // scattered over the grid: 0, 3, 6, 1, 4, 7, 2, 5
        }
        CHECK(link->GetUsableLineCount() == n - k);
        CHECK(link->GetCapacityFraction() == Approx(double(n - k) / n));
        CHECK(link->GetCapacityBps() == Approx((n - k) * 100e9));
    }
}

TEST_CASE("the Capacity trace fires once per change with the usable count", "[capacity]")
{
    auto source = test::MakeSource(8);
    auto link = test::MakeLink(source);
    CapacityLog log;
    log.Attach(link);

    source->FailLine(0);
    source->FailLine(5);
    source->FailLine(2);
    source->RestoreLine(5);
    source->DegradeLine(1, 1.0); // mild: still usable, no capacity change
    source->FailLine(0);         // already dark: no change
    const std::vector<std::pair<uint32_t, double>> expected{{7, 700e9}, {6, 600e9}, {5, 500e9}, {6, 600e9}};
    CHECK(log.events == expected);

    log.events.clear();
    source->FailAll(); // one source-wide failure: one step to zero
    REQUIRE(log.events.size() == 1);
    CHECK(log.events[0].first == 0);
    CHECK(log.events[0].second == 0.0);
    source->RestoreAll();
    REQUIRE(log.events.size() == 2);
    CHECK(log.events[1].first == 8);
}

TEST_CASE("the last line failing darkens the direction and signals loss at the receiving end", "[capacity][channel]")
{
    PhotonicLinkHelper helper;
    auto srcA = helper.CreateLaserSource();
    auto srcB = helper.CreateLaserSource();
    auto ch = helper.Install(srcA, srcB);
    SignalLog log;
    log.Attach(ch);
    std::vector<bool> end1Callback;
    ch->SetSignalCallback(1, ns3::Callback<void, bool>([&](bool up) { end1Callback.push_back(up); }));

    REQUIRE(ch->IsUp(0));
    REQUIRE(ch->IsUp(1));
    for (uint32_t i = 0; i < 7; ++i)
    {
        srcA->FailLine(i);
        CHECK(ch->IsUp(0));
    }
    CHECK(log.lost.empty());
    const uint32_t epoch = ch->GetEpoch(0);
    srcA->FailLine(7);
    CHECK(ch->GetState(0) == OpticalChannel::DirectionState::Dark);
    CHECK(ch->IsUp(1)); // the other direction has its own lasers
    CHECK(log.lost == std::vector<uint8_t>{1});
    CHECK(end1Callback == std::vector<bool>{false});
    CHECK(ch->GetEpoch(0) == epoch + 1);
    CHECK_FALSE(ch->Transmit(0, 640).sent);

    srcA->RestoreLine(4);
    CHECK(ch->IsUp(0));
    CHECK(log.restored == std::vector<uint8_t>{1});
    CHECK(end1Callback == std::vector<bool>{false, true});
    CHECK(ch->GetLink(0)->GetUsableLineCount() == 1);
    ns3::Simulator::Destroy();
}

TEST_CASE("a degraded line past its margin becomes unusable and a mild one keeps less margin", "[capacity]")
{
    // Rings with a negligible Lorentzian tail: dimming one line is then the same as the uniform
    // attenuation that defines the margin, so the margin moves by exactly the drop.
    auto source = test::MakeSource(8);
    auto link = ns3::CreateObject<PhotonicLink>();
    link->SetAttribute("RingQ", ns3::DoubleValue(1e8));
    link->SetLaserSource(source);
    const double margin = link->GetLineBudgets()[2].marginDb;
    INFO("line 2 margin " << margin << " dB");
    REQUIRE(margin > 3.0);

    source->DegradeLine(2, margin + 1.0);
    const LineBudget& bad = link->GetLineBudgets()[2];
    CHECK(bad.lit);
    CHECK_FALSE(bad.usable);
    CHECK(bad.preFecBer > 2.4e-4);
    CHECK(bad.marginDb == Approx(-1.0).margin(1e-4));
    CHECK(link->GetUsableLineCount() == 7);

    source->DegradeLine(2, margin - 1.0);
    const LineBudget& mild = link->GetLineBudgets()[2];
    CHECK(mild.usable);
    CHECK(mild.preFecBer <= 2.4e-4);
    CHECK(mild.marginDb == Approx(1.0).margin(1e-4));
    CHECK(link->GetUsableLineCount() == 8);

    source->RestoreLine(2);
    CHECK(link->GetLineBudgets()[2].marginDb == Approx(margin).margin(1e-9));
}

TEST_CASE("a 10 dB laser drop: the neighbours' crosstalk now weighs more than in the margin", "[capacity]")
{
    auto source = test::MakeSource(8);
    auto link = test::MakeLink(source); // default Q 10k: -24.9 dB to each 200 GHz neighbour
    const double margin = link->GetLineBudgets()[2].marginDb;
    const double crosstalkDbm = link->GetLineBudgets()[2].crosstalkDbm;
    // The same link by hand (hand-receiver.h): line 2's margin is 10.404156 dB before the drop and
    // 0.332645 dB after it. The margin attenuates the neighbours too, a laser drop does not: at the
    // threshold the leaked modulation weighs 10 dB more against line 2's own eye, which costs
    // 0.071511 dB on top of the 10 dB.
    test::HandLink hand;
    CHECK(margin == Approx(10.404156).margin(1e-5));
    CHECK(margin == Approx(hand.MarginDb(2, 2.4e-4)).margin(2e-6));
    source->DegradeLine(2, 10.0);
    const LineBudget& ten = link->GetLineBudgets()[2];
    CHECK(source->GetLineState(2) == LaserSource::LineState::Degraded);
    CHECK(ten.usable == (ten.preFecBer <= 2.4e-4));
    hand.degradeDb[2] = 10.0;
    CHECK(ten.marginDb == Approx(hand.MarginDb(2, 2.4e-4)).margin(2e-6));
    CHECK(margin - 10.0 - ten.marginDb == Approx(0.071511).margin(1e-5));
    // What leaks into line 2 comes from its neighbours, whose lasers did not change.
    CHECK(ten.crosstalkDbm == Approx(crosstalkDbm).margin(1e-12));
    CHECK(ten.crosstalkDbm == Approx(-28.388177).margin(1e-5));

    source->DegradeLine(2, margin + 2.0);
    CHECK_FALSE(link->GetLineBudgets()[2].usable);
    CHECK(link->GetCapacityFraction() == Approx(7.0 / 8.0));
}

TEST_CASE("a ring drifting beyond its lock range loses its line", "[capacity][drift]")
{
    auto source = test::MakeSource(8);
    auto link = test::MakeLink(source);
    CapacityLog log;
    log.Attach(link);
    const double rx2 = link->GetLineBudgets()[2].rxPowerDbm;
    const double rx4 = link->GetLineBudgets()[4].rxPowerDbm;

    link->SetLineDriftGhz(3, 60.0); // within the 100 GHz lock range: the heater pulls it back
    CHECK(link->GetLineBudgets()[3].locked);
    CHECK(link->GetLineBudgets()[3].usable);
    CHECK(log.events.empty());

    link->SetLineDriftGhz(3, -150.0);
    CHECK_FALSE(link->GetLineBudgets()[3].locked);
    CHECK_FALSE(link->GetLineBudgets()[3].usable);
    CHECK(link->GetUsableLineCount() == 7);
    REQUIRE(log.events.size() == 1);
    CHECK(log.events[0].first == 7);

    // Unlocked and parked on line 4's carrier, ring 3 drops line 4 before ring 4 sees it (down to
    // the -20 dB through-port floor); line 2 passes ring 3 only after its own ring and is untouched.
    link->SetLineDriftGhz(3, 200.0);
    CHECK(link->GetLineBudgets()[2].rxPowerDbm == Approx(rx2).margin(1e-12));
    CHECK(rx4 - link->GetLineBudgets()[4].rxPowerDbm == Approx(20.0).margin(0.1));
    CHECK_FALSE(link->GetLineBudgets()[4].usable);
    CHECK(link->GetUsableLineCount() == 6);

    link->SetLineDriftGhz(3, 0.0);
    CHECK(link->GetUsableLineCount() == 8);
    CHECK(link->GetLineBudgets()[4].rxPowerDbm == Approx(rx4).margin(1e-12));
    CHECK_THROWS_AS(link->SetLineDriftGhz(8, 1.0), std::out_of_range);
}

TEST_CASE("one laser source is one failure domain for every link it feeds", "[capacity][srlg]")
{
    PhotonicLinkHelper helper;
    helper.SetLaserAttribute("PortCount", ns3::UintegerValue(2));
    auto shared = helper.CreateLaserSource();
    auto other = helper.CreateLaserSource();
    auto ch1 = helper.Install(shared, other);
    auto ch2 = helper.Install(shared, other);

    shared->FailLine(6);
    CHECK(ch1->GetLink(0)->GetUsableLineCount() == 7);
    CHECK(ch2->GetLink(0)->GetUsableLineCount() == 7);
    CHECK(ch1->GetLink(1)->GetUsableLineCount() == 8);

    SignalLog log1;
    SignalLog log2;
    log1.Attach(ch1);
    log2.Attach(ch2);
    shared->FailAll();
    CHECK(ch1->GetState(0) == OpticalChannel::DirectionState::Dark);
    CHECK(ch2->GetState(0) == OpticalChannel::DirectionState::Dark);
    CHECK(log1.lost == std::vector<uint8_t>{1});
    CHECK(log2.lost == std::vector<uint8_t>{1});
    shared->RestoreAll();
    CHECK(log1.restored == std::vector<uint8_t>{1});
    CHECK(log2.restored == std::vector<uint8_t>{1});
    ns3::Simulator::Destroy();
}

TEST_CASE("bad line indices throw std::out_of_range", "[capacity]")
{
    auto source = test::MakeSource(4);
    CHECK_THROWS_AS(source->FailLine(4), std::out_of_range);
    CHECK_THROWS_AS(source->GetLinePowerDbm(9), std::out_of_range);
    CHECK_THROWS_AS(source->DegradeLine(0, std::nan("")), std::invalid_argument);
    CHECK_THROWS_AS(source->DegradeLine(0, -3.0), std::invalid_argument);
}
