#include "ofab/photonics/model/optical-channel.h"

#include "ns3/trace-source-accessor.h"

#include <stdexcept>
#include <string>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(OpticalChannel);

namespace
{
void
CheckEnd(uint8_t end)
{
    if (end > 1)
    {
        throw std::out_of_range("OpticalChannel: end " + std::to_string(end) + " out of range (0 or 1)");
    }
}
} // namespace

ns3::TypeId
OpticalChannel::GetTypeId()
{
    // No tunables of its own: the delay, capacity and errors of each direction come from its link.
    static ns3::TypeId tid =
        ns3::TypeId("ofab::OpticalChannel")
            .SetParent<ns3::Channel>()
            .SetGroupName("Ofab")
            .AddConstructor<OpticalChannel>()
            .AddTraceSource("LossOfSignal",
                            "The light arriving at an end went away (fibre cut, circuit opened, or no usable line "
                            "left): (receiving end).",
                            ns3::MakeTraceSourceAccessor(&OpticalChannel::m_lossOfSignalTrace),
                            "ofab::OpticalChannel::SignalTracedCallback")
            .AddTraceSource("SignalRestored", "The light arriving at an end came back: (receiving end).",
                            ns3::MakeTraceSourceAccessor(&OpticalChannel::m_signalRestoredTrace),
                            "ofab::OpticalChannel::SignalTracedCallback");
    return tid;
}

OpticalChannel::OpticalChannel()
    : m_cut{false, false},
      m_circuitConnected(true),
      m_state{DirectionState::Dark, DirectionState::Dark},
      m_epoch{0, 0}
{
}

void
OpticalChannel::DoDispose()
{
    for (uint8_t d = 0; d < 2; ++d)
    {
        if (m_link[d])
        {
            m_link[d]->TraceDisconnectWithoutContext("Capacity",
                                                     ns3::MakeCallback(&OpticalChannel::OnCapacity, this, d));
        }
        m_link[d] = nullptr;
        m_device[d] = nullptr;
        m_signalCallback[d] = ns3::Callback<void, bool>();
    }
    ns3::Channel::DoDispose();
}

void
OpticalChannel::Connect(ns3::Ptr<PhotonicLink> aToB, ns3::Ptr<PhotonicLink> bToA)
{
    if (!aToB || !bToA)
    {
        throw std::invalid_argument("OpticalChannel::Connect: a link for each direction expected");
    }
    const std::array<ns3::Ptr<PhotonicLink>, 2> links{aToB, bToA};
    for (uint8_t d = 0; d < 2; ++d)
    {
        if (m_link[d])
        {
            m_link[d]->TraceDisconnectWithoutContext("Capacity",
                                                     ns3::MakeCallback(&OpticalChannel::OnCapacity, this, d));
        }
        m_link[d] = links[d];
        m_link[d]->TraceConnectWithoutContext("Capacity", ns3::MakeCallback(&OpticalChannel::OnCapacity, this, d));
        // The starting state is set silently: nothing was lost or restored by wiring the channel up.
        m_state[d] = StateNow(d);
    }
}

void
OpticalChannel::Attach(uint8_t end, ns3::Ptr<ns3::NetDevice> device)
{
    CheckEnd(end);
    m_device[end] = device;
}

std::size_t
OpticalChannel::GetNDevices() const
{
    return (m_device[0] ? 1 : 0) + (m_device[1] ? 1 : 0);
}

ns3::Ptr<ns3::NetDevice>
OpticalChannel::GetDevice(std::size_t i) const
{
    if (i > 1)
    {
        throw std::out_of_range("OpticalChannel::GetDevice: index " + std::to_string(i) + " out of range");
    }
    // With one device attached at end 1 only, index 0 still means end 0 (which has none).
    return m_device[i];
}

ns3::Ptr<PhotonicLink>
OpticalChannel::GetLink(uint8_t fromEnd) const
{
    CheckEnd(fromEnd);
    return m_link[fromEnd];
}

OpticalChannel::DirectionState
OpticalChannel::GetState(uint8_t fromEnd) const
{
    CheckEnd(fromEnd);
    return m_state[fromEnd];
}

bool
OpticalChannel::IsUp(uint8_t fromEnd) const
{
    return GetState(fromEnd) == DirectionState::Up;
}

