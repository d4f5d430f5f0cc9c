// WideAreaNetwork: failures, and healing at two layers. The optical layer switches 1+1 lightpaths to
// their protection path or restores unprotected ones over surviving spans (MeshPlanner's plan decides
// which can be, its wavelengths and capacity respected); the packet layer recomputes the gateways'
// routes without what is dark. Each has its own delay (attributes) and its own times in the record.
#include "ofab/fabric/regional/wide-area-network.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ofab
{

namespace
{

double
NowNs()
{
    return static_cast<double>(ns3::Simulator::Now().GetNanoSeconds());
}

} // namespace

uint32_t
WideAreaNetwork::Record(std::string kind, std::string element, const topo::FailureImpact& impact)
{
    WanFailureRecord r;
    r.id = static_cast<uint32_t>(m_failures.size());
    r.kind = std::move(kind);
    r.element = std::move(element);
    r.atNs = NowNs();
    r.down = impact.down;
    r.switchedToProtection = impact.switchedToProtection;
    r.protectionLost = impact.protectionLost;
    m_failures.push_back(r);
    // Every lightpath whose working light the failure cut goes dark at once, protected or not: the
    // switch-over brings the protected ones back after detection and switching.
    for (uint32_t lp : impact.down)
    {
        if (m_linkOfLightpath.count(lp) > 0)
        {
            WanLink& l = m_links[m_linkOfLightpath[lp]];
            l.light = false;
            Darken(l, r.id);
        }
    }
    for (uint32_t lp : impact.switchedToProtection)
    {
        if (m_linkOfLightpath.count(lp) > 0)
        {
            WanLink& l = m_links[m_linkOfLightpath[lp]];
            l.light = false;
            Darken(l, r.id);
        }
    }
    return r.id;
}

void
WideAreaNetwork::Darken(WanLink& link, uint32_t failure)
{
    if (link.channel->IsLit())
    {
        link.darkBy = failure;
        link.lostAtDark = link.channel->LostBytes();
    }
    UpdateLit(link);
}

void
WideAreaNetwork::UpdateLit(WanLink& link)
{
    const bool lit = link.light && m_gatewayUp[SiteIndex(link.siteA)] && m_gatewayUp[SiteIndex(link.siteB)];
    if (lit && !link.channel->IsLit() && link.darkBy)
    {
        m_failures[*link.darkBy].lostBytes += link.channel->LostBytes() - link.lostAtDark;
        link.darkBy.reset();
    }
    link.channel->SetLit(lit);
}

void
WideAreaNetwork::ScheduleOpticalHealing(uint32_t failure)
{
    const WanFailureRecord& r = m_failures[failure];
    if (!r.down.empty() || !r.switchedToProtection.empty())
    {
        ns3::Simulator::Schedule(m_lossOfLightDetection, [this, failure]() {
            m_failures[failure].detectNs = NowNs() - m_failures[failure].atNs;
        });
    }
    if (!r.switchedToProtection.empty())
    {
        ns3::Simulator::Schedule(m_lossOfLightDetection + m_protectionSwitchTime, &WideAreaNetwork::SwitchOver, this,
                                 failure);
    }
    if (!r.down.empty())
    {
        ns3::Simulator::Schedule(m_lossOfLightDetection + m_restorationTime, &WideAreaNetwork::Restore, this, failure);
    }
    // The packet layer detects on its own (BFD), from the failure, not from the optical alarm; under
    // optical_only it does not act at all.
    if (Policy() == PacketPolicy::Reroute)
    {
        ns3::Simulator::Schedule(m_packetHoldOffTime + m_packetRerouteTime, &WideAreaNetwork::Reroute, this,
                                 std::optional<uint32_t>(failure));
    }
    UpdatePartitions();
}

void
WideAreaNetwork::SwitchOver(uint32_t failure)
{
    WanFailureRecord& r = m_failures[failure];
    for (uint32_t lp : r.switchedToProtection)
    {
        const auto it = m_linkOfLightpath.find(lp);
        // A later failure may have taken the protection path too: only what the plan still carries returns.
        if (it == m_linkOfLightpath.end() || !m_planner->Plan().Get(lp).up)
        {
            continue;
        }
        WanLink& l = m_links[it->second];
        l.light = true;
        l.channel->SetOneWayDelay(LinkDelay(lp)); // the protection path's latency
        UpdateLit(l);
    }
    r.protectNs = NowNs() - r.atNs;
    UpdatePartitions();
    // The gateways see the link come back and put it into their routes after the same reconvergence.
    ns3::Simulator::Schedule(m_packetRerouteTime, &WideAreaNetwork::Reroute, this, std::optional<uint32_t>());
}

void
WideAreaNetwork::Restore(uint32_t failure)
{
    WanFailureRecord& r = m_failures[failure];
    r.restoration = m_planner->Plan().Restore();
    r.restoreNs = NowNs() - r.atNs;
    bool any = false;
    for (const topo::RestorationOutcome& o : r.restoration)
    {
        const auto it = m_linkOfLightpath.find(o.lightpath);
        if (!o.restored || it == m_linkOfLightpath.end())
        {
            continue;
        }
        WanLink& l = m_links[it->second];
        l.light = true;
        l.channel->SetOneWayDelay(LinkDelay(o.lightpath)); // the restored path's latency
        UpdateLit(l);
        any = true;
    }
    UpdatePartitions();
    if (any)
    {
        ns3::Simulator::Schedule(m_packetRerouteTime, &WideAreaNetwork::Reroute, this, std::optional<uint32_t>());
    }
}

void
WideAreaNetwork::Reroute(std::optional<uint32_t> failure)
{
    // Routes use a link while it carries light between two live gateways (optical_only: once routed,
    // whether it carries light or not); the interface metric is its one-way delay in us, so routes are shortest by
    // latency, as WAN IGP metrics usually are.
    for (WanLink& l : m_links)
    {
        const bool use = l.channel->IsLit() || (Policy() == PacketPolicy::OpticalOnly && l.routed);
        const uint16_t metric =
            static_cast<uint16_t>(std::clamp(std::round(l.channel->GetOneWayDelay().GetSeconds() * 1e6), 1.0, 65535.0));
        const std::pair<uint32_t, uint32_t> ends[] = {{l.siteA, l.interfaceA}, {l.siteB, l.interfaceB}};
        for (const auto& [site, itf] : ends)
        {
            auto ip = m_gateways[SiteIndex(site)]->GetObject<ns3::Ipv4>();
            ip->SetMetric(itf, metric);
            const bool up = use && m_gatewayUp[SiteIndex(site)];
            if (up && !ip->IsUp(itf))
            {
                ip->SetUp(itf);
            }
            else if (!up && ip->IsUp(itf))
            {
                ip->SetDown(itf);
            }
        }
        l.routed = use;
    }
    ns3::Ipv4GlobalRoutingHelper::RecomputeRoutingTables();
    if (failure && !m_failures[*failure].rerouteNs)
    {
        m_failures[*failure].rerouteNs = NowNs() - m_failures[*failure].atNs;
    }
}

void
WideAreaNetwork::KillGateway(uint32_t site, uint32_t failure, const std::string& why)
{
    const std::size_t i = SiteIndex(site);
    if (!m_gatewayUp[i])
    {
        return;
    }
    m_gatewayUp[i] = false;
    for (WanLink& l : m_links)
    {
        if (l.siteA == site || l.siteB == site)
        {
            Darken(l, failure);
        }
    }
    // A dead gateway forwards nothing: its own interfaces go down at once (its neighbours' after
    // their reroute time), and the connections that start or end there fail now.
    auto ip = m_gateways[i]->GetObject<ns3::Ipv4>();
    for (uint32_t itf = 1; itf < ip->GetNInterfaces(); ++itf)
    {
        if (ip->IsUp(itf))
        {
            ip->SetDown(itf);
        }
    }
    for (std::size_t c = 0; c < m_connections.size(); ++c)
    {
        if (m_connections[c].fromSite == site || m_connections[c].toSite == site)
        {
            FailConnection(c, why); // with every transfer and message on it not yet delivered
        }
    }
}

uint32_t
WideAreaNetwork::FailDuct(const std::string& duct)
{
    RequireBuilt("FailDuct");
    const uint32_t id = Record("duct", duct, m_planner->Plan().FailDuct(duct));
    ScheduleOpticalHealing(id);
    return id;
}

uint32_t
WideAreaNetwork::FailRoute(uint32_t route)
{
    RequireBuilt("FailRoute");
    const uint32_t id = Record("route", "route " + std::to_string(route), m_planner->Plan().FailRoute(route));
    ScheduleOpticalHealing(id);
    return id;
}

uint32_t
WideAreaNetwork::FailNode(uint32_t meshNode)
{
    RequireBuilt("FailNode");
    const std::string name = m_planner->Mesh().NodeName(meshNode);
    const uint32_t id = Record("node", name, m_planner->Plan().FailNode(meshNode));
    if (std::count(m_sites.begin(), m_sites.end(), meshNode) > 0)
    {
        KillGateway(meshNode, id, "site " + name + " lost");
    }
    ScheduleOpticalHealing(id);
    return id;
}

uint32_t
WideAreaNetwork::FailGateway(uint32_t site)
{
    RequireBuilt("FailGateway");
    const std::string name = m_planner->Mesh().NodeName(m_sites.at(SiteIndex(site)));
    const uint32_t id = Record("gateway", name, topo::FailureImpact{});
    KillGateway(site, id, "gateway of site " + name + " failed");
    ScheduleOpticalHealing(id);
    return id;
}

std::vector<WanFailureRecord>
WideAreaNetwork::Failures() const
{
    std::vector<WanFailureRecord> out = m_failures;
    for (const WanLink& l : m_links)
    {
        if (l.darkBy)
        {
            out[*l.darkBy].lostBytes += l.channel->LostBytes() - l.lostAtDark;
        }
    }
    return out;
}

void
WideAreaNetwork::UpdatePartitions()
{
    // Components of the live gateways over lit links (union-find by site index).
    std::vector<std::size_t> parent(m_sites.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](std::size_t x) {
        while (parent[x] != x)
        {
            x = parent[x] = parent[parent[x]];
        }
        return x;
    };
    for (const WanLink& l : m_links)
    {
        if (l.channel->IsLit())
        {
            parent[find(SiteIndex(l.siteA))] = find(SiteIndex(l.siteB));
        }
    }
    const double now = NowNs();
    for (auto& [pair, intervals] : m_partitions)
    {
        const std::size_t a = SiteIndex(pair.first);
        const std::size_t b = SiteIndex(pair.second);
        const bool joined = m_gatewayUp[a] && m_gatewayUp[b] && find(a) == find(b);
        const bool open = !intervals.empty() && !intervals.back().second;
        if (!joined && !open)
        {
            intervals.emplace_back(now, std::nullopt);
        }
        else if (joined && open)
        {
            intervals.back().second = now;
        }
    }
}

} // namespace ofab
