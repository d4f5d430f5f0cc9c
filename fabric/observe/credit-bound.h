#ifndef OFAB_FABRIC_OBSERVE_CREDIT_BOUND_H
#define OFAB_FABRIC_OBSERVE_CREDIT_BOUND_H

#include "ofab/fabric/assembly/fabric.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// Port time lost to one kind of credit: how long transmitters idled for want of it.
struct CreditBound
{
    uint8_t vc = 0;
    std::string creditClass; ///< "request command", "response command", "request data", "response data"
    double idleNs = 0;       ///< summed over ports
    double share = 0;        ///< idleNs / (ports x run time): the share of all port time
    uint32_t ports = 0;      ///< ports that idled for it at all
};

/// Share of port time above which a run counts as credit-bound for that credit (`ofab run` says so).
constexpr double kCreditBoundShare = 0.01;

/**
 * Every (VC, credit class) for which some port's transmitter had no TL message it could send while a
 * ready one waited for that credit (UalinkPort::GetCreditIdleTicks), over `runNs` of every port of
 * `fabric`. Nonzero entries only, VC then class order. A run whose links idle this way is limited by
 * its buffers (credit round trip x rate), not by its links.
 */
std::vector<CreditBound> MeasureCreditBound(const Fabric& fabric, double runNs);

} // namespace ofab

#endif