uint32_t
OpticalChannel::GetEpoch(uint8_t fromEnd) const
{
    CheckEnd(fromEnd);
    return m_epoch[fromEnd];
}

OpticalChannel::Transmission
OpticalChannel::Transmit(uint8_t fromEnd, uint32_t bytes)
{
    CheckEnd(fromEnd);
    Transmission t;
    PhotonicLink* link = ns3::PeekPointer(m_link[fromEnd]);
    if (link == nullptr || m_state[fromEnd] != DirectionState::Up)
    {
        return t;
    }
    // A link changed since its last query re-evaluates here and may report zero capacity, which
    // turns this direction Dark before the frame goes out.
    t.serialization = link->GetSerializationTime(bytes);
    if (m_state[fromEnd] != DirectionState::Up)
    {
        return Transmission{};
    }
    t.sent = true;
    t.corrupted = link->DrawFrameError(bytes);
    t.arrivalDelay = t.serialization + link->GetPropagationDelay() + link->GetFecLatency();
    t.epoch = m_epoch[fromEnd];
    return t;
}

bool
OpticalChannel::IsDelivered(uint8_t fromEnd, uint32_t epoch) const
{
    CheckEnd(fromEnd);
    return m_state[fromEnd] == DirectionState::Up && m_epoch[fromEnd] == epoch;
}

void
OpticalChannel::Cut()
{
    CutDirection(0);
    CutDirection(1);
}

void
OpticalChannel::Restore()
{
    RestoreDirection(0);
    RestoreDirection(1);
}

void
OpticalChannel::CutDirection(uint8_t fromEnd)
{
    CheckEnd(fromEnd);
    m_cut[fromEnd] = true;
    UpdateState(fromEnd);
}

void
OpticalChannel::RestoreDirection(uint8_t fromEnd)
{
    CheckEnd(fromEnd);
    m_cut[fromEnd] = false;
    UpdateState(fromEnd);
}

void
OpticalChannel::SetCircuitConnected(bool connected)
{
    m_circuitConnected = connected;
    UpdateState(0);
    UpdateState(1);
}

bool
OpticalChannel::IsCircuitConnected() const
{
    return m_circuitConnected;
}

void
OpticalChannel::SetSignalCallback(uint8_t end, ns3::Callback<void, bool> callback)
{
    CheckEnd(end);
    m_signalCallback[end] = callback;
}

OpticalChannel::DirectionState
OpticalChannel::StateNow(uint8_t fromEnd) const
{
    if (m_cut[fromEnd])
    {
        return DirectionState::Cut;
    }
    if (!m_circuitConnected)
    {
        return DirectionState::NoCircuit;
    }
    if (m_link[fromEnd] && m_link[fromEnd]->GetUsableLineCount() > 0)
    {
        return DirectionState::Up;
    }
    return DirectionState::Dark;
}

void
OpticalChannel::UpdateState(uint8_t fromEnd)
{
    const DirectionState next = StateNow(fromEnd);
    const DirectionState previous = m_state[fromEnd];
    m_state[fromEnd] = next;
    const uint8_t receivingEnd = 1 - fromEnd;
    if (previous == DirectionState::Up && next != DirectionState::Up)
    {
        ++m_epoch[fromEnd]; // frames in flight were sent under the old epoch: they are lost
        m_lossOfSignalTrace(receivingEnd);
        if (!m_signalCallback[receivingEnd].IsNull())
        {
            m_signalCallback[receivingEnd](false);
        }
    }
    else if (previous != DirectionState::Up && next == DirectionState::Up)
    {
        m_signalRestoredTrace(receivingEnd);
        if (!m_signalCallback[receivingEnd].IsNull())
        {
            m_signalCallback[receivingEnd](true);
        }
    }
}

void
OpticalChannel::OnCapacity(uint8_t fromEnd, uint32_t, double)
{
    UpdateState(fromEnd);
}

const char*
ToString(OpticalChannel::DirectionState s)
{
    switch (s)
    {
    case OpticalChannel::DirectionState::Up:
        return "Up";
    case OpticalChannel::DirectionState::Cut:
        return "Cut";
    case OpticalChannel::DirectionState::Dark:
        return "Dark";
    case OpticalChannel::DirectionState::NoCircuit:
        return "NoCircuit";
    }
    return "?";
}

} // namespace ofab
