// Elements inline in the fibre path (an optical circuit switch): their insertion loss in the power
// chain and their in-band crosstalk as Gaussian noise.

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/photonic-link.h"

#include "photonics-test-util.h"

#include "ns3/double.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace ofab;
using ns3::DoubleValue;

namespace
{
ns3::Ptr<PhotonicLink>
LinkWithInline(ns3::Ptr<LaserSource> source, double lossDb, double crosstalkDb)
{
    auto l = ns3::CreateObject<PhotonicLink>();
    l->SetAttribute("InlineLossDb", DoubleValue(lossDb));
    l->SetAttribute("InlineCrosstalkDb", DoubleValue(crosstalkDb));
    l->SetLaserSource(source);
    return l;
}
} // namespace

TEST_CASE("2 dB inline loss takes exactly 2 dB off every line's power, OMA and margin", "[budget][inline]")
{
    auto source = test::MakeSource(8);
    auto plain = LinkWithInline(source, 0.0, -100.0);
    auto switched = LinkWithInline(source, 2.0, -100.0);
    const auto& a = plain->GetLineBudgets();
    const auto& b = switched->GetLineBudgets();
    REQUIRE(a.size() == 8);
    REQUIRE(b.size() == 8);
    for (unsigned i = 0; i < 8; ++i)
    {
        INFO("line " << i);
        CHECK(b[i].chainLossDb - a[i].chainLossDb == Approx(2.0).margin(1e-9));
        CHECK(b[i].rxPowerDbm - a[i].rxPowerDbm == Approx(-2.0).margin(1e-9));
        CHECK(b[i].omaDbm - a[i].omaDbm == Approx(-2.0).margin(1e-9));
        // The loss sits on the shared bus: the neighbours' crosstalk drops by 2 dB as well.
        CHECK(b[i].crosstalkDbm - a[i].crosstalkDbm == Approx(-2.0).margin(1e-9));
        // The margin is the uniform attenuation every line tolerates: 2 dB of it is now spent
        // (bisection to 1e-6 dB on each side).
        CHECK(b[i].marginDb - a[i].marginDb == Approx(-2.0).margin(2e-6));
        CHECK(b[i].q < a[i].q);
        CHECK(b[i].preFecBer > a[i].preFecBer);
    }
}

TEST_CASE("Q falls and BER rises monotonically with the inline loss", "[budget][inline]")
{
    auto source = test::MakeSource(8);
    auto link = LinkWithInline(source, 0.0, -100.0);
    double lastQ = std::numeric_limits<double>::infinity();
    double lastBer = 0.0;
    double lastMargin = std::numeric_limits<double>::infinity();
    uint32_t lastUsable = 8;
    for (double loss = 0.0; loss <= 16.0; loss += 1.0)
    {
        INFO("InlineLossDb " << loss);
        link->SetAttribute("InlineLossDb", DoubleValue(loss));
        const LineBudget& b = link->GetLineBudgets().at(3);
        CHECK(b.q < lastQ);
        CHECK(b.preFecBer >= lastBer);
        CHECK(b.marginDb < lastMargin);
        CHECK(link->GetUsableLineCount() <= lastUsable);
        lastQ = b.q;
        lastBer = b.preFecBer;
        lastMargin = b.marginDb;
        lastUsable = link->GetUsableLineCount();
    }
    CHECK(lastBer > 2.4e-4); // 16 dB more loss eats the ~10 dB margin: the line is lost
    CHECK(lastUsable == 0);
}

TEST_CASE("inline crosstalk far below the signal changes nothing measurable", "[budget][inline]")
{
    auto source = test::MakeSource(8);
    auto none = LinkWithInline(source, 2.0, -300.0);
    auto low = LinkWithInline(source, 2.0, -100.0);
    auto mems = LinkWithInline(source, 2.0, -50.0);
    for (unsigned i = 0; i < 8; ++i)
    {
        INFO("line " << i);
        const LineBudget& a = none->GetLineBudgets()[i];
        // -100 dB: its mean shifts the shot noise by 1e-10 of the signal's, its variance by 1e-20.
        const LineBudget& b = low->GetLineBudgets()[i];
        CHECK(b.q == Approx(a.q).epsilon(1e-9));
        CHECK(b.preFecBer == Approx(a.preFecBer).epsilon(1e-8));
        CHECK(b.marginDb == Approx(a.marginDb).margin(2e-6)); // the bisection's resolution
        CHECK(b.usable == a.usable);
        CHECK(b.rxPowerDbm == a.rxPowerDbm);
        CHECK(b.inlineCrosstalkDbm == Approx(a.rxPowerDbm - 100.0).margin(1e-9));
        // -50 dB (the switch's default): the 1e-5 share of the signal in the shot noise moves Q by
        // about a millionth, the margin by well under a thousandth of a dB.
        const LineBudget& m = mems->GetLineBudgets()[i];
        CHECK(m.q == Approx(a.q).epsilon(1e-5));
        CHECK(m.marginDb == Approx(a.marginDb).margin(1e-3));
        CHECK(m.usable == a.usable);
    }
}

