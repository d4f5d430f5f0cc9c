#ifndef OFAB_TESTS_PHOTONICS_HAND_RECEIVER_H
#define OFAB_TESTS_PHOTONICS_HAND_RECEIVER_H

// The receiver model of photonics/README.md ("Chain", "Noise", "BER", "Crosstalk") written out from
// its formulas, for the tests to compare the link's Q, BER and margin with. Nothing here calls the
// model: every loss, every noise term and the margin search are the documented closed forms. The
// defaults are the README's attribute table.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace ofab::test
{

struct HandLink
{
    // laser source
    unsigned lines = 8;
    double linePowerDbm = 3.0;
    double powerSpreadDb = 1.0;
    std::map<unsigned, double> degradeDb; ///< DegradeLine(i, dB)
    double centreHz = 228.8e12;
    double spacingHz = 200e9;
    // chain (dB)
    double laserCoupler = 1.5;
    double txWaveguide = 0.25 * 2.0; // 0.25 cm at 2 dB/cm
    double modulatorIl = 2.0;
    double ringThrough = 0.01;
    double mux = 0.0;
    double fibreCouplers = 2 * 1.5;
    double connectors = 2 * 0.2;
    double fibre = 2.0 / 1000.0 * 0.35; // 2 m at 0.35 dB/km
    double demux = 0.0;
    double rxWaveguide = 0.25 * 2.0;
    double drop = 1.0;
    double ringQ = 1e4;
    double extinctionDb = 6.0;
    // receiver
    double responsivity = 0.8; // A/W
    double thermalA = 2e-6;    // rms
    double darkA = 10e-9;
    double rinDbPerHz = -145.0;
    double bandwidthRatio = 0.5; // of the symbol rate
    double lineRateBps = 100e9;
    bool fec = true;
    bool pam4 = false;

    static constexpr double kQe = 1.602176634e-19;

    static double Mw(double dbm) { return std::pow(10.0, dbm / 10.0); }
    static double Lorentzian(double df, double fwhm) { return 1.0 / (1.0 + std::pow(2.0 * df / fwhm, 2)); }

    double LaserDbm(unsigned i) const
    {
        const double position = lines > 1 ? double(i) / (lines - 1) : 0.5;
        const auto d = degradeDb.find(i);
        return linePowerDbm + powerSpreadDb * (0.5 - position) - (d == degradeDb.end() ? 0.0 : d->second);
    }
    double FrequencyHz(unsigned i) const { return centreHz + (i - 0.5 * (lines - 1.0)) * spacingHz; }
    /// Share of line j that ring k (locked on line k) drops: the Lorentzian with FWHM f_k / Q.
    double X(unsigned k, unsigned j) const
    {
        return k == j ? 0.0 : Lorentzian(FrequencyHz(j) - FrequencyHz(k), FrequencyHz(k) / ringQ);
    }
    /// Laser to demux bus: everything before the drop rings, the other modulator rings included.
    double BusLossDb() const
    {
        return laserCoupler + txWaveguide + modulatorIl + (lines - 1.0) * ringThrough + mux + fibreCouplers +
               connectors + fibre + demux + rxWaveguide;
    }
    /// B = ratio x line rate x 544/514 (FEC) / bits per symbol.
    double BandwidthHz() const
    {
        return bandwidthRatio * lineRateBps * (fec ? 544.0 / 514.0 : 1.0) / (pam4 ? 2.0 : 1.0);
    }

    /// What line i's detector sees: levels and crosstalk mean (mW), crosstalk variance (A^2).
    struct Input
    {
        double p1 = 0;
        double p0 = 0;
        double xtMean = 0;
        double xtVar = 0;
    };
    Input InputOf(unsigned i) const
    {
        const double er = Mw(extinctionDb);
        double kept = 1.0; // rings before i pull their share of line i off the bus (-20 dB notch floor)
        for (unsigned k = 0; k < i; ++k)
        {
            kept *= 1.0 - 0.99 * X(k, i);
        }
        const double ringPathDb = i * ringThrough + drop;
        const double ringPath = Mw(-ringPathDb);
        Input in;
        in.p1 = Mw(LaserDbm(i) - BusLossDb() - ringPathDb) * kept;
        in.p0 = in.p1 / er;
        double mean = 0.0;
        double omaSq = 0.0;
        for (unsigned j = 0; j < lines; ++j)
        {
            const double bus1 = Mw(LaserDbm(j) - BusLossDb()); // every neighbour at full bus power
            mean += X(i, j) * bus1 * (1.0 + 1.0 / er) / 2.0;
            omaSq += std::pow(X(i, j) * bus1 * (1.0 - 1.0 / er), 2);
        }
        const double amp = responsivity * 1e-3; // A per mW
        in.xtMean = ringPath * mean;
        in.xtVar = amp * amp * ringPath * ringPath * (pam4 ? 5.0 / 36.0 : 0.25) * omaSq;
        return in;
    }

    /// sigma of a level P (mW): thermal, shot of everything detected, RIN of the own signal, crosstalk.
    double SigmaA(double p, double xtMean, double xtVar) const
    {
        const double b = BandwidthHz();
        const double signalA = responsivity * p * 1e-3;
        const double shot = 2.0 * kQe * (responsivity * (p + xtMean) * 1e-3 + darkA) * b;
        const double rin = std::pow(10.0, rinDbPerHz / 10.0) * signalA * signalA * b;
        return std::sqrt(thermalA * thermalA + shot + rin + xtVar);
    }

    struct Result
    {
        double q = 0; ///< NRZ Q, or the worst eye's
        double ber = 0.5;
        std::vector<double> eyeQ; ///< PAM4: lower, middle, upper eye
    };
    /// Q and BER of line i with every optical power attenuated by a dB.
    Result Evaluate(unsigned i, double a = 0.0) const
    {
        Input in = InputOf(i);
        const double g = Mw(-a);
        const double p1 = in.p1 * g;
        const double p0 = in.p0 * g;
        const double xm = in.xtMean * g;
        const double xv = in.xtVar * g * g;
        Result r;
        if (!pam4)
        {
            r.q = responsivity * (p1 - p0) * 1e-3 / (SigmaA(p1, xm, xv) + SigmaA(p0, xm, xv));
            r.ber = 0.5 * std::erfc(r.q / std::sqrt(2.0));
            r.eyeQ = {r.q};
            return r;
        }
        const double step = (p1 - p0) / 3.0;
        r.ber = 0.0;
        r.q = std::numeric_limits<double>::infinity();
        for (int k = 0; k < 3; ++k)
        {
            const double q =
                responsivity * step * 1e-3 / (SigmaA(p0 + k * step, xm, xv) + SigmaA(p0 + (k + 1) * step, xm, xv));
            r.eyeQ.push_back(q);
            r.q = std::min(r.q, q);
            r.ber += std::erfc(q / std::sqrt(2.0)) / 8.0; // Gray coding: (1/8) sum erfc(Q_k / sqrt 2)
        }
        return r;
    }

    /// Uniform attenuation at which line i's BER reaches `limit`, by bisection far below 1e-6 dB.
    double MarginDb(unsigned i, double limit) const
    {
        double lo = -100.0;
        double hi = 100.0;
        for (int n = 0; n < 100; ++n)
        {
            const double mid = 0.5 * (lo + hi);
            (Evaluate(i, mid).ber <= limit ? lo : hi) = mid;
        }
        return 0.5 * (lo + hi);
    }
};

} // namespace ofab::test

#endif
