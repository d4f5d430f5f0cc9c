#ifndef OFAB_PHOTONICS_MODEL_LONG_HAUL_OPTICS_H
#define OFAB_PHOTONICS_MODEL_LONG_HAUL_OPTICS_H

// The long-haul (wide-area) optical layer between sites: amplified fibre spans, ROADM passes and
// coherent transceivers, as closed forms (README.md, "Long-haul lightpaths"). A lightpath is a
// wavelength from an add ROADM over one or more amplified fibre routes, through express ROADMs, to
// a drop ROADM; its OSNR is the launch power over the ASE noise of every amplifier on the way.
//
// Plain structs (no ns-3 state): a lightpath's budget is computed once per routing decision, not per
// frame, and the planner above (fabric/regional) reads them from YAML. Units are in every name.

#include <string>
#include <vector>

namespace ofab
{

namespace optics
{

constexpr double kPlanckJs = 6.62607015e-34;
/// OSNR is quoted in a 0.1 nm reference bandwidth: 12.5 GHz at 1550 nm.
constexpr double kOsnrReferenceBandwidthHz = 12.5e9;
/// The usable C-band of a DWDM line system (~1530-1565 nm).
constexpr double kCBandWidthGhz = 4800;

/// ASE power of one amplifier in the reference bandwidth: NF h nu G B_ref (linear NF and G), in mW.
double AsePowerMw(double noiseFigureDb, double gainDb, double frequencyHz,
                  double bandwidthHz = kOsnrReferenceBandwidthHz);

/// The rule of thumb for N equal spans: 58 + P_ch - L_span - NF - 10 log10(N), in dB (0.1 nm).
double RuleOfThumbOsnrDb(double launchPowerDbm, double spanLossDb, double noiseFigureDb, unsigned spans);

/// SNR per symbol of a dual-polarisation signal at `symbolRateBaud` from OSNR in 0.1 nm:
/// SNR = OSNR x 12.5 GHz / Rs (linear in, linear out).
double SnrFromOsnr(double osnrLinear, double symbolRateBaud);

/// Gray-coded square 16-QAM: BER = (3/8) erfc(sqrt(SNR / 10)), SNR linear per symbol.
double Qam16BerFromSnr(double snrLinear);
/// Gray-coded QPSK: BER = 0.5 erfc(sqrt(SNR / 2)), SNR linear per symbol.
double QpskBerFromSnr(double snrLinear);

/// Group delay of fibre, us per km: group index / c (1.468 gives 4.897 us/km).
double FibreDelayUsPerKm(double groupIndex);

} // namespace optics

enum class CoherentModulation
{
    DpQpsk,
    Dp16Qam
};

const char* ToString(CoherentModulation m); ///< "dp-qpsk", "dp-16qam"

/// The amplified line system every fibre route of a mesh shares.
struct LineSystemSpec
{
    double fibreLossDbPerKm = 0.2;      ///< standard single-mode fibre at 1550 nm
    double amplifierSpacingKm = 80;     ///< a route of L km has ceil(L / spacing) equal spans
    double amplifierNoiseFigureDb = 5;  ///< EDFA noise figure (every amplifier, spans and ROADMs)
    double roadmPassLossDb = 6;         ///< wavelength-selective switch loss per ROADM pass, made good by an amplifier
    double groupIndex = 1.468;          ///< propagation: groupIndex / c per metre
    double carrierFrequencyThz = 193.4; ///< nu in h nu of the ASE (1550.1 nm)

    /// Throws ParameterError naming the field (e.g. "AmplifierSpacingKm") for a value out of its domain.
    void Validate() const;
};

/// A coherent pluggable: modulation, symbol rate, grid slot and what it needs to close. The defaults
/// are the 400zr preset (README.md, "Long-haul lightpaths", for the sources).
struct TransceiverSpec
{
    std::string kind = "400zr";
    CoherentModulation modulation = CoherentModulation::Dp16Qam;
    double rateGbps = 400;
    double symbolRateGbaud = 59.84;
    double slotWidthGhz = 75;
    double launchPowerDbm = 0;           ///< per channel, into every span (amplifiers restore it)
    double preFecBerThreshold = 1.22e-2; ///< a lightpath closes when its BER is at or below this (400ZR's CFEC)
    /// SNR the real module loses against the ideal closed form: 400ZR's published ~26 dB OSNR
    /// tolerance minus the closed form's 20.39 dB at its threshold; assumed the same for the other presets.
    double implementationPenaltyDb = 5.6;

    /// The preset called `kind`: 400zr, 800g or 200g_qpsk; ParameterError("Kind", ...) listing them otherwise.
    static TransceiverSpec Preset(const std::string& kind);
    static std::vector<std::string> PresetNames();

    /// Throws ParameterError naming the field for a value out of its domain.
    void Validate() const;
    /// Channels of this slot width that fit the C-band (64 at 75 GHz, 32 at 150 GHz).
    unsigned MaxWavelengthsPerFibre() const;
    /// Pre-FEC BER at a given OSNR (linear, 0.1 nm), after the implementation penalty.
    double BerAtOsnr(double osnrLinear) const;
    /// The OSNR (dB, 0.1 nm) at which the BER equals the threshold, found by bisection to 1e-9 dB.
    double RequiredOsnrDb() const;
};

/// One fibre route of a lightpath's path, between two ROADMs.
struct RouteLeg
{
    double lengthKm = 0;
};

/// What a lightpath's light meets, end to end, and whether it closes.
struct LightpathBudget
{
    double lengthKm = 0;
    unsigned spans = 0;       ///< amplified spans over all routes
    unsigned roadmPasses = 0; ///< add + express + drop
    double signalPowerMw = 0;
    double asePowerMw = 0; ///< summed over every amplifier, in 0.1 nm
    double osnrDb = 0;     ///< in 0.1 nm
    double snrDb = 0;      ///< per symbol, after the implementation penalty
    double ber = 0.5;      ///< pre-FEC
    double requiredOsnrDb = 0;
    double marginDb = 0;  ///< osnrDb - requiredOsnrDb
    bool closes = false;  ///< ber <= preFecBerThreshold
    double latencyMs = 0; ///< one way, fibre propagation only
};

/**
 * The budget of a lightpath over `legs` (routes in path order) through `legs.size() + 1` ROADMs:
 * every route is split into ceil(L / spacing) equal spans, each followed by an amplifier whose gain
 * is the span's loss; every ROADM pass (add, each express node, drop) loses roadmPassLossDb, made
 * good by an amplifier. OSNR = P_ch / sum of every amplifier's NF h nu G B_ref.
 * Throws ParameterError for an invalid spec or a leg of zero or negative length.
 */
LightpathBudget EvaluateLightpath(const std::vector<RouteLeg>& legs, const LineSystemSpec& line,
                                  const TransceiverSpec& transceiver);

} // namespace ofab

#endif
