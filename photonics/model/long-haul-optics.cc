#include "ofab/photonics/model/long-haul-optics.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/optics-math.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace ofab
{

namespace optics
{

double
AsePowerMw(double noiseFigureDb, double gainDb, double frequencyHz, double bandwidthHz)
{
    // NF h nu G B in W, times 1e3 for mW. The exact form is n_sp h nu (G - 1) B per polarisation;
    // with NF ~ 2 n_sp and G >> 1 it is NF h nu G B over both, the form the rule of thumb assumes.
    return DbToLinear(noiseFigureDb) * kPlanckJs * frequencyHz * DbToLinear(gainDb) * bandwidthHz * 1e3;
}

double
RuleOfThumbOsnrDb(double launchPowerDbm, double spanLossDb, double noiseFigureDb, unsigned spans)
{
    return 58.0 + launchPowerDbm - spanLossDb - noiseFigureDb - 10.0 * std::log10(static_cast<double>(spans));
}

double
SnrFromOsnr(double osnrLinear, double symbolRateBaud)
{
    return osnrLinear * kOsnrReferenceBandwidthHz / symbolRateBaud;
}

double
Qam16BerFromSnr(double snrLinear)
{
    return 0.375 * std::erfc(std::sqrt(snrLinear / 10.0));
}

double
QpskBerFromSnr(double snrLinear)
{
    return 0.5 * std::erfc(std::sqrt(snrLinear / 2.0));
}

double
FibreDelayUsPerKm(double groupIndex)
{
    return groupIndex / kSpeedOfLightMPerS * 1e3 * 1e6;
}

} // namespace optics

namespace
{

void
Require(bool ok, const char* field, const std::string& expected, double got)
{
    if (!ok)
    {
        std::ostringstream s;
        s << "expected " << expected << ", got " << got;
        throw ParameterError(field, s.str());
    }
}

} // namespace

const char*
ToString(CoherentModulation m)
{
    return m == CoherentModulation::DpQpsk ? "dp-qpsk" : "dp-16qam";
}

void
LineSystemSpec::Validate() const
{
    Require(std::isfinite(fibreLossDbPerKm) && fibreLossDbPerKm >= 0 && fibreLossDbPerKm <= 10, "FibreLossDbPerKm",
            "a loss from 0 to 10 dB/km", fibreLossDbPerKm);
    Require(std::isfinite(amplifierSpacingKm) && amplifierSpacingKm > 0 && amplifierSpacingKm <= 1000,
            "AmplifierSpacingKm", "a spacing above 0 and at most 1000 km", amplifierSpacingKm);
    Require(std::isfinite(amplifierNoiseFigureDb) && amplifierNoiseFigureDb >= 3 && amplifierNoiseFigureDb <= 20,
            "AmplifierNoiseFigureDb", "a noise figure from 3 dB (the quantum limit) to 20 dB", amplifierNoiseFigureDb);
    Require(std::isfinite(roadmPassLossDb) && roadmPassLossDb >= 0 && roadmPassLossDb <= 30, "RoadmPassLossDb",
            "a loss from 0 to 30 dB", roadmPassLossDb);
    Require(std::isfinite(groupIndex) && groupIndex >= 1 && groupIndex <= 3, "GroupIndex",
            "a group index from 1 (vacuum) to 3", groupIndex);
    Require(std::isfinite(carrierFrequencyThz) && carrierFrequencyThz >= 150 && carrierFrequencyThz <= 250,
            "CarrierFrequencyThz", "a frequency from 150 to 250 THz", carrierFrequencyThz);
}

std::vector<std::string>
TransceiverSpec::PresetNames()
{
    return {"400zr", "800g", "200g_qpsk"};
}

TransceiverSpec
TransceiverSpec::Preset(const std::string& kind)
{
    TransceiverSpec t; // the defaults are 400zr's
    t.kind = kind;
    if (kind == "400zr")
    {
        // OIF 400ZR: DP-16QAM at 59.84 GBd in a 75 GHz slot; its concatenated FEC (CFEC) corrects a
        // pre-FEC BER up to 1.22e-2.
        return t;
    }
    if (kind == "800g")
    {
        // 800G ZR-class: DP-16QAM at ~118.2 GBd in a 150 GHz slot, open FEC (oFEC) threshold 2e-2.
        t.rateGbps = 800;
        t.symbolRateGbaud = 118.2;
        t.slotWidthGhz = 150;
        t.preFecBerThreshold = 2e-2;
        return t;
    }
    if (kind == "200g_qpsk")
    {
        // OpenZR+ 200G mode: DP-QPSK at ~60.1 GBd in a 75 GHz slot, oFEC threshold 2e-2.
        t.modulation = CoherentModulation::DpQpsk;
        t.rateGbps = 200;
        t.symbolRateGbaud = 60.14;
        t.preFecBerThreshold = 2e-2;
        return t;
    }
    std::string names;
    for (const std::string& n : PresetNames())
    {
        names += (names.empty() ? "" : ", ") + n;
    }
    throw ParameterError("Kind", "expected one of " + names + ", got " + kind);
}

void
TransceiverSpec::Validate() const
{
    Require(std::isfinite(rateGbps) && rateGbps > 0 && rateGbps <= 10000, "RateGbps",
            "a rate above 0 and at most 10000 Gb/s", rateGbps);
    Require(std::isfinite(symbolRateGbaud) && symbolRateGbaud > 0 && symbolRateGbaud <= 1000, "SymbolRateGbaud",
            "a symbol rate above 0 and at most 1000 GBd", symbolRateGbaud);
    Require(std::isfinite(slotWidthGhz) && slotWidthGhz >= symbolRateGbaud && slotWidthGhz <= optics::kCBandWidthGhz,
            "SlotWidthGhz", "a slot at least the symbol rate wide and at most the C-band (4800 GHz)", slotWidthGhz);
    Require(std::isfinite(launchPowerDbm) && launchPowerDbm >= -30 && launchPowerDbm <= 20, "LaunchPowerDbm",
            "a launch power from -30 to 20 dBm per channel", launchPowerDbm);
    Require(std::isfinite(preFecBerThreshold) && preFecBerThreshold > 0 && preFecBerThreshold < 0.5,
            "PreFecBerThreshold", "a BER above 0 and below 0.5", preFecBerThreshold);
    Require(std::isfinite(implementationPenaltyDb) && implementationPenaltyDb >= 0 && implementationPenaltyDb <= 20,
            "ImplementationPenaltyDb", "a penalty from 0 to 20 dB", implementationPenaltyDb);
}

unsigned
TransceiverSpec::MaxWavelengthsPerFibre() const
{
    // A small epsilon so that 4800 / 75 is 64, not 63 after rounding.
    return static_cast<unsigned>(std::floor(optics::kCBandWidthGhz / slotWidthGhz + 1e-9));
}

double
TransceiverSpec::BerAtOsnr(double osnrLinear) const
{
    const double snr =
        optics::SnrFromOsnr(osnrLinear, symbolRateGbaud * 1e9) / optics::DbToLinear(implementationPenaltyDb);
    return modulation == CoherentModulation::Dp16Qam ? optics::Qam16BerFromSnr(snr) : optics::QpskBerFromSnr(snr);
}

double
TransceiverSpec::RequiredOsnrDb() const
{
    // BER falls monotonically with OSNR: bisect on dB. At -20 dB every format is at ~0.5 (above any
    // valid threshold); at 80 dB the BER underflows to 0.
    double lo = -20;
    double hi = 80;
    while (hi - lo > 1e-9)
    {
        const double mid = 0.5 * (lo + hi);
        (BerAtOsnr(optics::DbToLinear(mid)) > preFecBerThreshold ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

LightpathBudget
EvaluateLightpath(const std::vector<RouteLeg>& legs, const LineSystemSpec& line, const TransceiverSpec& transceiver)
{
    line.Validate();
    transceiver.Validate();
    if (legs.empty())
    {
        throw ParameterError("Legs", "expected at least one fibre route, got none");
    }
    const double nuHz = line.carrierFrequencyThz * 1e12;
    LightpathBudget b;
    for (const RouteLeg& leg : legs)
    {
        Require(std::isfinite(leg.lengthKm) && leg.lengthKm > 0, "LengthKm", "a route length above 0 km", leg.lengthKm);
        const auto spans = static_cast<unsigned>(std::ceil(leg.lengthKm / line.amplifierSpacingKm - 1e-12));
        const double spanLossDb = leg.lengthKm / spans * line.fibreLossDbPerKm;
        b.asePowerMw += spans * optics::AsePowerMw(line.amplifierNoiseFigureDb, spanLossDb, nuHz);
        b.spans += spans;
        b.lengthKm += leg.lengthKm;
    }
    b.roadmPasses = static_cast<unsigned>(legs.size()) + 1;
    if (line.roadmPassLossDb > 0)
    {
        // A pass that loses nothing needs no amplifier, and adds no noise.
        b.asePowerMw += b.roadmPasses * optics::AsePowerMw(line.amplifierNoiseFigureDb, line.roadmPassLossDb, nuHz);
    }
    b.signalPowerMw = optics::DbmToMw(transceiver.launchPowerDbm);
    const double osnr = b.signalPowerMw / b.asePowerMw;
    b.osnrDb = optics::LinearToDb(osnr);
    b.snrDb = optics::LinearToDb(optics::SnrFromOsnr(osnr, transceiver.symbolRateGbaud * 1e9)) -
              transceiver.implementationPenaltyDb;
    b.ber = transceiver.BerAtOsnr(osnr);
    b.requiredOsnrDb = transceiver.RequiredOsnrDb();
    b.marginDb = b.osnrDb - b.requiredOsnrDb;
    b.closes = b.ber <= transceiver.preFecBerThreshold;
    b.latencyMs = b.lengthKm * optics::FibreDelayUsPerKm(line.groupIndex) / 1e3;
    return b;
}

} // namespace ofab
