// Per-line budget: the power chain summed by hand, line-index effects, receiver sensitivity.

#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/photonic-link.h"

#include "photonics-test-util.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace ofab;
using ns3::DoubleValue;

namespace
{
double
ToDbm(double mw)
{
    return 10.0 * std::log10(mw);
}

double
ToMw(double dbm)
{
    return std::pow(10.0, dbm / 10.0);
}

/// OMA (dBm) at which the link's line 0 just reaches its BER limit: OMA now minus its margin.
double
SensitivityOmaDbm(const ns3::Ptr<PhotonicLink>& link)
{
    const LineBudget& b = link->GetLineBudgets().at(0);
    return b.omaDbm - b.marginDb;
}
} // namespace

TEST_CASE("the whole chain summed by hand equals the link's received power and OMA", "[budget]")
{
    auto source = test::MakeSource(8);
    auto link = test::MakeLink(source);
    const auto& budgets = link->GetLineBudgets();
    REQUIRE(budgets.size() == 8);

    const unsigned i = 3;
    const double laserDbm = 3.0 + 1.0 * (0.5 - 3.0 / 7.0); // +3 dBm mean, 1 dB tilt over 8 lines
    const double laserCoupler = 1.5;
    const double txWaveguide = 0.25 * 2.0; // 0.25 cm at 2 dB/cm
    const double modulatorIl = 2.0;
    const double passedModulators = 7 * 0.01; // the other 7 modulator rings on the bus
    const double mux = 0.0;
    const double fibreCouplers = 2 * 1.5;
    const double connectors = 2 * 0.2;
    const double fibre = 2.0 / 1000.0 * 0.35; // 2 m at 0.35 dB/km
    const double demux = 0.0;
    const double rxWaveguide = 0.25 * 2.0;
    const double passedDropRings = 3 * 0.01; // rings 0, 1, 2 come before ring 3
    const double drop = 1.0;
    // Rings 0..2 each pull their Lorentzian share of line 3 off the bus (-20 dB notch floor).
    double kept = 1.0;
    for (unsigned k = 0; k < i; ++k)
    {
        const double fk = 228.8e12 + (k - 3.5) * 200e9;
        const double fi = 228.8e12 + (i - 3.5) * 200e9;
        kept *= 1.0 - 0.99 * test::Lorentzian(fi - fk, fk / 10000.0);
    }
    const double depletion = -10.0 * std::log10(kept);
    const double chain = laserCoupler + txWaveguide + modulatorIl + passedModulators + mux + fibreCouplers +
                         connectors + fibre + demux + rxWaveguide + passedDropRings + drop + depletion;
    const double p1 = ToMw(laserDbm - chain);
    const double p0 = p1 / ToMw(6.0); // extinction ratio 6 dB

    const LineBudget& b = budgets[i];
    CHECK(b.line == i);
    CHECK(b.lit);
    CHECK(b.locked);
    CHECK(b.usable);
    CHECK(b.laserPowerDbm == Approx(laserDbm).margin(1e-12));
    CHECK(b.chainLossDb == Approx(chain).margin(1e-9));
    CHECK(b.rxPowerDbm == Approx(ToDbm((p1 + p0) / 2)).margin(1e-9));
    CHECK(b.omaDbm == Approx(ToDbm(p1 - p0)).margin(1e-9));
    CHECK(b.frequencyHz == Approx(228.8e12 - 0.5 * 200e9).epsilon(1e-15));
    CHECK(depletion > 0.0);
    CHECK(depletion < 0.03); // the tails of a nominal 200 GHz grid cost hundredths of a dB
    CHECK(b.crosstalkDbm < b.rxPowerDbm - 20.0);
    CHECK(b.preFecBer < 1e-20);
    CHECK(b.marginDb > 5.0);
}

