#include "ofab/fabric/observe/fault-link-log.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

namespace ofab
{

FaultLinkLog::~FaultLinkLog()
{
    Unwatch();
}

void
FaultLinkLog::Watch(ns3::Ptr<FaultInjector> faults)
{
    m_faults = faults;
    if (m_faults)
    {
        m_faults->TraceConnectWithoutContext("LinkFailed", ns3::MakeCallback(&FaultLinkLog::OnLinkFailed, this));
        m_faults->TraceConnectWithoutContext("Fault", ns3::MakeCallback(&FaultLinkLog::OnFault, this));
    }
}

void
FaultLinkLog::Unwatch()
{
    if (m_faults)
    {
        m_faults->TraceDisconnectWithoutContext("LinkFailed", ns3::MakeCallback(&FaultLinkLog::OnLinkFailed, this));
        m_faults->TraceDisconnectWithoutContext("Fault", ns3::MakeCallback(&FaultLinkLog::OnFault, this));
        m_faults = nullptr;
    }
}

void
FaultLinkLog::OnLinkFailed(uint32_t link, bool failed)
{
    const double now = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    if (failed)
    {
        if (now != m_pendingNs)
        {
            m_pending.clear();
            m_pendingNs = now;
        }
        m_pending.push_back(link);
        return;
    }
    for (auto& downs : m_down)
    {
        for (Down& d : downs)
        {
            if (d.link == link && d.toNs < 0)
            {
                d.toNs = now;
            }
        }
    }
}

void
FaultLinkLog::OnFault(ns3::Time time, FaultKind, const std::string&, const std::string&, bool isRepair)
{
    if (isRepair)
    {
        return;
    }
    const double now = time.ToDouble(ns3::Time::NS);
    m_atNs.push_back(now);
    m_down.emplace_back();
    if (now == m_pendingNs)
    {
        for (uint32_t link : m_pending)
        {
            m_down.back().push_back({link, now, -1});
        }
    }
    m_pending.clear();
    m_pendingNs = -1;
}

std::vector<FaultInput>
FaultLinkLog::Inputs(double endNs) const
{
    std::vector<FaultInput> out;
    for (std::size_t f = 0; f < m_atNs.size(); ++f)
    {
        FaultInput in;
        in.atNs = m_atNs[f];
        in.linksDown.emplace();
        for (const Down& d : m_down[f])
        {
            in.linksDown->emplace_back(d.fromNs, d.toNs < 0 ? endNs : d.toNs);
        }
        out.push_back(in);
    }
    return out;
}

} // namespace ofab