TEST_CASE("Inline crosstalk of -10 dB lowers a thermal-limited Q to Q0 / sqrt(1 + (X Q0)^2)", "[budget][inline]")
{
    // One line, thermal noise only (sigma 2 uA), R 0.8 A/W: Q0 = R OMA / (2 sigma). An interferer
    // carrying the signal's own levels scaled by X adds (R X OMA / 2)^2 to each level's variance, so
    // sigma' = sqrt(sigma^2 + (R X OMA / 2)^2) and Q = R OMA / (2 sigma') = Q0 / sqrt(1 + (X Q0)^2).
    // Its mean only feeds the shot noise, which this receiver's tiny bandwidth removes.
    ns3::Ptr<LaserSource> source;
    auto link = test::MakeThermalLimitedLink(source, true, false);
    link->SetAttribute("InlineCrosstalkDb", DoubleValue(-300.0));
    const LineBudget clean = link->GetLineBudgets().at(0);
    const double omaW = std::pow(10.0, clean.omaDbm / 10.0) * 1e-3;
    const double q0 = 0.8 * omaW / (2.0 * 2e-6);
    CHECK(clean.q == Approx(q0).epsilon(1e-9));
    REQUIRE(q0 > 30.0); // the default chain gives ~40: the crosstalk term dominates at X = 0.1

    link->SetAttribute("InlineCrosstalkDb", DoubleValue(-10.0));
    const LineBudget b = link->GetLineBudgets().at(0);
    const double x = 0.1;
    const double expected = q0 / std::sqrt(1.0 + x * x * q0 * q0);
    CHECK(b.q == Approx(expected).epsilon(1e-9));
    CHECK(b.q < 0.3 * q0);
    CHECK(b.preFecBer == Approx(0.5 * std::erfc(expected / std::sqrt(2.0))).epsilon(1e-6));
    CHECK(b.inlineCrosstalkDbm == Approx(b.rxPowerDbm - 10.0).margin(1e-9));
    CHECK(b.rxPowerDbm == clean.rxPowerDbm); // crosstalk adds noise, not loss

    // Q is capped at 1 / X = 10 however strong the signal: a floor no power can beat. Its BER
    // (~7.6e-24) is under the FEC threshold, so the margin is still finite here.
    source->SetAttribute("LinePowerDbm", DoubleValue(20.0));
    CHECK(link->GetLineBudgets().at(0).q < 1.0 / x);
    CHECK(link->GetLineBudgets().at(0).q > 0.99 / x);
}

TEST_CASE("inline loss and crosstalk outside their domain are refused", "[validation][inline]")
{
    auto l = ns3::CreateObject<PhotonicLink>();
    CHECK_NOTHROW(l->Validate());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_FALSE(l->SetAttributeFailSafe("InlineLossDb", DoubleValue(-0.5)));
    CHECK_FALSE(l->SetAttributeFailSafe("InlineLossDb", DoubleValue(nan)));
    CHECK_FALSE(l->SetAttributeFailSafe("InlineCrosstalkDb", DoubleValue(1.0)));
    CHECK_FALSE(l->SetAttributeFailSafe("InlineCrosstalkDb", DoubleValue(nan)));
    CHECK(l->SetAttributeFailSafe("InlineLossDb", DoubleValue(0.0)));
    CHECK(l->SetAttributeFailSafe("InlineCrosstalkDb", DoubleValue(0.0))); // leakage as strong as the signal
    CHECK_NOTHROW(l->Validate());
    ns3::DoubleValue v;
    l->GetAttribute("InlineCrosstalkDb", v);
    CHECK(v.Get() == 0.0);
}
