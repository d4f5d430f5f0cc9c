#include "ofab/photonics/model/optics-math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ofab::optics
{

namespace
{
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt2Pi = 2.50662827463100050242;
constexpr double kInf = std::numeric_limits<double>::infinity();

/// log of the binomial probability C(n,k) p^k (1-p)^(n-k); -inf when it is exactly zero.
double
LogBinomialPmf(unsigned n, unsigned k, double p)
{
    if (k > n)
    {
        return -kInf;
    }
    if (p <= 0.0)
    {
        return k == 0 ? 0.0 : -kInf;
    }
    if (p >= 1.0)
    {
        return k == n ? 0.0 : -kInf;
    }
    const double logChoose = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
    return logChoose + k * std::log(p) + (n - k) * std::log1p(-p);
}

/// log(exp(a) + exp(b)) without overflow or loss when one side is far below the other.
double
LogAdd(double a, double b)
{
    if (a == -kInf)
    {
        return b;
    }
    if (b == -kInf)
    {
        return a;
    }
    const double hi = std::max(a, b);
    return hi + std::log1p(std::exp(std::min(a, b) - hi));
}

/// log P(X > t) for X ~ Binomial(n, p), summed over the upper tail.
double
LogBinomialUpperTail(unsigned n, double p, unsigned t)
{
    double acc = -kInf;
    for (unsigned k = t + 1; k <= n; ++k)
    {
        const double term = LogBinomialPmf(n, k, p);
        acc = LogAdd(acc, term);
        // Far beyond the mode the terms fall geometrically: stop once they no longer count.
        if (k > n * p + 1 && term < acc - 40.0)
        {
            break;
        }
    }
    return acc;
}
} // namespace

double
DbToLinear(double db)
{
    return std::pow(10.0, db / 10.0);
}

double
DbmToMw(double dbm)
{
    return DbToLinear(dbm); // dBm is dB relative to 1 mW
}

double
MwToDbm(double mw)
{
    return LinearToDb(mw); // -infinity for 0 mW; NaN for a negative power, which is not a power
}

double
LinearToDb(double ratio)
{
    if (ratio == 0.0)
    {
        return -kInf;
    }
    return 10.0 * std::log10(ratio);
}

double
NrzBerFromQ(double q)
{
    return 0.5 * std::erfc(q / kSqrt2);
}

double
QFromNrzBer(double ber)
{
    if (!(ber < 0.5))
    {
        return 0.0;
    }
    if (!(ber > 0.0))
    {
        return kInf;
    }
    // Bisection brackets the root; Newton on log(BER) then polishes it to full precision.
    const double target = std::log(ber);
    double lo = 0.0;
    double hi = 40.0; // 0.5 erfc(40/sqrt2) ~ 1e-350, below any representable target
    for (int i = 0; i < 60; ++i)
    {
        const double mid = 0.5 * (lo + hi);
        (std::log(NrzBerFromQ(mid)) > target ? lo : hi) = mid;
    }
    double q = 0.5 * (lo + hi);
    for (int i = 0; i < 3; ++i)
    {
        const double b = NrzBerFromQ(q);
        if (!(b > 0.0))
        {
            break;
        }
        // d/dq log(BER) = -phi(q) / BER, phi the standard normal density
        const double dlog = -std::exp(-0.5 * q * q) / kSqrt2Pi / b;
        const double step = (std::log(b) - target) / dlog;
        if (!std::isfinite(step))
        {
            break;
        }
        q -= step;
    }
    return q;
}

double
Pam4BerFromQ(double q)
{
    return 0.75 * NrzBerFromQ(q);
}

double
Pam4BerFromEyeQs(double qLower, double qMiddle, double qUpper)
{
    return 0.125 * (std::erfc(qLower / kSqrt2) + std::erfc(qMiddle / kSqrt2) + std::erfc(qUpper / kSqrt2));
}

double
LorentzianDrop(double detuningHz, double fwhmHz)
{
    const double x = 2.0 * detuningHz / fwhmHz;
    return 1.0 / (1.0 + x * x);
}

double
SymbolErrorProbability(double bitErrorRatio, unsigned bitsPerSymbol)
{
    if (bitErrorRatio >= 1.0)
    {
        return bitsPerSymbol > 0 ? 1.0 : 0.0;
    }
    // 1 - (1 - ber)^m without the cancellation that loses small ber
    return -std::expm1(bitsPerSymbol * std::log1p(-bitErrorRatio));
}

double
RsCodewordFailureProbability(double symbolErrorProb, unsigned n, unsigned t)
{
    if (t >= n || symbolErrorProb <= 0.0)
    {
        return 0.0;
    }
    if (symbolErrorProb >= 1.0)
    {
        return 1.0;
    }
    return std::min(1.0, std::exp(LogBinomialUpperTail(n, symbolErrorProb, t)));
}

double
StripedCodewordFailureProbability(const std::vector<unsigned>& symbolsPerLine,
                                  const std::vector<double>& symbolErrorProb, unsigned t)
{
    // Poisson-binomial tail by convolving the lines one at a time. low[k] holds
    // log P(exactly k errors so far) for k <= t; logTail accumulates log P(more than t errors).
    // Every term added is positive, so a tail of 1e-30 keeps its precision (no 1 - sum).
    // Called when a link's budget is recomputed, never per frame: plain vectors are fine.
    const std::size_t lines = std::min(symbolsPerLine.size(), symbolErrorProb.size());
    std::vector<double> low(t + 1, -kInf);
    std::vector<double> nxt(t + 1, -kInf);
    low[0] = 0.0;
    double logTail = -kInf;
    std::vector<double> pmf(t + 1);  // log P(this line has exactly j errors), j <= t
    std::vector<double> over(t + 1); // log P(this line has more than m errors), m <= t
    for (std::size_t i = 0; i < lines; ++i)
    {
        const unsigned n = symbolsPerLine[i];
        const double p = std::clamp(symbolErrorProb[i], 0.0, 1.0);
        if (n == 0 || p == 0.0)
        {
            continue;
        }
        for (unsigned j = 0; j <= t; ++j)
        {
            pmf[j] = LogBinomialPmf(n, j, p);
        }
        // Upper tails from the top down, each the one above plus one positive pmf term.
        over[t] = LogBinomialUpperTail(n, p, t);
        for (unsigned m = t; m-- > 0;)
        {
            over[m] = LogAdd(over[m + 1], pmf[m + 1]);
        }
        // The tail grows from paths already past t (kept) and from k <= t plus this line's > t-k.
        double newTail = logTail;
        for (unsigned k = 0; k <= t; ++k)
        {
            if (low[k] != -kInf)
            {
                newTail = LogAdd(newTail, low[k] + over[t - k]);
            }
        }
        for (unsigned k = 0; k <= t; ++k)
        {
            double acc = -kInf;
            for (unsigned j = 0; j <= k; ++j)
            {
                if (low[k - j] != -kInf && pmf[j] != -kInf)
                {
                    acc = LogAdd(acc, low[k - j] + pmf[j]);
                }
            }
            nxt[k] = acc;
        }
        low.swap(nxt);
        logTail = newTail;
    }
    return std::min(1.0, std::exp(logTail));
}

} // namespace ofab::optics
