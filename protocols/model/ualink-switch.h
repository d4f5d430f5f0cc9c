#ifndef OFAB_PROTOCOLS_MODEL_UALINK_SWITCH_H
#define OFAB_PROTOCOLS_MODEL_UALINK_SWITCH_H

#include "ofab/protocols/model/ualink-router.h"

#include "ns3/nstime.h"

namespace ofab
{

/**
 * A single-tier UALink switch: terminates the data link of every port, forwards TL messages by
 * destination accelerator id, and re-originates them on the output port.
 *
 * Port-to-port latency (SwitchLatency, default 150 ns: "<= 150 ns for a 25.6 Tb/s switch", UALink
 * public talks) is the time from the arrival of the DL flit that completes a message to the
 * earliest moment the message may start leaving; the output's serialization comes on top. Input
 * buffers are per port and VC (UalinkPort buffer attributes); the output arbiter is round robin
 * over VC/channel families and over inputs (OutputArbiter).
 */
class UalinkSwitch : public UalinkRouter
{
  public:
    static ns3::TypeId GetTypeId();
    UalinkSwitch();

    /// Throws ParameterError naming the attribute when a value is unusable.
    void Validate() const;

    void Receive(UalinkPort& in, TlMessage& m, int64_t nowTick) override;

    ns3::Time GetSwitchLatency() const { return m_latency; }

  private:
    ns3::Time m_latency;
};

} // namespace ofab

#endif
