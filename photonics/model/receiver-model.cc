#include "ofab/photonics/model/receiver-model.h"

#include "ofab/photonics/model/optics-math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ofab
{

double
ReceiverModel::LevelSigmaA(double levelMw, double crosstalkMeanMw, double crosstalkVarA2) const
{
    const double signalA = responsivityAPerW * levelMw * 1e-3;
    const double totalA = responsivityAPerW * (levelMw + crosstalkMeanMw) * 1e-3;
    const double shot = 2.0 * optics::kElementaryChargeC * (totalA + darkCurrentA) * bandwidthHz;
    const double rin = rinPerHz * signalA * signalA * bandwidthHz;
    return std::sqrt(thermalNoiseA * thermalNoiseA + shot + rin + crosstalkVarA2);
}

ReceiverModel::Result
ReceiverModel::Evaluate(const DetectorInput& in, double attenuationDb) const
{
    const double g = std::pow(10.0, -attenuationDb / 10.0);
    const double p1 = in.p1Mw * g;
    const double p0 = in.p0Mw * g;
    const double xtMean = in.crosstalkMeanMw * g;
    const double xtVar = in.crosstalkVarA2 * g * g;
    Result r;
    if (!(p1 > p0) || !std::isfinite(p1))
    {
        return r; // no eye: Q 0, BER 1/2
    }
    if (!pam4)
    {
        const double s1 = LevelSigmaA(p1, xtMean, xtVar);
        const double s0 = LevelSigmaA(p0, xtMean, xtVar);
        r.q = responsivityAPerW * (p1 - p0) * 1e-3 / (s1 + s0);
        r.ber = optics::NrzBerFromQ(r.q);
        return r;
    }
    const double step = (p1 - p0) / 3.0;
    double sigma[4];
    for (int k = 0; k < 4; ++k)
    {
        sigma[k] = LevelSigmaA(p0 + k * step, xtMean, xtVar);
    }
    double q[3];
    for (int k = 0; k < 3; ++k)
    {
        q[k] = responsivityAPerW * step * 1e-3 / (sigma[k] + sigma[k + 1]);
    }
    r.q = std::min({q[0], q[1], q[2]});
    r.ber = optics::Pam4BerFromEyeQs(q[0], q[1], q[2]);
    return r;
}

double
ReceiverModel::MarginDb(const DetectorInput& in, double targetBer) const
{
    constexpr double kInf = std::numeric_limits<double>::infinity();
    constexpr double kReachDb = 400.0; // far beyond any optical budget in either direction
    if (!(targetBer < 0.5))
    {
        return kInf;
    }
    if (!(in.p1Mw > in.p0Mw))
    {
        return -kInf;
    }
    // BER rises monotonically with attenuation: bracket the crossing, then bisect.
    double lo;
    double hi;
    if (Evaluate(in, 0.0).ber <= targetBer)
    {
        lo = 0.0;
        hi = 1.0;
        while (Evaluate(in, hi).ber <= targetBer)
        {
            lo = hi;
            hi *= 2.0;
            if (hi > kReachDb)
            {
                return kInf;
            }
        }
    }
    else
    {
        hi = 0.0;
        lo = -1.0;
        while (Evaluate(in, lo).ber > targetBer)
        {
            hi = lo;
            lo *= 2.0;
            if (lo < -kReachDb)
            {
                return -kInf; // a noise floor (RIN, crosstalk) no power can beat
            }
        }
    }
    while (hi - lo > 1e-6)
    {
        const double mid = 0.5 * (lo + hi);
        (Evaluate(in, mid).ber <= targetBer ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

} // namespace ofab
