#ifndef OFAB_FABRIC_OBSERVE_FAULT_LINK_LOG_H
#define OFAB_FABRIC_OBSERVE_FAULT_LINK_LOG_H

#include "ofab/fabric/faults/fault-injector.h"
#include "ofab/fabric/observe/recovery-metrics.h"

#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/**
 * Which links each fault took down, and until when: what a failed transaction is blamed on
 * (ComputeFaultRecovery). The injector reports a link entering the failed set before the fault that
 * caused it, at the same instant; a link already down (held by an earlier fault) is not news, so
 * it stays the earlier fault's. Faults are kept in the order the injector fired them (repairs aside).
 */
class FaultLinkLog
{
  public:
    FaultLinkLog() = default;
    ~FaultLinkLog();
    FaultLinkLog(const FaultLinkLog&) = delete;
    FaultLinkLog& operator=(const FaultLinkLog&) = delete;

    /// Connects to the injector's Fault and LinkFailed traces (null: nothing to watch).
    void Watch(ns3::Ptr<FaultInjector> faults);
    /// Disconnects (the injector outlives the observer that owns this log).
    void Unwatch();
    /// One input per fault so far, links still down at `endNs` running to it; no T_reroute yet.
    std::vector<FaultInput> Inputs(double endNs) const;

  private:
    void OnLinkFailed(uint32_t link, bool failed);
    void OnFault(ns3::Time time, FaultKind kind, const std::string& element, const std::string& detail, bool isRepair);

    struct Down
    {
        uint32_t link;
        double fromNs;
        double toNs; ///< negative while down
    };

    ns3::Ptr<FaultInjector> m_faults;
    std::vector<uint32_t> m_pending; ///< links that failed at m_pendingNs, not yet claimed by a fault
    double m_pendingNs = -1;
    std::vector<double> m_atNs;            ///< per fault
    std::vector<std::vector<Down>> m_down; ///< per fault
};

} // namespace ofab

#endif
