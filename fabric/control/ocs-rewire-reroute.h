#ifndef OFAB_FABRIC_CONTROL_OCS_REWIRE_REROUTE_H
#define OFAB_FABRIC_CONTROL_OCS_REWIRE_REROUTE_H

#include "ofab/fabric/control/global-reroute.h"

#include <optional>
#include <string>

namespace ofab
{

/**
 * `policy: ocs_rewire`: heal an OCS fabric by rewiring, the way a TPU v4 pod swaps a spare cube
 * in. On every detection it does what the global policy does (routes around what is known down, so
 * traffic keeps flowing meanwhile), and ControlLatency + ComputeTime after it, when a cube of the
 * slice has a link known down (a failed accelerator takes all of its links), it moves the circuit
 * switches to the declared configuration that holds the same slice with that cube replaced by a
 * spare cube whose own links are all up. The new circuits light when the switches have moved; the
 * routes for the new slice follow through the global rounds, once the circuits are seen up and have
 * waited WaitToRestore.
 *
 * On a fabric without circuit switches it is the global policy.
 */
class OcsRewireReroute : public GlobalReroute
{
  public:
    static ns3::TypeId GetTypeId();
    const char* GetPolicyName() const override { return "ocs_rewire"; }

  protected:
    void OnDetected(uint32_t link, LinkView seen, std::size_t incident) override;

  private:
    /// Rewires when a slice cube is known broken and a spare can take its place.
    void Decide();
    /// A cube of the configuration in force with a link known down, if any.
    std::optional<int> BrokenCube() const;
    bool CubeIntact(int cube) const;
};

} // namespace ofab

#endif
