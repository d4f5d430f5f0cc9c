#ifndef OFAB_PHOTONICS_MODEL_OPTICS_MATH_H
#define OFAB_PHOTONICS_MODEL_OPTICS_MATH_H

#include <cstdint>
#include <vector>

/**
 * Closed forms of the optical physical layer, free of ns-3 so they can be checked in isolation.
 * Units are in every name: dBm, mW, Hz, dB. Probabilities are plain doubles in [0, 1].
 */
namespace ofab::optics
{

constexpr double kElementaryChargeC = 1.602176634e-19;
constexpr double kSpeedOfLightMPerS = 299792458.0;

/// The RS(544,514) "KP4" code of 800G Ethernet / UALink-style links: 10-bit symbols, t = 15.
constexpr unsigned kRsCodewordSymbols = 544;
constexpr unsigned kRsDataSymbols = 514;
constexpr unsigned kRsCorrectableSymbols = 15;
constexpr unsigned kRsSymbolBits = 10;
constexpr unsigned kRsPayloadBits = kRsDataSymbols * kRsSymbolBits; ///< 5140 data bits per codeword

double DbmToMw(double dbm);
double MwToDbm(double mw); ///< -infinity for 0 mW
double DbToLinear(double db);
double LinearToDb(double ratio);

/// NRZ bit error ratio for a Gaussian eye: BER = 0.5 erfc(Q / sqrt 2).
double NrzBerFromQ(double q);

/// Q that gives the NRZ bit error ratio `ber` (inverse of NrzBerFromQ), for ber in (0, 0.5).
double QFromNrzBer(double ber);

/**
 * PAM4 bit error ratio with Gray coding when all three eyes have the same per-eye Q:
 * BER = (3/4) * 0.5 erfc(Q / sqrt 2). For a thermal-limited receiver with total optical modulation
 * amplitude OMA and noise sigma this is (3/8) erfc(OMA / (6 sqrt2 sigma)).
 */
double Pam4BerFromQ(double q);

/// PAM4 with per-eye Q values (lower, middle, upper eye): BER = (1/8) sum_k erfc(Q_k / sqrt 2).
double Pam4BerFromEyeQs(double qLower, double qMiddle, double qUpper);

/// Lorentzian drop response of a ring: T(df) = 1 / (1 + (2 df / FWHM)^2), FWHM = f0 / Q.
double LorentzianDrop(double detuningHz, double fwhmHz);

/// Probability that an m-bit symbol has at least one bit error: 1 - (1 - ber)^m.
double SymbolErrorProbability(double bitErrorRatio, unsigned bitsPerSymbol);

/**
 * Probability that a Reed-Solomon codeword of n symbols with independent symbol errors of
 * probability p has more than t symbol errors (uncorrectable): sum_{k=t+1}^{n} C(n,k) p^k (1-p)^(n-k),
 * summed over the upper tail in log space so that values down to 1e-300 keep their precision.
 */
double RsCodewordFailureProbability(double symbolErrorProb, unsigned n, unsigned t);

/**
 * Same, when the codeword's symbols are striped over several lines with different symbol error
 * probabilities: symbolsPerLine[i] symbols see symbolErrorProb[i] (exact Poisson-binomial tail).
 */
double StripedCodewordFailureProbability(const std::vector<unsigned>& symbolsPerLine,
                                         const std::vector<double>& symbolErrorProb, unsigned t);

} // namespace ofab::optics

#endif
