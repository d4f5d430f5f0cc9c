#ifndef OFAB_PHOTONICS_MODEL_RECEIVER_MODEL_H
#define OFAB_PHOTONICS_MODEL_RECEIVER_MODEL_H

namespace ofab
{

/// What reaches one line's photodetector (optical powers in mW, leaked modulation as a current variance).
struct DetectorInput
{
    double p1Mw = 0;            ///< '1' level (top PAM4 level) of this line's own signal
    double p0Mw = 0;            ///< '0' level (bottom PAM4 level)
    double crosstalkMeanMw = 0; ///< mean power leaked in from the other lines
    double crosstalkVarA2 = 0;  ///< variance of the leaked modulation, as photocurrent (A^2)
};

/**
 * Gaussian-noise decision model of a direct-detection receiver, the part of PhotonicLink that turns
 * detector powers into Q and BER. Separate so the margin search and the tests can call it directly.
 *
 * Per level P (own signal, mW): sigma^2 = thermal^2 + 2 q (R (P + Pxt) + Id) B + RIN (R P)^2 B + var_xt.
 * NRZ: Q = R (P1 - P0) / (sigma1 + sigma0). PAM4: levels P0 + k (P1 - P0) / 3, one Q per eye,
 * BER = (1/8) sum erfc(Q_k / sqrt 2) (Gray coding, one bit error per symbol error).
 */
struct ReceiverModel
{
    double responsivityAPerW = 0.8;
    double thermalNoiseA = 2e-6; ///< rms input-referred current, independent of the bandwidth
    double darkCurrentA = 10e-9;
    double rinPerHz = 0;    ///< linear RIN density (1/Hz)
    double bandwidthHz = 1; ///< noise bandwidth for shot and RIN
    bool pam4 = false;

    struct Result
    {
        double q = 0;     ///< NRZ Q, or the worst PAM4 eye's Q
        double ber = 0.5; ///< bit error ratio
    };

    /// Q and BER when every optical power reaching the detector is attenuated by `attenuationDb`.
    Result Evaluate(const DetectorInput& in, double attenuationDb = 0.0) const;

    /**
     * Uniform attenuation (dB; negative when the line needs more power) at which the BER reaches
     * `targetBer`, found by bisection to 1e-6 dB. -infinity when no power achieves the target (a
     * noise floor set by RIN or crosstalk), +infinity when the target is >= 0.5.
     */
    double MarginDb(const DetectorInput& in, double targetBer) const;

  private:
    double LevelSigmaA(double levelMw, double crosstalkMeanMw, double crosstalkVarA2) const;
};

} // namespace ofab

#endif
