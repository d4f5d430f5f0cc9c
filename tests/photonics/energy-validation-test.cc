// Energy per bit by hand, and parameter validation (ParameterError naming the attribute).

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/helper/photonic-link-helper.h"
#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/photonic-link.h"

#include "photonics-test-util.h"

#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace ofab;
using ns3::DoubleValue;
using ns3::UintegerValue;

namespace
{
/// Runs fn and returns the attribute a ParameterError named ("" when nothing was thrown).
template <class Fn>
std::string
FailingAttribute(Fn&& fn)
{
    try
    {
        fn();
    }
    catch (const ParameterError& e)
    {
        CHECK_FALSE(e.Message().empty());
        CHECK(std::string(e.what()).find(e.Attribute()) == 0);
        return e.Attribute();
    }
    return "";
}

std::string
LaserValidateFails(const std::string& name, const ns3::AttributeValue& value)
{
    auto s = ns3::CreateObject<LaserSource>();
    REQUIRE(s->SetAttributeFailSafe(name, value));
    return FailingAttribute([&] { s->Validate(); });
}

std::string
LinkValidateFails(const std::string& name, const ns3::AttributeValue& value)
{
    auto l = ns3::CreateObject<PhotonicLink>();
    REQUIRE(l->SetAttributeFailSafe(name, value));
    return FailingAttribute([&] { l->Validate(); });
}
} // namespace

TEST_CASE("energy per bit: laser / wall-plug + ring heaters over capacity, plus electronics", "[energy]")
{
    auto source = test::MakeSource(8);
    auto link = test::MakeLink(source);
    double opticalMw = 0;
    for (int i = 0; i < 8; ++i)
    {
        opticalMw += std::pow(10.0, (3.0 + 0.5 - i / 7.0) / 10.0);
    }
    const double laserW = opticalMw * 1e-3 / 0.2; // wall-plug efficiency 20 %
    const double heatersW = 8 * 2 * 0.5e-3;       // two rings per line at 0.5 mW
    const double expected = (laserW + heatersW) / 800e9 * 1e12 + 4.5;
    CHECK(link->GetEnergyPerBitPj() == Approx(expected).epsilon(1e-12));
    // Near the ~5 pJ/bit of optical I/O chiplets, and the laser share is a fraction of a pJ.
    CHECK(link->GetEnergyPerBitPj() > 4.5);
    CHECK(link->GetEnergyPerBitPj() < 5.0);

    // Two lines dark: their light is no longer drawn, the heaters still hold every ring.
    source->FailLine(0);
    source->FailLine(7);
    const double opticalNowMw = opticalMw - std::pow(10.0, 3.5 / 10.0) - std::pow(10.0, 2.5 / 10.0);
    CHECK(link->GetEnergyPerBitPj() ==
          Approx((opticalNowMw * 1e-3 / 0.2 + heatersW) / 600e9 * 1e12 + 4.5).epsilon(1e-12));

    source->FailAll();
    CHECK(std::isinf(link->GetEnergyPerBitPj()));
}

TEST_CASE("a shared source bills each port its share", "[energy]")
{
    auto shared = test::MakeSource(8);
    shared->SetAttribute("PortCount", UintegerValue(4));
    auto own = test::MakeSource(8);
    CHECK(shared->GetElectricalPowerW() == Approx(4 * own->GetElectricalPowerW()).epsilon(1e-12));
    CHECK(test::MakeLink(shared)->GetEnergyPerBitPj() ==
          Approx(test::MakeLink(own)->GetEnergyPerBitPj()).epsilon(1e-12));
}

TEST_CASE("defaults validate", "[validation]")
{
    CHECK_NOTHROW(ns3::CreateObject<LaserSource>()->Validate());
    CHECK_NOTHROW(ns3::CreateObject<PhotonicLink>()->Validate());
    auto s = ns3::CreateObject<LaserSource>();
    CHECK(s->GetLineCount() == 8);
    CHECK(s->GetLineFrequencyHz(0) == Approx(228.8e12 - 3.5 * 200e9));
}

