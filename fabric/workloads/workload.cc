#include "ofab/fabric/workloads/workload.h"

#include <algorithm>

#include "ofab/foundation/parameter-error.h"

#include "ns3/simulator.h"
#include "ns3/string.h"

namespace ofab
{

void
CheckPlacement(const std::vector<uint32_t>& placement, std::size_t ranks, std::size_t accelerators)
{
    if (placement.size() != ranks)
    {
        throw ParameterError("Ranks", "relocating " + std::to_string(ranks) + " ranks onto " +
                                          std::to_string(placement.size()) + " accelerators");
    }
    std::vector<bool> used(accelerators, false);
    for (uint32_t a : placement)
    {
        if (a >= accelerators || used[a])
        {
            throw ParameterError("Ranks", "relocating onto accelerator " + std::to_string(a) +
                                              (a >= accelerators ? ", which does not exist" : " twice"));
        }
        used[a] = true;
    }
}

NS_OBJECT_ENSURE_REGISTERED(Workload);

WorkloadContext
MakeWorkloadContext(const std::vector<ns3::Ptr<AcceleratorEndpoint>>& endpoints, ns3::Time stopTime)
{
    WorkloadContext ctx;
    ctx.endpoints = endpoints;
    ctx.stopTime = stopTime;
    ctx.injectionRateBps.reserve(endpoints.size());
    for (const auto& e : endpoints)
    {
        double bps = 0;
        double fastest = 0;
        for (uint32_t p = 0; e && p < e->GetNPorts(); ++p)
        {
            bps += e->GetPort(p)->GetCapacityBps();
            fastest = std::max(fastest, e->GetPort(p)->GetCapacityBps());
        }
        ctx.injectionRateBps.push_back(bps);
        ctx.portRateBps.push_back(fastest);
    }
    return ctx;
}

const char*
ToString(CollectiveStatus s)
{
    switch (s)
    {
    case CollectiveStatus::Completed:
        return "completed";
    case CollectiveStatus::Failed:
        return "failed";
    case CollectiveStatus::Unfinished:
        return "unfinished";
    }
    return "?";
}

ns3::TypeId
Workload::GetTypeId()
{
    using namespace ns3;
    static TypeId tid =
        TypeId("ofab::Workload")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddAttribute("Start", "Simulated time at which the workload issues its first work.", TimeValue(Seconds(0)),
                          MakeTimeAccessor(&Workload::m_start), MakeTimeChecker())
            .AddAttribute("Name",
                          "Label in the run summary and the trace (empty: the "
                          "workload's kind).",
                          StringValue(""), MakeStringAccessor(&Workload::m_name), MakeStringChecker());
    return tid;
}

Workload::Workload()
    : m_start(ns3::Seconds(0))
{
}

void
Workload::Validate() const
{
    if (m_start.IsStrictlyNegative())
    {
        throw ParameterError("Start", "must be a time >= 0");
    }
}

void
Workload::ValidateFor(const WorkloadContext& ctx) const
{
    Validate();
    if (ctx.endpoints.size() < 2)
    {
        throw ParameterError("endpoints",
                             "a workload needs at least 2 accelerators, got " + std::to_string(ctx.endpoints.size()));
    }
    if (ctx.injectionRateBps.size() != ctx.endpoints.size())
    {
        throw ParameterError("injectionRateBps", "one injection rate per accelerator expected");
    }
    for (std::size_t i = 0; i < ctx.endpoints.size(); ++i)
    {
        if (!ctx.endpoints[i] || ctx.endpoints[i]->GetAcceleratorId() != i)
        {
            throw ParameterError("endpoints",
                                 "endpoint " + std::to_string(i) + " is missing or has another accelerator id");
        }
    }
}

ns3::Time
Workload::DelayToStart() const
{
    const ns3::Time now = ns3::Simulator::Now();
    return m_start > now ? m_start - now : ns3::Time(0);
}

std::vector<Workload::CollectiveResult>
Workload::GetCollectiveResults() const
{
    return {};
}

} // namespace ofab
