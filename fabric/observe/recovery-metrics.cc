#include "ofab/fabric/observe/recovery-metrics.h"

#include <algorithm>
#include <cmath>
#include <map>

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

/// The bar recovery is measured against: 95 % of the rate before the fault.
constexpr double kLevel = 0.95;

/**
 * Delivered payload per bin against a line rising at a constant rate. Surplus(k) is what the
 * fabric delivered from the first edge to edge k less what the line asked for: a shortfall is how far
 * the surplus falls from an earlier value, whatever the traffic's troughs and phase.
 */
struct Series
{
    const std::vector<double>& gbps;
    double binNs;

    /// Surplus at each edge lo..hi, from 0 at lo (bits).
    std::vector<double> Surplus(std::size_t lo, std::size_t hi, double line) const
    {
        std::vector<double> d(hi - lo + 1, 0.0);
        for (std::size_t b = lo; b < hi; ++b)
        {
            d[b - lo + 1] = d[b - lo] + (gbps[b] - line) * binNs;
        }
        return d;
    }

    /// The largest fall of the surplus from an earlier edge to a later one in [lo, hi] (bits).
    double MaxShortfall(std::size_t lo, std::size_t hi, double line) const
    {
        double peak = 0;
        double worst = 0;
        for (double v : Surplus(lo, hi, line))
        {
            peak = std::max(peak, v);
            worst = std::max(worst, peak - v);
        }
        return worst;
    }

    /// The first edge k in [from, hi - hold] from which the surplus never falls more than
    /// `allowance` below its value at k, up to hi.
    std::optional<std::size_t> FirstSustained(std::size_t from, std::size_t hi, std::size_t hold, double line,
                                              double allowance) const
    {
        if (from + hold > hi)
        {
            return std::nullopt;
        }
        const std::vector<double> d = Surplus(from, hi, line);
        std::vector<double> lowest(d.size());
        double low = d.back();
        for (std::size_t k = d.size(); k-- > 0;)
        {
            low = std::min(low, d[k]);
            lowest[k] = low;
        }
        // Rounding only: the pre-fault series itself must pass against its own allowance.
        const double slack = allowance * 1e-9 + line * binNs * 1e-9;
        for (std::size_t k = 0; k + hold <= d.size() - 1; ++k)
        {
            if (d[k] - lowest[k] <= allowance + slack)
            {
                return from + k;
            }
        }
        return std::nullopt;
    }

    /// From edge k the surplus never falls more than `allowance` up to hi.
    bool Holds(std::size_t k, std::size_t hi, double line, double allowance) const
    {
        const std::vector<double> d = Surplus(k, hi, line);
        return d.front() - *std::min_element(d.begin(), d.end()) <= allowance * (1 + 1e-9) + line * binNs * 1e-9;
    }

    double Mean(std::size_t lo, std::size_t hi) const
    {
        double sum = 0;
        for (std::size_t b = lo; b < hi; ++b)
        {
            sum += gbps[b];
        }
        return hi > lo ? sum / static_cast<double>(hi - lo) : 0;
    }
};

/**
 * The fault each failed transaction is blamed on (-1: none). Suspects: the faults, at or before its
 * end, with a link down at some time while it lived (a fault whose links are unknown is always a
 * suspect). Of those, the first it was exposed to (in flight at the fault, or issued before the
 * fault's T_reroute, or while its link was down without a controller): a transaction lost to one
 * fault is no longer there for the next, though it ends only at its completion timeout, which
 * blaming by end time credits to whatever fault came last. Else (issued after the reroute, to a
 * destination the fault left unreachable) the latest suspect.
 */
std::vector<int>
AttributeFailures(const RecoveryInputs& in, const std::vector<FaultInput>& faults)
{
    std::vector<int> blame(in.failureNs.size(), -1);
    for (std::size_t j = 0; j < in.failureNs.size(); ++j)
    {
        const double end = in.failureNs[j];
        const double issue = in.failureIssueNs.empty() ? end : in.failureIssueNs[j];
        int exposedTo = -1;
        int suspect = -1;
        for (std::size_t f = 0; f < faults.size() && faults[f].atNs <= end; ++f)
        {
            const FaultInput& x = faults[f];
            bool down = !x.linksDown;
            for (const auto& [from, to] : x.linksDown.value_or(std::vector<std::pair<double, double>>{}))
            {
                down = down || (from <= end && to >= issue);
            }
            if (!down)
            {
                continue;
            }
            suspect = static_cast<int>(f);
            const bool routesBroken = !x.rerouteNs || issue < x.atNs + *x.rerouteNs;
            if (exposedTo < 0 && (issue <= x.atNs || routesBroken))
            {
                exposedTo = static_cast<int>(f);
            }
        }
        blame[j] = exposedTo >= 0 ? exposedTo : suspect;
    }
    return blame;
}

/// A retried transaction is the failure that ended at its instant: it takes that failure's fault.
std::vector<int>
AttributeRetries(const RecoveryInputs& in, const std::vector<FaultInput>& faults, const std::vector<int>& blame)
{
    std::multimap<double, int> byEnd;
    for (std::size_t j = 0; j < in.failureNs.size(); ++j)
    {
        byEnd.emplace(in.failureNs[j], blame[j]);
    }
    std::vector<int> out;
    for (double t : in.retryNs)
    {
        // The workload and the observer convert the same instant to ns by different routes.
        const auto it = byEnd.lower_bound(t - 1e-3);
        if (it != byEnd.end() && it->first <= t + 1e-3)
        {
            out.push_back(it->second);
            byEnd.erase(it);
            continue;
        }
        int latest = -1;
        for (std::size_t f = 0; f < faults.size() && faults[f].atNs <= t; ++f)
        {
            latest = static_cast<int>(f);
        }
        out.push_back(latest);
    }
    return out;
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
    std::vector<FaultInput> faults;
    for (double t : faultNs)
    {
        FaultInput f;
        f.atNs = t;
        faults.push_back(f);
    }
    return ComputeFaultRecovery(in, faults);
}

