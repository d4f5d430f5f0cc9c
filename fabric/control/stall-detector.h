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
 * It also catches starvation, which credits alone do not show: a port whose link is up and whose
 * oldest ready message has waited there for `timeout` is reported "starved" once per episode (an
 * episode ends when no ready message has waited that long), naming the message's input, VC and
 * family and its wait, and saying whether the port kept sending other traffic meanwhile and whether
 * that message lacks credits. Oldest-first arbitration serves a message with credits within its
 * turn, so a starved message waits for credits that another class of the same port still gets (a
 * stalled VC next to flowing ones), or for a port that sends nothing.
 *
 * Cost: one sampling event every timeout / 4, visiting every port and scanning its queue heads
 * (no per-flit work).
 */
class StallDetector
{
  public:
    /// (kind: "stall" or "starved", node name, router port, detail)
    using Report = std::function<void(const char*, const std::string&, uint16_t, const std::string&)>;

    StallDetector(const Fabric& fabric, ns3::Time timeout, Report report);
    ~StallDetector();
    StallDetector(const StallDetector&) = delete;
    StallDetector& operator=(const StallDetector&) = delete;

    void Start();
    /// Reports of either kind.
    uint64_t GetStallCount() const { return m_stalls + m_starved; }
    uint64_t GetStarvedCount() const { return m_starved; }

  private:
    struct PortWatch
    {
        uint32_t node;
        uint16_t port;
        CreditCounters lastGranted{};
        std::array<int64_t, ualink::kVcCount * kCreditClassCount> exhaustedSinceTick{};
        bool reported = false;
        bool starvedReported = false;
        uint64_t lastMessagesSent = 0; ///< at the previous sample
    };

    void Sample();
    void CheckStarved(PortWatch& w, const UalinkPort& port, int64_t now);

    const Fabric& m_fabric;
    ns3::Time m_timeout;
    Report m_report;
    std::vector<PortWatch> m_ports;
    ns3::EventId m_event;
    uint64_t m_stalls = 0;
    uint64_t m_starved = 0;
};

} // namespace ofab

#endif
