#ifndef OFAB_FABRIC_CONTROL_STALL_DETECTOR_H
#define OFAB_FABRIC_CONTROL_STALL_DETECTOR_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/protocols/model/credit-state.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace ofab
{

/**
 * Catches a fabric that stopped moving: a port whose link is up, with messages queued, that has
 * used up its credits of one kind (a VC's request or response command or data buffers at the far
 * end) and got none back for `timeout` is stalled: the receiver is not draining (credit starvation;
 * with several such ports waiting on one another, a credit loop: a routing deadlock). Watching
 * credits rather than flits matters: a port starved on its request VC still sends responses.
 * Reported once per stall episode through the callback, with the node and port; an episode ends
 * when credits come back. Routes that are deadlock-free by
 * construction never trigger it; routes that are not (fallback shortest paths on a torus, local
 * detours) are watched by it instead of being trusted.
 *
 * Cost: one sampling event every timeout / 4, visiting every port (no per-flit work).
 */
class StallDetector
{
  public:
    /// (node name, router port, detail)
    using Report = std::function<void(const std::string&, uint16_t, const std::string&)>;

    StallDetector(const Fabric& fabric, ns3::Time timeout, Report report);
    ~StallDetector();
    StallDetector(const StallDetector&) = delete;
    StallDetector& operator=(const StallDetector&) = delete;

    void Start();
    uint64_t GetStallCount() const { return m_stalls; }

  private:
    struct PortWatch
    {
        uint32_t node;
        uint16_t port;
        CreditCounters lastGranted{};
        std::array<int64_t, ualink::kVcCount * kCreditClassCount> exhaustedSinceTick{};
        bool reported = false;
    };

    void Sample();

    const Fabric& m_fabric;
    ns3::Time m_timeout;
    Report m_report;
    std::vector<PortWatch> m_ports;
    ns3::EventId m_event;
    uint64_t m_stalls = 0;
};

} // namespace ofab

#endif
