#ifndef OFAB_FABRIC_CONTROL_EXTERNAL_REROUTE_H
#define OFAB_FABRIC_CONTROL_EXTERNAL_REROUTE_H

#include "ofab/fabric/control/external-route-source.h"
#include "ofab/fabric/control/global-reroute.h"

#include "ns3/event-id.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// What handles an incident the external controller did not answer validly in time.
enum class FallbackPolicy : uint8_t
{
    Oracle,
    Local,
    Global,
    Hybrid,
};

const char* ToString(FallbackPolicy p);

/**
 * `policy: external`: each notification round (the same instant as a global round would start) is
 * sent as an ExternalEvent to an ExternalRouteSource (the controller a client of `ofab serve` runs).
 * Its reply, route entries on top of the tables in force, is modelled to reach the fabric at the
 * event's time + its compute time (the reply may give one, else ComputeTime); it is validated
 * (CheckTables: known nodes and ports, every reachable pair reaches, no loop, no dead link; and, with
 * ExternalRefuseDeadlockRisk, no credit loop) and installed like a global round: every router at
 * reply + ControlLatency + InstallTime + 2 x ControlLatency. No controller, a rejected reply, or no
 * reply within ExternalTimeout (simulated) hands the incident to the Fallback policy, with an
 * /events row saying why.
 */
class ExternalReroute : public GlobalReroute
{
  public:
    static ns3::TypeId GetTypeId();
    ExternalReroute();
    const char* GetPolicyName() const override { return "external"; }
    bool InstallsPlannedRoutes() const override { return false; }

    /// Where the events go (not owned; null: none, every event falls back).
    void SetExternalRouteSource(ExternalRouteSource* source) { m_external = source; }
    /**
     * The external controller's routes for event `event`, modelled to take `computeTime` of simulated
     * time (negative: ComputeTime). Validated at once: returns "" when accepted (the install is
     * scheduled), else why it was refused; a refused reply for the event being awaited hands the
     * incident to the Fallback policy.
     */
    std::string DeliverExternalRoutes(uint64_t event, const std::vector<ExternalRouteEntry>& entries,
                                      ns3::Time computeTime);
    /// The event awaiting an external reply (0: none).
    uint64_t PendingExternalEvent() const { return m_pendingEvent; }
    ns3::Time GetExternalTimeout() const { return m_timeout; }
    FallbackPolicy GetFallback() const { return static_cast<FallbackPolicy>(m_fallback); }

  protected:
    void DoDispose() override;
    /// Sends the round's incidents to the external controller (instead of planning them).
    void StartRound() override;

  private:
    void OnTimeout(uint64_t event);
    /// Hands the round's incidents to the Fallback policy now, saying why.
    void Fallback(const std::string& why);
    /// The reply's entries onto a copy of the tables in force; "" or the first bad entry.
    std::string ApplyEntries(const std::vector<ExternalRouteEntry>& entries,
                             std::vector<ForwardingTable>& tables) const;
    /// Why a reply's tables may not be installed ("" when they may).
    std::string CheckReply(const std::vector<ExternalRouteEntry>& entries, const std::vector<ForwardingTable>& tables,
                           const topo::LinkMask& mask) const;

    // attributes
    ns3::Time m_timeout;
    bool m_refuseDeadlockRisk;
    int m_fallback; ///< FallbackPolicy (ns-3 3.37 enum attributes are int)

    ExternalRouteSource* m_external = nullptr;
    uint64_t m_eventsSent = 0;   ///< events sent (ids 1..)
    uint64_t m_pendingEvent = 0; ///< the event awaiting its reply (0: none)
    ns3::Time m_sentAt;          ///< when it reached the controller
    ns3::EventId m_timeoutEvent;
};

} // namespace ofab

#endif
