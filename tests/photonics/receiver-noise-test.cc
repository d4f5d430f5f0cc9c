// Q and BER of lines limited by something other than thermal noise: crosstalk (NRZ and PAM4) and
// shot + RIN (PAM4), each pinned to the documented receiver model written out by hand
// (hand-receiver.h) and to the numbers that model gives, derived below.

#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/photonic-link.h"

#include "hand-receiver.h"
#include "photonics-test-util.h"

#include "ns3/double.h"
#include "ns3/enum.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace ofab;
using ns3::DoubleValue;

namespace
{

ns3::Ptr<PhotonicLink>
Build(const test::HandLink& h, ns3::Ptr<LaserSource>& source)
{
    source = test::MakeSource(h.lines);
    source->SetAttribute("PowerSpreadDb", DoubleValue(h.powerSpreadDb));
    auto link = ns3::CreateObject<PhotonicLink>();
    link->SetAttribute("RingQ", DoubleValue(h.ringQ));
    link->SetAttribute("MuxLossDb", DoubleValue(h.mux));
    link->SetAttribute("ReceiverNoiseCurrentUa", DoubleValue(h.thermalA * 1e6));
    link->SetAttribute("RinDbPerHz", DoubleValue(h.rinDbPerHz));
    link->SetAttribute("Modulation",
                       ns3::EnumValue(int(h.pam4 ? PhotonicLink::Modulation::Pam4 : PhotonicLink::Modulation::Nrz)));
    link->SetLaserSource(source);
    return link;
}

/// Two lines 200 GHz apart, both at +3 dBm, demultiplexed by rings of Q 1400: line 0 hears line 1
/// at -8.45 dB, and that crosstalk, not the receiver, limits it.
test::HandLink
CrosstalkLimited(bool pam4)
{
    test::HandLink h;
    h.lines = 2;
    h.powerSpreadDb = 0.0;
    h.ringQ = 1400.0;
    h.pam4 = pam4;
    return h;
}

} // namespace

// Line 0 of CrosstalkLimited(), worked out:
//   bus loss 1.5 + 0.5 + 2 + 1 x 0.01 + 3 + 0.4 + 0.0007 + 0.5 = 7.9107 dB; line 0 passes no ring
//   before its own, so its chain is 7.9107 + 1 (drop) = 8.9107 dB: P1 = 10^(-0.59107) = 0.256407 mW,
//   P0 = P1 / 10^0.6 = 0.0644065 mW.
//   Ring 0 sits on f0 = 228.7 THz, FWHM = f0 / 1400 = 163.357 GHz; line 1 is 200 GHz away:
//   x = 1 / (1 + (400 / 163.357)^2) = 0.142944 (-8.45 dB).
//   Line 1 on the bus: P1 = 10^(-0.49107) = 0.322797 mW, OMA = 0.75 x that = 0.242105 mW.
//   Through ring 0's drop (1 dB): leaked mean 0.794328 x 0.142944 x 0.201694 = 0.0229292 mW;
//   leaked modulation, NRZ: (0.8e-3 x 0.794328 x 0.142944 x 0.242105 / 2)^2 = 1.20519e-10 A^2
//   (sigma 10.98 uA), against thermal (2 uA)^2 = 4e-12, shot 3.79e-12 / 1.18e-12 and RIN
//   7.04e-12 / 0.44e-12 A^2 ('1' / '0', B = 0.5 x 100 G x 544/514 = 52.918 GHz).
//   sigma1 = 11.6340 uA, sigma0 = 11.2316 uA; Q = 0.8 x 0.192001 mW / 22.8656 uA = 6.717542,
//   BER = 0.5 erfc(Q / sqrt 2) = 9.240776e-12. Crosstalk alone would give Q = 1 / x = 6.9958.
TEST_CASE("a crosstalk-limited NRZ line: Q and BER as the receiver model gives them", "[budget][crosstalk][noise]")
{
    const test::HandLink h = CrosstalkLimited(false);
    ns3::Ptr<LaserSource> source;
    auto link = Build(h, source);
    const LineBudget& b = link->GetLineBudgets().at(0);
    const test::HandLink::Result hand = h.Evaluate(0);

    CHECK(hand.q == Approx(6.717542).epsilon(1e-6));
    CHECK(hand.ber == Approx(9.240776e-12).epsilon(1e-6));
    CHECK(b.q == Approx(hand.q).epsilon(1e-9));
    CHECK(b.preFecBer == Approx(hand.ber).epsilon(1e-8));
    // The leaked power itself, -16.40 dBm, and the line still usable (BER below 2.4e-4).
    CHECK(b.crosstalkDbm == Approx(10 * std::log10(0.0229292)).margin(1e-4));
    CHECK(b.usable);

    // Crosstalk limited: the crosstalk variance outweighs all the rest together, and the Q sits
    // just under the crosstalk-only bound 1 / x.
    const test::HandLink::Input in = h.InputOf(0);
    CHECK(in.xtVar == Approx(1.20519e-10).epsilon(1e-5));
    CHECK(b.q < 1.0 / h.X(0, 1));
    CHECK(b.q > 0.95 / h.X(0, 1));
}