TEST_CASE("Validate names the attribute holding an impossible value", "[validation]")
{
    CHECK(LaserValidateFails("LineCount", UintegerValue(0)) == "LineCount");
    CHECK(LaserValidateFails("PortCount", UintegerValue(0)) == "PortCount");
    CHECK(LaserValidateFails("SpacingGhz", DoubleValue(0.0)) == "SpacingGhz");
    CHECK(LaserValidateFails("SpacingGhz", DoubleValue(70e3)) == "SpacingGhz"); // 8 lines 70 THz apart: below 0 Hz
    CHECK(LaserValidateFails("WallPlugEfficiency", DoubleValue(0.0)) == "WallPlugEfficiency");
    CHECK(LaserValidateFails("CentreFrequencyThz", DoubleValue(0.0)) == "CentreFrequencyThz");

    CHECK(LinkValidateFails("ExtinctionRatioDb", DoubleValue(0.0)) == "ExtinctionRatioDb");
    CHECK(LinkValidateFails("ResponsivityAPerW", DoubleValue(0.0)) == "ResponsivityAPerW");
    CHECK(LinkValidateFails("RingQ", DoubleValue(0.0)) == "RingQ");
    CHECK(LinkValidateFails("LineRateGbps", DoubleValue(0.0)) == "LineRateGbps");
    CHECK(LinkValidateFails("NoiseBandwidthRatio", DoubleValue(0.0)) == "NoiseBandwidthRatio");
    CHECK(LinkValidateFails("PropagationDelayNsPerM", DoubleValue(3.0)) ==
          "PropagationDelayNsPerM"); // faster than light
    CHECK(LinkValidateFails("PreFecBerThreshold", DoubleValue(0.0)) == "PreFecBerThreshold");
    CHECK(LinkValidateFails("TargetBer", DoubleValue(0.5)) == "TargetBer");
    CHECK(LinkValidateFails("RinDbPerHz", DoubleValue(0.0)) == "RinDbPerHz");
}

TEST_CASE("values outside an attribute's domain are refused, by the checker and by the helper", "[validation]")
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // ns-3 refuses them at the checker, so the object never holds them...
    auto s = ns3::CreateObject<LaserSource>();
    CHECK_FALSE(s->SetAttributeFailSafe("WallPlugEfficiency", DoubleValue(1.5)));
    CHECK_FALSE(s->SetAttributeFailSafe("LinePowerDbm", DoubleValue(nan)));
    CHECK_FALSE(s->SetAttributeFailSafe("SpacingGhz", DoubleValue(-200.0)));
    CHECK_NOTHROW(s->Validate());
    auto l = ns3::CreateObject<PhotonicLink>();
    CHECK_FALSE(l->SetAttributeFailSafe("FibreLengthM", DoubleValue(-1.0)));
    CHECK_FALSE(l->SetAttributeFailSafe("FecLatency", ns3::TimeValue(ns3::NanoSeconds(-5))));
    CHECK_NOTHROW(l->Validate());

    // ...and the helper turns the refusal into a ParameterError instead of ns-3's fatal error.
    PhotonicLinkHelper h;
    CHECK(FailingAttribute([&] { h.SetLaserAttribute("WallPlugEfficiency", DoubleValue(1.5)); }) ==
          "WallPlugEfficiency");
    CHECK(FailingAttribute([&] { h.SetLaserAttribute("LinePowerDbm", DoubleValue(nan)); }) == "LinePowerDbm");
    CHECK(FailingAttribute([&] { h.SetLaserAttribute("SpacingGhz", DoubleValue(-200.0)); }) == "SpacingGhz");
    CHECK(FailingAttribute([&] { h.SetLinkAttribute("FibreLengthM", DoubleValue(-1.0)); }) == "FibreLengthM");
    CHECK(FailingAttribute([&] { h.SetLinkAttribute("FibreLenghtM", DoubleValue(1.0)); }) == "FibreLenghtM");

    // Values in the domain but not workable surface when the helper creates the object.
    h.SetLaserAttribute("LineCount", UintegerValue(0));
    CHECK(FailingAttribute([&] { h.CreateLaserSource(); }) == "LineCount");
    PhotonicLinkHelper h2;
    h2.SetLinkAttribute("ExtinctionRatioDb", DoubleValue(0.0));
    CHECK(FailingAttribute([&] { h2.CreateLink(h2.CreateLaserSource()); }) == "ExtinctionRatioDb");
    CHECK(FailingAttribute([&] { PhotonicLinkHelper().CreateLink(nullptr); }) == "LaserSource");
}
