// Long-haul lightpath budgets against the closed forms written out here with their own constants.

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/long-haul-optics.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace ofab;

namespace
{

constexpr double kH = 6.62607015e-34; // J s
constexpr double kNu = 193.4e12;      // Hz
constexpr double kBref = 12.5e9;      // Hz

/// NF h nu G B in mW, from dB figures.
double
Ase(double nfDb, double gainDb)
{
    return std::pow(10.0, nfDb / 10) * kH * kNu * std::pow(10.0, gainDb / 10) * kBref * 1e3;
}

TransceiverSpec
Ideal400()
{
    TransceiverSpec t = TransceiverSpec::Preset("400zr");
    t.implementationPenaltyDb = 0;
    return t;
}

} // namespace

TEST_CASE("OSNR of equal spans is the ASE closed form and the 58 dB rule of thumb", "[long-haul]")
{
    LineSystemSpec line;
    line.roadmPassLossDb = 0; // no ROADM amplifiers: the rule of thumb counts spans only
    for (unsigned spans : {1u, 2u, 5u, 10u})
    {
        const std::vector<RouteLeg> legs{{80.0 * spans}};
        const LightpathBudget b = EvaluateLightpath(legs, line, Ideal400());
        CHECK(b.spans == spans);
        const double expectDb = 10 * std::log10(1.0 / (spans * Ase(5, 16)));
        CHECK(b.osnrDb == Approx(expectDb).margin(1e-9));
        const double thumb = 58 + 0 - 16 - 5 - 10 * std::log10(spans);
        CHECK(std::abs(b.osnrDb - thumb) < 0.1);
        CHECK(optics::RuleOfThumbOsnrDb(0, 16, 5, spans) == Approx(thumb));
    }
    // One 80 km span at 0 dBm: 58 - 16 - 5 = 37 dB by the thumb; 36.954 dB exactly (h nu B = -57.954 dBm).
    CHECK(EvaluateLightpath({{80}}, line, Ideal400()).osnrDb == Approx(36.954).margin(0.001));
}

TEST_CASE("ROADM passes add their amplifiers' noise, spans split by the amplifier spacing", "[long-haul]")
{
    const LineSystemSpec line; // 0.2 dB/km, 80 km, NF 5, 6 dB per pass
    const std::vector<RouteLeg> legs{{100}, {250}};
    const LightpathBudget b = EvaluateLightpath(legs, line, Ideal400());
    CHECK(b.spans == 2 + 4); // ceil(100/80) + ceil(250/80)
    CHECK(b.roadmPasses == 3);
    CHECK(b.lengthKm == Approx(350));
    const double ase = 2 * Ase(5, 50 * 0.2) + 4 * Ase(5, 62.5 * 0.2) + 3 * Ase(5, 6);
    CHECK(b.asePowerMw == Approx(ase).epsilon(1e-12));
    CHECK(b.osnrDb == Approx(10 * std::log10(1.0 / ase)).margin(1e-9));
    CHECK(EvaluateLightpath({{80}}, line, Ideal400()).spans == 1);
    CHECK(EvaluateLightpath({{80.5}}, line, Ideal400()).spans == 2);
    CHECK(EvaluateLightpath({{400}}, line, Ideal400()).spans == 5);
}

TEST_CASE("BER from OSNR: SNR = OSNR x 12.5 GHz / Rs, then the 16-QAM and QPSK closed forms", "[long-haul]")
{
    // 16-QAM at SNR 20: 3/8 erfc(sqrt 2) = 0.0170626; QPSK at SNR 4: 0.5 erfc(sqrt 2) = 0.0227501.
    CHECK(optics::Qam16BerFromSnr(20) == Approx(0.0170626).epsilon(1e-5));
    CHECK(optics::QpskBerFromSnr(4) == Approx(0.0227501).epsilon(1e-5));
    const LightpathBudget b = EvaluateLightpath({{640}}, LineSystemSpec{}, Ideal400());
    const double osnr = std::pow(10.0, b.osnrDb / 10);
    const double snr = osnr * 12.5 / 59.84;
    CHECK(b.snrDb == Approx(10 * std::log10(snr)).margin(1e-9));
    CHECK(b.ber == Approx(0.375 * std::erfc(std::sqrt(snr / 10))).epsilon(1e-12));

    TransceiverSpec qpsk = TransceiverSpec::Preset("200g_qpsk");
    const LightpathBudget q = EvaluateLightpath({{640}}, LineSystemSpec{}, qpsk);
    const double snrQ = osnr * 12.5 / 60.14 / std::pow(10.0, qpsk.implementationPenaltyDb / 10);
    CHECK(q.ber == Approx(0.5 * std::erfc(std::sqrt(snrQ / 2))).epsilon(1e-12));
    CHECK(q.ber < b.ber); // QPSK tolerates more noise than 16-QAM
}

