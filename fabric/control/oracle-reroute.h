#ifndef OFAB_FABRIC_CONTROL_ORACLE_REROUTE_H
#define OFAB_FABRIC_CONTROL_ORACLE_REROUTE_H

#include "ofab/fabric/control/reroute-controller.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * `policy: oracle`: at the change itself, every table is recomputed from the true link state and
 * installed everywhere. No detection, no control channel: the baseline other simulators use (ns-3
 * global routing, a BFS recompute). Repairs are installed after the wait-to-restore, with no delay.
 */
class OracleReroute : public RerouteController
{
  public:
    static ns3::TypeId GetTypeId();
    const char* GetPolicyName() const override { return "oracle"; }

  protected:
    ns3::Time GetDetectionDelay() const override { return ns3::Time(0); }
    void OnChange(uint32_t link, LinkView now, std::size_t incident) override;
    void OnDetected(uint32_t link, LinkView seen, std::size_t incident) override;
    void OnRestoreDue(uint32_t link, std::size_t incident) override;
    void OnPortDown(uint32_t link) override;

  private:
    /// Installs the changes of this instant that came after its first.
    void CatchUp();

    int64_t m_installTick = -1;         ///< when the oracle last installed
    std::vector<std::size_t> m_catchUp; ///< changes of that instant not installed yet
};

} // namespace ofab

#endif