TEST_CASE("through losses grow with the line index and the power spread tilts the lines", "[budget]")
{
    auto source = test::MakeSource(8);
    source->SetAttribute("PowerSpreadDb", DoubleValue(0.0));
    auto link = ns3::CreateObject<PhotonicLink>();
    link->SetAttribute("RingThroughLossDb", DoubleValue(0.1));
    link->SetAttribute("RingQ", DoubleValue(1e9)); // linewidth ~0.2 MHz: no Lorentzian tails
    link->SetLaserSource(source);
    const auto& b = link->GetLineBudgets();
    for (unsigned i = 1; i < 8; ++i)
    {
        CHECK(b[i].chainLossDb - b[0].chainLossDb == Approx(0.1 * i).margin(1e-6));
        CHECK(b[i].rxPowerDbm - b[0].rxPowerDbm == Approx(-0.1 * i).margin(1e-6));
    }

    source->SetAttribute("PowerSpreadDb", DoubleValue(1.0));
    for (unsigned i = 0; i < 8; ++i)
    {
        CHECK(source->GetLinePowerDbm(i) == Approx(3.0 + 0.5 - i / 7.0).margin(1e-12));
        // The link saw the attribute change: its line powers follow the tilt.
        CHECK(link->GetLineBudgets()[i].laserPowerDbm == Approx(3.0 + 0.5 - i / 7.0).margin(1e-12));
    }
    CHECK(source->GetLinePowerDbm(0) - source->GetLinePowerDbm(7) == Approx(1.0).margin(1e-12));
    CHECK(link->GetLineBudgets()[0].rxPowerDbm - link->GetLineBudgets()[7].rxPowerDbm ==
          Approx(1.0 + 0.7).margin(1e-6));
}

TEST_CASE("thermal-limited NRZ sensitivity: OMA -14.5 dBm at 1e-12, -17.6 dBm at 2.4e-4", "[budget][sensitivity]")
{
    // sigma 2 uA, R 0.8 A/W: Q = R OMA / (2 sigma)  ->  OMA = 2 sigma Q / R.
    const double sigma = 2e-6;
    const double r = 0.8;
    ns3::Ptr<LaserSource> source;

    auto noFec = test::MakeThermalLimitedLink(source, false, false);
    const double omaAt1e12 = ToDbm(2 * sigma * test::QForBer(1e-12) / r * 1e3);
    CHECK(SensitivityOmaDbm(noFec) == Approx(-14.5).margin(0.05));
    CHECK(SensitivityOmaDbm(noFec) == Approx(omaAt1e12).margin(0.001));

    auto fec = test::MakeThermalLimitedLink(source, true, false);
    const double omaAtThreshold = ToDbm(2 * sigma * test::QForBer(2.4e-4) / r * 1e3);
    CHECK(SensitivityOmaDbm(fec) == Approx(-17.6).margin(0.05));
    CHECK(SensitivityOmaDbm(fec) == Approx(omaAtThreshold).margin(0.001));

    // Check the margin is real: move the laser by exactly the margin and the BER sits at the limit.
    const double margin = fec->GetLineBudgets()[0].marginDb;
    source->SetAttribute("LinePowerDbm", DoubleValue(3.0 - margin));
    CHECK(fec->GetLineBudgets()[0].preFecBer == Approx(2.4e-4).epsilon(1e-4));
    CHECK(fec->GetLineBudgets()[0].marginDb == Approx(0.0).margin(1e-5));
}

TEST_CASE("PAM4 needs 10 log10(3) = 4.77 dB more OMA than NRZ on a thermal-limited receiver", "[budget][sensitivity]")
{
    ns3::Ptr<LaserSource> nrzSource;
    ns3::Ptr<LaserSource> pam4Source;
    auto nrz = test::MakeThermalLimitedLink(nrzSource, false, false);
    auto pam4 = test::MakeThermalLimitedLink(pam4Source, false, true);

    // Same power, same noise: each PAM4 eye is a third of the NRZ eye.
    CHECK(nrz->GetLineBudgets()[0].q / pam4->GetLineBudgets()[0].q == Approx(3.0).epsilon(1e-6));

    // At equal BER (1e-12), PAM4's per-eye BER may be 4/3 higher (3/4 factor of Gray coding), which
    // takes a few hundredths of a dB off the 4.77 dB.
    const double penalty = SensitivityOmaDbm(pam4) - SensitivityOmaDbm(nrz);
    CHECK(penalty == Approx(10 * std::log10(3.0)).margin(0.05));
    const double exact = 10 * std::log10(3.0 * test::QForBer(1e-12 / 0.75) / test::QForBer(1e-12));
    CHECK(penalty == Approx(exact).margin(0.002));
}

TEST_CASE("a RIN floor no power can beat makes a line unusable with margin -infinity", "[budget]")
{
    auto source = test::MakeSource(8);
    auto link = ns3::CreateObject<PhotonicLink>();
    link->SetAttribute("RinDbPerHz", DoubleValue(-100.0)); // RIN-limited Q ~ 0.6 / sqrt(1e-10 x 53e9) < 1
    link->SetLaserSource(source);
    for (const auto& b : link->GetLineBudgets())
    {
        CHECK_FALSE(b.usable);
        CHECK(std::isinf(b.marginDb));
        CHECK(b.marginDb < 0);
        CHECK(b.preFecBer > 2.4e-4);
    }
    CHECK(link->GetCapacityBps() == 0.0);
}