TEST_CASE("The required OSNR reaches the FEC threshold, and 400ZR needs about 26 dB", "[long-haul]")
{
    const TransceiverSpec zr = TransceiverSpec::Preset("400zr");
    CHECK(zr.RequiredOsnrDb() == Approx(25.99).margin(0.01));
    CHECK(zr.BerAtOsnr(std::pow(10.0, zr.RequiredOsnrDb() / 10)) == Approx(zr.preFecBerThreshold).epsilon(1e-6));
    // Ideal 16-QAM at 59.84 GBd and 1.22e-2: 20.39 dB; 800G has twice the symbol rate: +2.96 dB.
    CHECK(Ideal400().RequiredOsnrDb() == Approx(20.390).margin(0.001));
    const TransceiverSpec g800 = TransceiverSpec::Preset("800g");
    CHECK(g800.RequiredOsnrDb() == Approx(28.068).margin(0.001));
    const LightpathBudget b = EvaluateLightpath({{160}}, LineSystemSpec{}, zr);
    CHECK(b.marginDb == Approx(b.osnrDb - zr.RequiredOsnrDb()).margin(1e-9));
    CHECK(b.closes);
}

TEST_CASE("A longer route fails to close where a shorter one closes", "[long-haul]")
{
    const TransceiverSpec t = TransceiverSpec::Preset("800g");
    const LightpathBudget near = EvaluateLightpath({{400}}, LineSystemSpec{}, t);
    const LightpathBudget far = EvaluateLightpath({{400}, {300}}, LineSystemSpec{}, t);
    CHECK(near.closes);
    CHECK(near.marginDb > 0);
    CHECK(near.ber <= t.preFecBerThreshold);
    CHECK_FALSE(far.closes);
    CHECK(far.marginDb < 0);
    CHECK(far.ber > t.preFecBerThreshold);
    // More launch power buys the margin back (ASE-limited: no nonlinear penalty is modelled).
    TransceiverSpec hot = t;
    hot.launchPowerDbm = 3;
    CHECK(EvaluateLightpath({{400}, {300}}, LineSystemSpec{}, hot).marginDb == Approx(far.marginDb + 3).margin(1e-9));
}

TEST_CASE("Propagation is 4.9 us per km from the group index", "[long-haul]")
{
    CHECK(optics::FibreDelayUsPerKm(1.468) == Approx(1.468 / 299792458.0 * 1e9).epsilon(1e-12));
    CHECK(optics::FibreDelayUsPerKm(1.468) == Approx(4.897).margin(0.001));
    const LightpathBudget b = EvaluateLightpath({{100}, {150}}, LineSystemSpec{}, Ideal400());
    CHECK(b.latencyMs == Approx(250 * 4.8967 / 1000).epsilon(1e-4));
}

TEST_CASE("Transceiver presets, the grid and bad parameters", "[long-haul]")
{
    CHECK(TransceiverSpec::Preset("400zr").MaxWavelengthsPerFibre() == 64);
    CHECK(TransceiverSpec::Preset("800g").MaxWavelengthsPerFibre() == 32);
    // A default-constructed spec is the 400zr preset: same threshold, penalty and requirement.
    CHECK(TransceiverSpec{}.preFecBerThreshold == 1.22e-2);
    CHECK(TransceiverSpec{}.RequiredOsnrDb() == TransceiverSpec::Preset("400zr").RequiredOsnrDb());
    CHECK(TransceiverSpec::Preset("800g").preFecBerThreshold == 2e-2);
    CHECK_THROWS_AS(TransceiverSpec::Preset("1.6t"), ParameterError);
    CHECK_THROWS_WITH(EvaluateLightpath({{-5}}, LineSystemSpec{}, Ideal400()), Catch::Contains("LengthKm"));
    CHECK_THROWS_AS(EvaluateLightpath({}, LineSystemSpec{}, Ideal400()), ParameterError);
    LineSystemSpec bad;
    bad.amplifierNoiseFigureDb = 2; // below the 3 dB quantum limit
    CHECK_THROWS_WITH(bad.Validate(), Catch::Contains("AmplifierNoiseFigureDb"));
    TransceiverSpec wide = Ideal400();
    wide.slotWidthGhz = 50; // narrower than its 59.84 GBd signal
    CHECK_THROWS_WITH(wide.Validate(), Catch::Contains("SlotWidthGhz"));
}
