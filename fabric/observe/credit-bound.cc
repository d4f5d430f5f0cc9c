#include "ofab/fabric/observe/credit-bound.h"

#include "ofab/protocols/model/credit-state.h"

#include "ns3/nstime.h"

namespace ofab
{

std::vector<CreditBound>
MeasureCreditBound(const Fabric& fabric, double runNs)
{
    const char* const names[kCreditClassCount] = {"request command", "response command", "request data",
                                                  "response data"};
    const double ticksPerNs = static_cast<double>(ns3::NanoSeconds(1).GetTimeStep());
    const double portTimeNs = 2.0 * static_cast<double>(fabric.Links().size()) * runNs;
    std::vector<CreditBound> out;
    for (uint8_t vc = 0; vc < ualink::kVcCount; ++vc)
    {
        for (uint32_t c = 0; c < kCreditClassCount; ++c)
        {
            CreditBound b;
            b.vc = vc;
            b.creditClass = names[c];
            for (const FabricLink& l : fabric.Links())
            {
                for (const auto& port : {l.portA, l.portB})
                {
                    const int64_t ticks = port->GetCreditIdleTicks(vc, static_cast<CreditClass>(c));
                    b.idleNs += static_cast<double>(ticks) / ticksPerNs;
                    b.ports += ticks > 0;
                }
            }
            if (b.ports > 0)
            {
                b.share = portTimeNs > 0 ? b.idleNs / portTimeNs : 0;
                out.push_back(b);
            }
        }
    }
    return out;
}

} // namespace ofab
