// Link files: the shipped ones evaluate to sensible links, and bad values point at their key.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/link-spec.h"

#include <catch2/catch.hpp>

namespace
{

ofab::LinkSpec
Build(const std::string& file, const std::vector<std::string>& overrides = {})
{
    ofab::ConfigDocument doc = ofab::ConfigDocument::Load(file);
    for (const auto& o : overrides)
    {
        doc.ApplyOverride(o);
    }
    return ofab::BuildLinkSpec(doc, doc.Root(), "");
}

std::string
ErrorOf(const std::string& text)
{
    try
    {
        auto doc = ofab::ConfigDocument::Parse(text, "bad-link.yaml");
        ofab::BuildLinkSpec(doc, doc.Root(), "");
    }
    catch (const ofab::ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("the shipped co-packaged link carries 800 Gb/s on 8 usable lines", "[links]")
{
    const auto spec = Build("experiments/links/cpo-8lambda.yaml");
    CHECK(spec.link->GetLineCount() == 8);
    CHECK(spec.link->GetUsableLineCount() == 8);
    CHECK(spec.link->GetCapacityBps() == Approx(800e9));
    CHECK(spec.link->GetSerializationTime(640) == ns3::PicoSeconds(6400));
    // Every line keeps at least the 2-3 dB system margin the reference asks for.
    for (const auto& b : spec.link->GetLineBudgets())
    {
        CHECK(b.marginDb > 3.0);
        CHECK(b.preFecBer < 2.4e-4);
    }
    // Optical I/O chiplets land near 5 pJ/bit.
    CHECK(spec.link->GetEnergyPerBitPj() == Approx(5.0).margin(1.0));
}

TEST_CASE("the shipped external-laser link is PAM4 on 16 lines fed by a 16-port source", "[links]")
{
    const auto spec = Build("experiments/links/ext-laser-16lambda.yaml");
    CHECK(spec.laser->GetPortCount() == 16);
    CHECK(spec.link->GetLineCount() == 16);
    CHECK(spec.link->GetUsableLineCount() == 16);
    CHECK(spec.link->GetCapacityBps() == Approx(800e9));
    CHECK(spec.Resolved()["link"]["modulation"].Scalar() == "PAM4");
}

TEST_CASE("a link file override changes the budget the way the chain says", "[links]")
{
    const auto base = Build("experiments/links/cpo-8lambda.yaml");
    // 10 km more fibre at 0.35 dB/km costs 3.5 dB on every line.
    const auto longer = Build("experiments/links/cpo-8lambda.yaml", {"link.fibre_length_m=10002"});
    const auto& a = base.link->GetLineBudgets();
    const auto& b = longer.link->GetLineBudgets();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        CHECK(a[i].rxPowerDbm - b[i].rxPowerDbm == Approx(3.5).margin(1e-9));
    }
    CHECK(longer.link->GetPropagationDelay() == ns3::NanoSeconds(50010));
}

TEST_CASE("bad link parameters name the key and the line", "[links]")
{
    CHECK_THAT(ErrorOf("laser:\n  line_count: 0\n"), Catch::StartsWith("bad-link.yaml:2:15: key 'laser.line_count'"));
    CHECK_THAT(ErrorOf("laser:\n  spacing_ghz: 0\n"), Catch::StartsWith("bad-link.yaml:2:16: key 'laser.spacing_ghz'"));
    CHECK_THAT(ErrorOf("laser:\n  spacing_ghz: -50\n"), Catch::Contains("laser.spacing_ghz"));
    CHECK_THAT(ErrorOf("link:\n  fibre_length_m: -2\n"),
               Catch::StartsWith("bad-link.yaml:2:19: key 'link.fibre_length_m'"));
    CHECK_THAT(ErrorOf("laser:\n  line_power_dbm: .nan\n"), Catch::Contains("laser.line_power_dbm"));
    CHECK_THAT(ErrorOf("laser:\n  wall_plug_efficiency: 1.5\n"), Catch::Contains("laser.wall_plug_efficiency"));
    CHECK_THAT(ErrorOf("lazer:\n  line_count: 8\n"), Catch::Contains("did you mean 'laser'"));
    CHECK_THAT(ErrorOf("link:\n  modulation: QAM16\n"), Catch::Contains("one of NRZ or PAM4"));
}
