#include "ofab/protocols/model/ualink-switch.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/simulator.h"

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(UalinkSwitch);

ns3::TypeId
UalinkSwitch::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("ofab::UalinkSwitch")
            .SetParent<UalinkRouter>()
            .SetGroupName("Ofab")
            .AddConstructor<UalinkSwitch>()
            .AddAttribute("SwitchLatency",
                          "Port-to-port latency: arrival of the DL flit completing a TL message to "
                          "the earliest start of its transmission on the output (UALink public "
                          "talks: <= 150 ns at 25.6 Tb/s, < 200 ns at 51.2 Tb/s).",
                          ns3::TimeValue(ns3::NanoSeconds(150)), ns3::MakeTimeAccessor(&UalinkSwitch::m_latency),
                          ns3::MakeTimeChecker());
    return tid;
}

UalinkSwitch::UalinkSwitch()
    : m_latency(ns3::NanoSeconds(150))
{
}

void
UalinkSwitch::Validate() const
{
    if (m_latency.IsStrictlyNegative())
    {
        throw ParameterError("SwitchLatency", "must be >= 0");
    }
}

void
UalinkSwitch::Receive(UalinkPort& /*in*/, TlMessage& m, int64_t nowTick)
{
    Forward(m, nowTick + m_latency.GetTimeStep(), nowTick);
}

} // namespace ofab
