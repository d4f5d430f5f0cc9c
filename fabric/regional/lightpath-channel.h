#ifndef OFAB_FABRIC_REGIONAL_LIGHTPATH_CHANNEL_H
#define OFAB_FABRIC_REGIONAL_LIGHTPATH_CHANNEL_H

// One lightpath between two site gateways as ns-3 sees it: a point-to-point channel whose light can
// go out. ns-3's own PointToPointChannel cannot go dark, and a receive-side ErrorModel would judge a
// packet when it arrives: a frame launched into a fibre that was cut, or still in the fibre when the
// cut happened, would then survive if the light came back (protection switch-over) before it
// arrived. Here a frame is lost when the light is out as it is launched or goes out at any time
// before it arrives (an epoch counter of dark periods), which is what a cut does to it.

#include "ns3/point-to-point-channel.h"
#include "ns3/point-to-point-net-device.h" // point-to-point-channel.h needs it complete
#include "ns3/traced-callback.h"

#include <cstdint>

namespace ofab
{

class LightpathChannel : public ns3::PointToPointChannel
{
  public:
    static ns3::TypeId GetTypeId();
    LightpathChannel();

    /// Frames launched from now on take this long on the fibre (propagation, plus what the
    /// transmitting gateway adds): a restoration or switch-over changes a lightpath's path.
    void SetOneWayDelay(ns3::Time delay) { m_delay = delay; }
    ns3::Time GetOneWayDelay() const { return m_delay; }
    /// Light out: every frame on the fibre and every frame launched until SetLit(true) is lost.
    void SetLit(bool lit);
    bool IsLit() const { return m_lit; }
    uint64_t LostBytes() const { return m_lostBytes; }
    uint64_t LostFrames() const { return m_lostFrames; }

    bool TransmitStart(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::PointToPointNetDevice> src,
                       ns3::Time txTime) override;

  private:
    void Arrive(ns3::Ptr<ns3::Packet> p, ns3::Ptr<ns3::PointToPointNetDevice> dst, uint64_t epoch);
    void Lose(ns3::Ptr<const ns3::Packet> p);

    ns3::Time m_delay;
    bool m_lit = true;
    uint64_t m_epoch = 0; ///< dark periods so far: a frame launched in another epoch is lost
    uint64_t m_lostBytes = 0;
    uint64_t m_lostFrames = 0;
    ns3::TracedCallback<ns3::Ptr<const ns3::Packet>> m_lostTrace;
};

} // namespace ofab

#endif
