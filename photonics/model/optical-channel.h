#ifndef OFAB_PHOTONICS_MODEL_OPTICAL_CHANNEL_H
#define OFAB_PHOTONICS_MODEL_OPTICAL_CHANNEL_H

#include "ofab/photonics/model/photonic-link.h"

#include "ns3/callback.h"
#include "ns3/channel.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>

namespace ofab
{

/**
 * A duplex fibre pair between two ports, end 0 and end 1. Direction d carries frames sent by end d
 * to end 1-d over its own PhotonicLink (each end's transmitter has its own laser lines).
 *
 * A direction is Up, Cut (fibre cut, by Cut()/CutDirection()), NoCircuit (the pair runs through an
 * optical circuit switch whose map does not join its ends now, by SetCircuitConnected(false)) or Dark
 * (its link has no usable line left). Going down fires "LossOfSignal" with the receiving end; coming
 * back fires "SignalRestored". Every time a direction goes down its epoch increments: a frame in flight
 * carries the epoch it was sent in and is lost on arrival if the epoch changed meanwhile (the light was
 * cut under it).
 *
 * The cut and the circuit are independent: a direction comes back only when it is restored and its
 * circuit is connected, and then only if its link has a usable line (else it is Dark). When several
 * hold, the state names the first of Cut, NoCircuit, Dark.
 *
 * The channel does not schedule events: the port device asks Transmit() for the timing and the error
 * draw, schedules the arrival itself with its own frame object (no ns3::Packet on the hot path), and
 * checks IsDelivered() when the frame arrives.
 */
class OpticalChannel : public ns3::Channel
{
  public:
    enum class DirectionState : uint8_t
    {
        Up,
        Cut,
        Dark,
        NoCircuit, ///< no circuit through the switch joins the two ends (both directions)
    };

    /// What happens to one frame handed to Transmit().
    struct Transmission
    {
        bool sent = false;       ///< false when the direction is down: nothing leaves the port
        bool corrupted = false;  ///< the receiver's CRC will fail (drawn from the frame error probability)
        ns3::Time serialization; ///< time the port is busy sending the frame
        ns3::Time
            arrivalDelay;   ///< serialization + propagation + FEC latency: send start -> frame usable at the receiver
        uint32_t epoch = 0; ///< pass back to IsDelivered() on arrival
    };

    static ns3::TypeId GetTypeId();
    OpticalChannel();

    /// Links for both directions: aToB carries frames sent by end 0, bToA those sent by end 1.
    void Connect(ns3::Ptr<PhotonicLink> aToB, ns3::Ptr<PhotonicLink> bToA);
    /// Optional: the devices at each end, so the channel answers GetDevice() like any ns-3 channel.
    void Attach(uint8_t end, ns3::Ptr<ns3::NetDevice> device);

    std::size_t GetNDevices() const override;
    ns3::Ptr<ns3::NetDevice> GetDevice(std::size_t i) const override;

    ns3::Ptr<PhotonicLink> GetLink(uint8_t fromEnd) const;
    DirectionState GetState(uint8_t fromEnd) const;
    bool IsUp(uint8_t fromEnd) const;
    uint32_t GetEpoch(uint8_t fromEnd) const;

    /// Timing and error draw for one frame sent now by `fromEnd`.
    Transmission Transmit(uint8_t fromEnd, uint32_t bytes);
    /// True when a frame sent in `epoch` by `fromEnd` survives to its arrival (no loss of signal meanwhile).
    bool IsDelivered(uint8_t fromEnd, uint32_t epoch) const;

    void Cut();     ///< both directions: a fibre cut
    void Restore(); ///< both directions back (a direction with no usable line stays Dark)
    void CutDirection(uint8_t fromEnd);
    void RestoreDirection(uint8_t fromEnd);

    /// Whether a circuit joins the two ends (default true). Not connected: both directions carry no
    /// light (NoCircuit), with the same signals and epoch changes as a cut, independent of Cut()/Restore().
    void SetCircuitConnected(bool connected);
    bool IsCircuitConnected() const;

    /// Called with `true` when the signal arriving at `end` comes back and `false` when it is lost.
    void SetSignalCallback(uint8_t end, ns3::Callback<void, bool> callback);

    typedef void (*SignalTracedCallback)(uint8_t receivingEnd);

  protected:
    void DoDispose() override;

  private:
    DirectionState StateNow(uint8_t fromEnd) const; ///< the state the cut, circuit and link give now
    void UpdateState(uint8_t fromEnd);              ///< recompute a direction's state, fire traces on change
    void OnCapacity(uint8_t fromEnd, uint32_t usableLines, double capacityBps);

    std::array<ns3::Ptr<PhotonicLink>, 2> m_link;
    std::array<ns3::Ptr<ns3::NetDevice>, 2> m_device;
    std::array<bool, 2> m_cut;
    bool m_circuitConnected;
    std::array<DirectionState, 2> m_state;
    std::array<uint32_t, 2> m_epoch;
    std::array<ns3::Callback<void, bool>, 2> m_signalCallback;
    ns3::TracedCallback<uint8_t> m_lossOfSignalTrace;
    ns3::TracedCallback<uint8_t> m_signalRestoredTrace;
};

const char* ToString(OpticalChannel::DirectionState s);

} // namespace ofab

#endif
