#include "ofab/fabric/observe/recovery-metrics.h"

#include <algorithm>
#include <cmath>

namespace ofab
{

namespace
{
/// Nearest rank: the smallest value with at least p of the samples at or below it.
double
Rank(const std::vector<double>& sorted, double p)
{
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

LatencyWindow
Window(const RecoveryInputs& in, double from, double to)
{
    std::vector<double> v;
    for (std::size_t i = 0; i < in.completionNs.size(); ++i)
    {
        if (in.completionNs[i] >= from && in.completionNs[i] < to)
        {
            v.push_back(in.latencyNs[i]);
        }
    }
    return Percentiles(std::move(v));
}
} // namespace

LatencyWindow
Percentiles(std::vector<double> values)
{
    LatencyWindow w;
    w.count = values.size();
    if (values.empty())
    {
        return w;
    }
    std::sort(values.begin(), values.end());
    w.p50 = Rank(values, 0.50);
    w.p99 = Rank(values, 0.99);
    w.p999 = Rank(values, 0.999);
    return w;
}

std::vector<FaultRecovery>
ComputeRecovery(const RecoveryInputs& in, const std::vector<double>& faultNs)
{
    std::vector<FaultRecovery> out;
    const std::size_t bins = in.throughputGbps.size();
    for (std::size_t f = 0; f < faultNs.size(); ++f)
    {
        FaultRecovery r;
        r.faultNs = faultNs[f];
        const double windowEnd = f + 1 < faultNs.size() ? faultNs[f + 1] : in.endNs;
        // Bins wholly between the previous fault (or the start) and this one, from the first that
        // carried anything (the warm-up).
        const double previous = f > 0 ? faultNs[f - 1] : 0.0;
        const auto faultBin = static_cast<std::size_t>(std::floor(r.faultNs / in.binNs));
        std::size_t first = static_cast<std::size_t>(std::ceil(previous / in.binNs));
        while (first < faultBin && first < bins && in.throughputGbps[first] <= 0)
        {
            ++first;
        }
        if (in.referenceBins > 0 && faultBin > in.referenceBins)
        {
            first = std::max(first, faultBin - in.referenceBins);
        }
        double sum = 0;
        for (std::size_t b = first; b < faultBin && b < bins; ++b)
        {
            sum += in.throughputGbps[b];
        }
        r.preFaultGbps = faultBin > first ? sum / static_cast<double>(faultBin - first) : 0;

        // Recovery: the first bin from which the mean over every later full window, up to the
        // fault window's end, is >= 95 % of before. Only full windows count: a window cut short by
        // the end of the run would judge a permanent loss by a few bins of noise.
        const auto lastBin = std::min(bins, static_cast<std::size_t>(std::ceil(windowEnd / in.binNs)));
        const std::size_t w = std::max<std::size_t>(1, in.windowBins);
        auto windowed = [&](std::size_t b) {
            double total = 0;
            for (std::size_t i = b; i < b + w; ++i)
            {
                total += in.throughputGbps[i];
            }
            return total / static_cast<double>(w);
        };
        std::optional<std::size_t> recovered;
        if (r.preFaultGbps > 0 && lastBin >= w)
        {
            for (std::size_t b = lastBin - w + 1; b-- > faultBin;)
            {
                if (windowed(b) < 0.95 * r.preFaultGbps)
                {
                    break;
                }
                recovered = b;
            }
        }
        const double recoveryNs = recovered ? static_cast<double>(*recovered) * in.binNs : windowEnd;
        if (recovered)
        {
            r.recover95Ns = std::max(0.0, recoveryNs - r.faultNs);
        }
        double lostGbit = 0; // Gb/s x ns = bits
        for (std::size_t b = faultBin; b < lastBin && static_cast<double>(b) * in.binNs < recoveryNs; ++b)
        {
            lostGbit += std::max(0.0, r.preFaultGbps - in.throughputGbps[b]) * in.binNs;
        }
        r.lossConvergenceNs = r.preFaultGbps > 0 ? lostGbit / r.preFaultGbps : 0;
        for (double t : in.failureNs)
        {
            r.failedTransactions += t >= r.faultNs && t < windowEnd;
        }
        for (double t : in.retryNs)
        {
            r.retriedTransactions += t >= r.faultNs && t < windowEnd;
        }
        r.before = Window(in, previous, r.faultNs);
        r.during = Window(in, r.faultNs, recoveryNs);
        r.after = Window(in, recoveryNs, windowEnd);
        out.push_back(r);
    }
    return out;
}

} // namespace ofab
