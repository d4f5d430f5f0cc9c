#ifndef OFAB_FABRIC_CONTROL_LOCAL_REROUTE_H
#define OFAB_FABRIC_CONTROL_LOCAL_REROUTE_H

#include "ofab/fabric/control/reroute-controller.h"

namespace ofab
{

/**
 * `policy: local`: the two end nodes of a dead link, after DetectionDelay + SwitchOverTime, replace
 * each entry that used the dead port by an equal-cost sibling or a loop-free alternate (the
 * switch-over of RerouteController). Destinations without one stay broken and are reported
 * unprotected; degradations are not acted on; no controller is involved. On a repair the end nodes
 * put back what they replaced, after the wait-to-restore.
 */
class LocalReroute : public RerouteController
{
  public:
    static ns3::TypeId GetTypeId();
    const char* GetPolicyName() const override { return "local"; }
    bool InstallsPlannedRoutes() const override { return false; }

  protected:
    void OnDetected(uint32_t link, LinkView seen, std::size_t incident) override;
    void OnRestoreDue(uint32_t link, std::size_t incident) override;
};

} // namespace ofab

#endif
