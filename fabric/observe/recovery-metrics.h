#ifndef OFAB_FABRIC_OBSERVE_RECOVERY_METRICS_H
#define OFAB_FABRIC_OBSERVE_RECOVERY_METRICS_H

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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
 * the project's resilience reference, made precise in fabric/README.md, "Recovery metrics"):
 *   T_recover95: fault -> the first bin edge t, not before T_reroute when the fault hurt traffic,
 *                from which the fabric's delivered payload never again falls behind a line rising at
 *                95 % of the pre-fault rate from t by more than the noise allowance, up to the next
 *                fault or the end of the run, and at least a hold's span of the run is left after t
 *                (absent when there is no such t). The allowance is the largest shortfall below that
 *                same line the fabric showed before the fault (its troughs and noise): the undisturbed
 *                fabric passes the test at every instant, so only the fault can fail it, and a
 *                collective that resumes out of phase is not judged by where its troughs fall. The
 *                hold is the window (`windowBins`) or, when longer, the span over which a fabric at
 *                90 % of the pre-fault rate falls behind by more than the allowance;
 *   degraded_to: when there is no T_recover95, the delivered rate over the last half of the fault's
 *                window / the pre-fault rate (capacity lost for good); t_settled: T_recover95, or when
 *                degraded the same test against 95 % of the degraded level;
 *   loss-derived convergence: bytes not delivered (below the pre-fault mean) from the fault to the
 *                recovery, divided by the pre-fault rate (RFC 6413 style);
 *   failed: transactions that failed because of this fault: among the faults whose links were down
 *                while a transaction lived, the first that it was exposed to (in flight at the fault,
 *                or issued before T_reroute, or while the link stayed down without one), else the
 *                latest of them; a fault that took no link down (a degraded line) fails none; retried:
 *                those of them a workload issued again;
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
    std::optional<double> degradedTo;  ///< not recovered: the level it ended at, a fraction of before
    std::optional<double> settledNs;   ///< from the fault: back to 95 % of before, or of the degraded level
    double noiseAllowanceNs = 0;       ///< the pre-fault shortfall tolerated, in ns of pre-fault traffic
    double holdNs = 0;                 ///< span of the run that must follow a recovery instant
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
    std::size_t windowBins = 1;    ///< the shortest hold after a recovery instant, in bins (>= 1)
    std::size_t referenceBins = 0; ///< pre-fault mean over this many bins before it (0: since the previous fault)
    /// Per bin: payload delivered by the transactions completed in it. Delivered, not carried on the
    /// links: a detour carries the same traffic over more hops, which would look like extra throughput.
    std::vector<double> throughputGbps;
    std::vector<double> completionNs;   ///< per completed transaction, in completion order
    std::vector<double> latencyNs;      ///< same order
    std::vector<double> failureNs;      ///< end time of every failed transaction
    std::vector<double> failureIssueNs; ///< issue time of each (same order; empty: taken as the end)
    std::vector<double> retryNs;        ///< when each retried transaction failed (and was retried)
    double endNs = 0;                   ///< end of the run
};

/// One fault, as the computation needs it.
struct FaultInput
{
    double atNs = 0;
    /// [down, up) of each link the fault took down (up: the end of the run when it stayed down).
    /// Absent when unknown: the fault is then a suspect of every failure after it.
    std::optional<std::vector<std::pair<double, double>>> linksDown;
    std::optional<double> rerouteNs; ///< T_reroute from the fault (the controller's), when known
};

/// One FaultRecovery per fault (ascending times); a fault's window ends at the next fault or the run's end.
std::vector<FaultRecovery> ComputeFaultRecovery(const RecoveryInputs& in, const std::vector<FaultInput>& faults);
/// The same with fault times only (no link or controller knowledge: every fault a suspect).
std::vector<FaultRecovery> ComputeRecovery(const RecoveryInputs& in, const std::vector<double>& faultNs);

/// Nearest-rank percentile of unsorted values (copies them).
LatencyWindow Percentiles(std::vector<double> values);

} // namespace ofab

#endif