std::vector<FaultRecovery>
ComputeFaultRecovery(const RecoveryInputs& in, const std::vector<FaultInput>& faults)
{
    std::vector<FaultRecovery> out;
    const std::vector<int> blame = AttributeFailures(in, faults);
    const std::vector<int> retryBlame = AttributeRetries(in, faults, blame);
    const std::size_t bins = in.throughputGbps.size();
    for (std::size_t f = 0; f < faults.size(); ++f)
    {
        FaultRecovery r;
        r.faultNs = faults[f].atNs;
        const double windowEnd = f + 1 < faults.size() ? faults[f + 1].atNs : in.endNs;
        const double previous = f > 0 ? faults[f - 1].atNs : 0.0;
        for (int b : blame)
        {
            r.failedTransactions += b == static_cast<int>(f);
        }
        for (int b : retryBlame)
        {
            r.retriedTransactions += b == static_cast<int>(f);
        }
        // Bins wholly between the previous fault (or the start) and this one, past the warm-up:
        // from the first that carried anything, then from the first that reached the mean of the
        // rest (a start-up ramp is no trough of the workload, and would widen the noise allowance).
        const Series s{in.throughputGbps, in.binNs};
        const auto faultBin = std::min(bins, static_cast<std::size_t>(std::floor(r.faultNs / in.binNs)));
        std::size_t first = std::min(faultBin, static_cast<std::size_t>(std::ceil(previous / in.binNs)));
        while (first < faultBin && in.throughputGbps[first] <= 0)
        {
            ++first;
        }
        for (const double mean = s.Mean(first, faultBin); first < faultBin && in.throughputGbps[first] < mean;)
        {
            ++first;
        }
        if (in.referenceBins > 0 && faultBin > in.referenceBins)
        {
            first = std::max(first, faultBin - in.referenceBins);
        }
        r.preFaultGbps = s.Mean(first, faultBin);
        const auto lastBin = std::min(bins, static_cast<std::size_t>(std::ceil(windowEnd / in.binNs)));

        std::optional<double> recoveryNs;
        if (r.preFaultGbps > 0 && lastBin > faultBin)
        {
            const double line = kLevel * r.preFaultGbps;
            const double allowance = s.MaxShortfall(first, faultBin, line);
            r.noiseAllowanceNs = allowance / r.preFaultGbps;
            // A fabric at 90 % falls behind the 95 % line by 5 % of the rate: over this span, by
            // more than the allowance. A shorter hold could call a lasting 90 % a recovery.
            const auto hold = std::max<std::size_t>(
                std::max<std::size_t>(1, in.windowBins),
                static_cast<std::size_t>(std::ceil(allowance / ((1 - kLevel) * r.preFaultGbps * in.binNs))));
            r.holdNs = static_cast<double>(hold) * in.binNs;
            // Not before the forwarding state is whole, once the fault hurt traffic (failed
            // transactions, or delivery behind the line from the fault on).
            std::size_t from = faultBin;
            const bool hurt = r.failedTransactions > 0 || !s.Holds(faultBin, lastBin, line, allowance);
            if (hurt && faults[f].rerouteNs)
            {
                from = static_cast<std::size_t>(std::ceil((r.faultNs + *faults[f].rerouteNs) / in.binNs - 1e-9));
            }
            const std::optional<std::size_t> recovered = s.FirstSustained(from, lastBin, hold, line, allowance);
            if (recovered)
            {
                recoveryNs = static_cast<double>(*recovered) * in.binNs;
                r.recover95Ns = std::max(0.0, *recoveryNs - r.faultNs);
                r.settledNs = r.recover95Ns;
            }
            else if (const std::size_t half = faultBin + (lastBin - faultBin) / 2; half < lastBin)
            {
                r.degradedTo = s.Mean(half, lastBin) / r.preFaultGbps;
                const double level = kLevel * std::min(1.0, *r.degradedTo) * r.preFaultGbps;
                if (const auto settled = s.FirstSustained(from, lastBin, hold, level, allowance))
                {
                    recoveryNs = static_cast<double>(*settled) * in.binNs;
                    r.settledNs = std::max(0.0, *recoveryNs - r.faultNs);
                }
            }
        }
        // Loss runs to the recovery, or to the window's end when capacity stayed lost.
        const double endOfLoss = r.recover95Ns ? *recoveryNs : windowEnd;
        double lostGbit = 0; // Gb/s x ns = bits
        for (std::size_t b = faultBin; b < lastBin && static_cast<double>(b) * in.binNs < endOfLoss; ++b)
        {
            lostGbit += std::max(0.0, r.preFaultGbps - in.throughputGbps[b]) * in.binNs;
        }
        r.lossConvergenceNs = r.preFaultGbps > 0 ? lostGbit / r.preFaultGbps : 0;
        r.before = Window(in, previous, r.faultNs);
        const double settled = recoveryNs.value_or(windowEnd);
        r.during = Window(in, r.faultNs, settled);
        r.after = Window(in, settled, windowEnd);
        out.push_back(r);
    }
    return out;
}

} // namespace ofab
