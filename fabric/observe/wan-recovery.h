#ifndef OFAB_FABRIC_OBSERVE_WAN_RECOVERY_H
#define OFAB_FABRIC_OBSERVE_WAN_RECOVERY_H

// T_recover95 and the other per-fault recovery figures (recovery-metrics.h) for the failures of a
// wide-area network, from its delivered-throughput series: the definition the fabric's faults are
// measured with, applied to cross-site traffic.

#include "ofab/fabric/observe/recovery-metrics.h"
#include "ofab/fabric/regional/wide-area-network.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace ofab
{

struct WanRecoveryOptions
{
    /// One ordered site pair's series (from, to); absent: every pair summed (CrossSiteThroughputGbps).
    std::optional<std::pair<uint32_t, uint32_t>> sitePair;
    /// The shortest span of the run that must follow a recovery instant (RecoveryInputs::windowBins);
    /// rounded up to whole bins, at least one.
    ns3::Time hold = ns3::MilliSeconds(1);
    /// The pre-fault mean over this span before each failure (0: since the previous one or the start).
    ns3::Time reference = ns3::Seconds(0);
};

/**
 * One FaultRecovery per failure of `wan` (in order; kind and element from its record), computed up to
 * now by ComputeFaultRecovery over the network's ThroughputBin series. The fault's T_reroute, before
 * which no recovery is taken once the failure hurt traffic, is when forwarding was whole again at
 * either layer: the earlier of the 1+1 switch-over (T_protect, when it switched a lightpath) and the
 * gateways' reroute (T_reroute); T_detect is the optical alarm's. Failed transfers and messages count
 * as failed transactions (issued at their start, failed at their end); none completes as a latency
 * sample, so the latency windows stay empty.
 */
std::vector<FaultRecovery> WanRecovery(const WideAreaNetwork& wan, const WanRecoveryOptions& options = {});

} // namespace ofab

#endif
