#include "ofab/fabric/observe/wan-recovery.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>

namespace ofab
{

std::vector<FaultRecovery>
WanRecovery(const WideAreaNetwork& wan, const WanRecoveryOptions& options)
{
    ns3::TimeValue bin;
    wan.GetAttribute("ThroughputBin", bin);
    const double binNs = bin.Get().ToDouble(ns3::Time::NS);
    RecoveryInputs in;
    in.binNs = binNs;
    in.windowBins =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(options.hold.ToDouble(ns3::Time::NS) / binNs)));
    in.referenceBins = static_cast<std::size_t>(std::ceil(options.reference.ToDouble(ns3::Time::NS) / binNs));
    in.throughputGbps = options.sitePair ? wan.ThroughputGbps(options.sitePair->first, options.sitePair->second)
                                         : wan.CrossSiteThroughputGbps();
    in.endNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    // The last bin is partial (it ends now): leave it out, or its shortfall would read as a fault's.
    const auto wholeBins = static_cast<std::size_t>(std::floor(in.endNs / binNs));
    in.throughputGbps.resize(std::min(in.throughputGbps.size(), wholeBins));
    in.endNs = static_cast<double>(in.throughputGbps.size()) * binNs;
    for (const TransferRecord& t : wan.Transfers())
    {
        const bool counted =
            !options.sitePair || (t.fromSite == options.sitePair->first && t.toSite == options.sitePair->second);
        if (t.status == TransferStatus::Failed && counted && t.endNs)
        {
            in.failureNs.push_back(*t.endNs);
            in.failureIssueNs.push_back(t.startNs);
        }
    }
    const std::vector<WanFailureRecord> failures = wan.Failures();
    std::vector<FaultInput> faults;
    for (const WanFailureRecord& f : failures)
    {
        FaultInput x;
        x.atNs = f.atNs;
        std::optional<double> healed = f.rerouteNs;
        if (f.protectNs && !f.switchedToProtection.empty())
        {
            healed = healed ? std::min(*healed, *f.protectNs) : *f.protectNs;
        }
        x.rerouteNs = healed;
        faults.push_back(x);
    }
    std::vector<FaultRecovery> out = ComputeFaultRecovery(in, faults);
    for (std::size_t i = 0; i < out.size() && i < failures.size(); ++i)
    {
        out[i].kind = failures[i].kind;
        out[i].element = failures[i].element;
        out[i].linkChange = !failures[i].down.empty() || !failures[i].switchedToProtection.empty();
        out[i].detectNs = failures[i].detectNs;
        out[i].rerouteNs = faults[i].rerouteNs;
    }
    return out;
}

} // namespace ofab
