#ifndef OFAB_PHOTONICS_MODEL_LINE_BUDGET_H
#define OFAB_PHOTONICS_MODEL_LINE_BUDGET_H

#include <cstdint>

namespace ofab
{

/// The state of one wavelength line of a photonic link after the budget is evaluated.
struct LineBudget
{
    uint32_t line = 0;
    double frequencyHz = 0;
    bool lit = false;              ///< its laser line is on (possibly degraded)
    bool locked = true;            ///< its rings are within their lock range
    bool usable = false;           ///< lit, locked and pre-FEC BER within threshold (raw BER <= TargetBer without FEC)
    double laserPowerDbm = 0;      ///< line power into the link (from the laser source)
    double chainLossDb = 0;        ///< laser -> detector loss of the '1' level, every element of the chain
    double rxPowerDbm = 0;         ///< average received optical power (P1 + P0) / 2
    double omaDbm = 0;             ///< optical modulation amplitude at the detector, P1 - P0
    double crosstalkDbm = 0;       ///< average power leaked in from the other lines through this line's drop ring
    double inlineCrosstalkDbm = 0; ///< average in-band power leaked in by inline elements (InlineCrosstalkDb)
    double q = 0;                  ///< Q factor (for PAM4: the worst of the three eyes)
    double preFecBer = 0.5;        ///< raw bit error ratio
    double codewordErrorProb = 1;  ///< P(one RS(544,514) codeword on this line alone is uncorrectable);
                                   ///< FEC off: P(any error in a codeword's 5140 payload bits)
    double marginDb =
        0; ///< uniform attenuation of every line that this line tolerates before its BER reaches the target
           ///< (negative: power it lacks; -infinity when dark, unlocked or under a noise floor)
};

} // namespace ofab

#endif
