#ifndef OFAB_FABRIC_CONTROL_GLOBAL_REROUTE_H
#define OFAB_FABRIC_CONTROL_GLOBAL_REROUTE_H

#include "ofab/fabric/control/reroute-controller.h"

#include <string>
#include <vector>

namespace ofab
{

/**
 * `policy: global`: the end nodes tell the controller (ControlLatency); ComputeTime after the first
 * notification it plans every table for the links it knows to be down and the capacities it was
 * told (PlanRoutes: fault-tolerant dimension order on tori, weighted shortest paths elsewhere),
 * sends the changed entries to the routers that need them (ControlLatency + InstallTime, in
 * parallel), collects the acks (ControlLatency) and commits (ControlLatency): every router switches
 * at the same instant, so no packet meets a mix of old and new tables (no transient loop or black
 * hole). Notifications that arrive meanwhile start one more round when this one commits.
 *
 * The rounds are the base of the hybrid and external policies.
 */
class GlobalReroute : public RerouteController
{
  public:
    static ns3::TypeId GetTypeId();
    const char* GetPolicyName() const override { return "global"; }

  protected:
    void OnDetected(uint32_t link, LinkView seen, std::size_t incident) override;
    void OnRestoreDue(uint32_t link, std::size_t incident) override;
    /// Answers the notified incidents (m_pending): plans centrally (PlanRound).
    virtual void StartRound();

    /// The controller hears of a change that left the link `seen`.
    void Notify(uint32_t link, LinkView seen, std::size_t incident);
    /// Plans the tables for the links known now, commits them (CommitRound) after the round's delays.
    void PlanRound(const char* how);
    /// Every router switches to the round's plan now.
    void CommitRound();
    /// The round is over; the next starts at once when notifications are waiting.
    void EndRound();

    std::vector<std::size_t> m_pending;        ///< notified, waiting for the next round
    std::vector<std::size_t> m_roundIncidents; ///< the incidents the round in progress answers
    RoutePlan m_roundPlan;                     ///< its plan
    std::vector<LinkView> m_roundView;         ///< the link state its plan was computed for
    std::string m_roundHow;                    ///< how its install is labelled ("global", ...)
    bool m_roundRunning = false;
};

} // namespace ofab

#endif
