#include "ofab/fabric/regional/lightpath-channel.h"

#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(LightpathChannel);

ns3::TypeId
LightpathChannel::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("ofab::LightpathChannel")
            .SetParent<ns3::PointToPointChannel>()
            .SetGroupName("Ofab")
            .AddConstructor<LightpathChannel>()
            .AddTraceSource(
                "Lost", "A frame lost to a dark lightpath (launched dark, or on the fibre when it went dark)",
                ns3::MakeTraceSourceAccessor(&LightpathChannel::m_lostTrace), "ns3::Packet::TracedCallback");
    return tid;
}

LightpathChannel::LightpathChannel() = default;

void
LightpathChannel::SetLit(bool lit)
{
    if (m_lit && !lit)
    {
        ++m_epoch;
    }
    m_lit = lit;
}

bool
LightpathChannel::TransmitStart(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::PointToPointNetDevice> src,
                                ns3::Time txTime)
{
    // The transmitter serialises the frame either way (it does not know the far end is dark).
    if (!m_lit)
    {
        Lose(p);
        return true;
    }
    const ns3::Ptr<ns3::PointToPointNetDevice> dst =
        GetPointToPointDevice(0) == src ? GetPointToPointDevice(1) : GetPointToPointDevice(0);
    ns3::Simulator::ScheduleWithContext(dst->GetNode()->GetId(), txTime + m_delay, &LightpathChannel::Arrive, this,
                                        p->Copy(), dst, m_epoch);
    return true;
}

void
LightpathChannel::Arrive(ns3::Ptr<ns3::Packet> p, ns3::Ptr<ns3::PointToPointNetDevice> dst, uint64_t epoch)
{
    if (!m_lit || epoch != m_epoch)
    {
        Lose(p);
        return;
    }
    dst->Receive(p);
}

void
LightpathChannel::Lose(ns3::Ptr<const ns3::Packet> p)
{
    m_lostBytes += p->GetSize();
    ++m_lostFrames;
    m_lostTrace(p);
}

} // namespace ofab
