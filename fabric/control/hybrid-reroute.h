#ifndef OFAB_FABRIC_CONTROL_HYBRID_REROUTE_H
#define OFAB_FABRIC_CONTROL_HYBRID_REROUTE_H

#include "ofab/fabric/control/global-reroute.h"

namespace ofab
{

/**
 * `policy: hybrid` (the default): local switch-over at detection (as LocalReroute), then the global
 * round's re-optimisation (as GlobalReroute), which supersedes the local detours. T_reroute is
 * local's when local protected every destination, else global's.
 */
class HybridReroute : public GlobalReroute
{
  public:
    static ns3::TypeId GetTypeId();
    const char* GetPolicyName() const override { return "hybrid"; }

  protected:
    void OnDetected(uint32_t link, LinkView seen, std::size_t incident) override;
};

} // namespace ofab

#endif
