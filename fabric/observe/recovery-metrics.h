#ifndef OFAB_FABRIC_OBSERVE_RECOVERY_METRICS_H
#define OFAB_FABRIC_OBSERVE_RECOVERY_METRICS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ofab
{

/// Latency percentiles of the transactions completing inside one interval (ns; 0 when none did).
struct LatencyWindow
{
    uint64_t count = 0;
    double p50 = 0;
    double p99 = 0;
    double p999 = 0;
};

/**
 * How the fabric came through one fault, measured the same way for every design (definitions from
 * the project's resilience reference):
 *   T_recover95: fault -> the first bin edge after which the fabric's delivered throughput (payload
 *                of completed transactions), averaged over a window of `windowBins` bins starting
 *                there, stays at or above 95 % of its mean before the fault, up to the next fault or
 *                the end of the run (absent when it never does). "Before": since the previous fault
 *                or the start, or the last `referenceBins` bins when set (a workload that changes by
 *                itself, like a collective that ends, needs a reference just before the fault). The window smooths the
 *                burstiness of the traffic: make it long against the arrival process;
 *   loss-derived convergence: bytes not delivered (below the pre-fault mean) from the fault to the
 *                recovery, divided by the pre-fault rate (RFC 6413 style);
 *   failed: transactions that ended failed inside the fault's window; retried: those of them a
 *                workload issued again;
 *   latency before (since the previous fault, or the start), during (fault -> recovery) and after
 *   (recovery -> the next fault or the end).
 */
struct FaultRecovery
{
    double faultNs = 0;
    std::string kind;
    std::string element;
    double preFaultGbps = 0;           ///< mean delivered throughput before the fault
    std::optional<double> recover95Ns; ///< T_recover95, from the fault
    double lossConvergenceNs = 0;
    uint64_t failedTransactions = 0;
    uint64_t retriedTransactions = 0; ///< failed ones a workload issued again (collective retries)
    LatencyWindow before;
    LatencyWindow during;
    LatencyWindow after;
    // From the reroute controller (absent without one; see IncidentRecord in incident-log.h).
    bool linkChange = false;           ///< the fault changed a link the controller watches
    std::optional<double> detectNs;    ///< T_detect
    std::optional<double> rerouteNs;   ///< T_reroute: forwarding state changed everywhere needed
    std::optional<double> optimisedNs; ///< the global re-optimisation committed (global, hybrid)
    uint32_t routersUpdated = 0;
    uint64_t partitionedPairs = 0;
    std::vector<std::string> partitionExamples;
    uint32_t unprotected = 0; ///< entries local repair found no alternate for
};

/// What a run recorded, for the computation.
struct RecoveryInputs
{
    double binNs = 0;
    std::size_t windowBins = 1;    ///< the T_recover95 averaging window, in bins (>= 1)
    std::size_t referenceBins = 0; ///< pre-fault mean over this many bins before it (0: since the previous fault)
    /// Per bin: payload delivered by the transactions completed in it. Delivered, not carried on the
    /// links: a detour carries the same traffic over more hops, which would look like extra throughput.
    std::vector<double> throughputGbps;
    std::vector<double> completionNs; ///< per completed transaction, in completion order
    std::vector<double> latencyNs;    ///< same order
    std::vector<double> failureNs;    ///< end time of every failed transaction
    std::vector<double> retryNs;      ///< when each retried transaction failed (and was retried)
    double endNs = 0;                 ///< end of the run
};

/// One FaultRecovery per fault time (ascending); a fault's window ends at the next fault or the run's end.
std::vector<FaultRecovery> ComputeRecovery(const RecoveryInputs& in, const std::vector<double>& faultNs);

/// Nearest-rank percentile of unsorted values (copies them).
LatencyWindow Percentiles(std::vector<double> values);

} // namespace ofab

#endif