// PAM4 on the same two lines. Line 1's four equiprobable levels have variance (5/9)(OMA/2)^2 =
// 5/36 OMA^2 about their mean, so the leaked modulation is 5/9 of the NRZ one: 6.69551e-11 A^2
// (8.18 uA). B halves to 26.459 GHz (26.46 GBd x 0.5). Levels 0.0644065, 0.128407, 0.192407,
// 0.256407 mW have sigma 8.4717, 8.5361, 8.6254, 8.7390 uA; each eye is 0.8 x 0.0640002 mW =
// 51.200 uA high: Q = 3.010397, 2.983429, 2.948561 (lower, middle, upper eye),
// BER = (1/8) sum erfc(Q_k / sqrt 2) = 1.081503e-3: over the FEC threshold, so the line is lost.
// Crosstalk alone would give every eye Q = 1 / (x sqrt 5) = 3.1286.
TEST_CASE("a crosstalk-limited PAM4 line: each eye's Q and the BER as the receiver model gives them",
          "[budget][crosstalk][noise][pam4]")
{
    const test::HandLink h = CrosstalkLimited(true);
    ns3::Ptr<LaserSource> source;
    auto link = Build(h, source);
    const LineBudget& b = link->GetLineBudgets().at(0);
    const test::HandLink::Result hand = h.Evaluate(0);

    REQUIRE(hand.eyeQ.size() == 3);
    CHECK(hand.eyeQ[0] == Approx(3.010397).epsilon(1e-6));
    CHECK(hand.eyeQ[1] == Approx(2.983429).epsilon(1e-6));
    CHECK(hand.eyeQ[2] == Approx(2.948561).epsilon(1e-6));
    CHECK(hand.ber == Approx(1.081503e-3).epsilon(1e-6));
    CHECK(b.q == Approx(hand.q).epsilon(1e-9));
    CHECK(b.preFecBer == Approx(hand.ber).epsilon(1e-9));
    CHECK_FALSE(b.usable);
    CHECK(h.InputOf(0).xtVar == Approx(6.69551e-11).epsilon(1e-5));
    CHECK(b.q < 1.0 / (h.X(0, 1) * std::sqrt(5.0)));
}

// One PAM4 line (no neighbour, so no crosstalk) on a receiver without thermal noise, with a 9 dB
// mux stage and RIN -140 dB/Hz: shot and RIN noise set the eyes, and both grow with B.
//   chain 7.9007 (bus, one line) + 9 (mux) + 1 (drop) = 17.9007 dB: P1 = 0.0323542 mW,
//   P0 = 0.00812700 mW, levels 0.00812700, 0.0162027, 0.0242784, 0.0323542 mW.
//   B = 0.5 x 100 G x 544/514 / 2 = 26.4591 GHz (PAM4 carries 2 bits a symbol).
//   Top level: shot 2q (0.8 x 0.0323542e-3 + 10e-9) B = 2.19535e-13 A^2, RIN
//   1e-14 x (25.883 uA)^2 x B = 1.77262e-13 A^2: about equal. sigma per level 0.257668, 0.392988,
//   0.514368, 0.629918 uA; eye height 0.8 x 0.00807572 mW = 6.46058 uA:
//   Q = 9.929321, 7.120215, 5.645941; BER = (1/8) sum erfc(Q_k / sqrt 2) = 2.053638e-9.
//   With B twice as wide every variance doubles: Q = 5.645941 / sqrt 2 = 3.992283, BER 8.2398e-6.
TEST_CASE("a shot- and RIN-limited PAM4 line: each eye's Q and the BER as the receiver model gives them",
          "[budget][noise][pam4]")
{
    test::HandLink h;
    h.lines = 1;
    h.powerSpreadDb = 0.0;
    h.mux = 9.0;
    h.thermalA = 0.0;
    h.rinDbPerHz = -140.0;
    h.pam4 = true;
    ns3::Ptr<LaserSource> source;
    auto link = Build(h, source);
    const LineBudget& b = link->GetLineBudgets().at(0);
    const test::HandLink::Result hand = h.Evaluate(0);

    CHECK(h.BandwidthHz() == Approx(26.459144e9).epsilon(1e-7));
    REQUIRE(hand.eyeQ.size() == 3);
    CHECK(hand.eyeQ[0] == Approx(9.929321).epsilon(1e-6));
    CHECK(hand.eyeQ[1] == Approx(7.120215).epsilon(1e-6));
    CHECK(hand.eyeQ[2] == Approx(5.645941).epsilon(1e-6));
    CHECK(hand.ber == Approx(2.053638e-9).epsilon(1e-6));
    CHECK(b.q == Approx(hand.q).epsilon(1e-9));
    CHECK(b.preFecBer == Approx(hand.ber).epsilon(1e-8));
    CHECK(b.usable);

    // A noise bandwidth twice as wide (NoiseBandwidthRatio 1): every eye's Q falls by sqrt 2, the
    // closed form of a receiver with no bandwidth-independent noise.
    link->SetAttribute("NoiseBandwidthRatio", DoubleValue(1.0));
    CHECK(link->GetLineBudgets().at(0).q == Approx(5.645941 / std::sqrt(2.0)).epsilon(1e-6));
    h.bandwidthRatio = 1.0;
    CHECK(link->GetLineBudgets().at(0).preFecBer == Approx(h.Evaluate(0).ber).epsilon(1e-8));
}

// The margin of a crosstalk-limited line: the attenuation at which Q reaches the FEC threshold,
// from the hand model's own bisection.
TEST_CASE("the margin of a line is where the hand-computed BER reaches the threshold", "[budget][noise]")
{
    const test::HandLink h = CrosstalkLimited(false);
    ns3::Ptr<LaserSource> source;
    auto link = Build(h, source);
    CHECK(link->GetLineBudgets().at(0).marginDb == Approx(h.MarginDb(0, 2.4e-4)).margin(2e-6));
}
