// LightpathPlan: failures of routes, ducts and ROADMs, repairs, and restoration.
#include "ofab/topologies/lightpath-routing.h"

#include <algorithm>

namespace ofab::topo
{

bool
LightpathPlan::Survives(const WavelengthChannel& c) const
{
    const bool routes =
        std::all_of(c.path.routes.begin(), c.path.routes.end(), [&](uint32_t r) { return RouteUsable(r); });
    const bool nodes = std::all_of(c.path.nodes.begin(), c.path.nodes.end(), [&](uint32_t n) { return m_nodeUp[n]; });
    return routes && nodes;
}

FailureImpact
LightpathPlan::Apply(std::vector<uint32_t> newlyDownRoutes)
{
    FailureImpact impact;
    impact.routes = std::move(newlyDownRoutes);
    for (Lightpath& lp : m_lightpaths)
    {
        if (!lp.up)
        {
            continue;
        }
        const bool workingOk = Survives(lp.working);
        const bool protectionOk = lp.protection && Survives(*lp.protection);
        if (workingOk)
        {
            if (lp.protection && !protectionOk)
            {
                Release(*lp.protection);
                lp.protection.reset();
                lp.protectionReason = DownReason::Failed;
                impact.protectionLost.push_back(lp.id);
            }
            continue;
        }
        // The broken working path's wavelength is released at once: its light is gone, and
        // restoration may reuse the surviving routes' share of it.
        Release(lp.working);
        if (protectionOk)
        {
            lp.working = *lp.protection;
            lp.protection.reset();
            lp.protectionReason = DownReason::Failed;
            impact.switchedToProtection.push_back(lp.id);
            continue;
        }
        if (lp.protection)
        {
            Release(*lp.protection);
            lp.protection.reset();
            lp.protectionReason = DownReason::Failed;
        }
        lp.up = false;
        lp.reason = DownReason::Failed;
        lp.lastPath = lp.working.path;
        lp.working = WavelengthChannel{};
        impact.down.push_back(lp.id);
    }
    return impact;
}

FailureImpact
LightpathPlan::FailRoute(uint32_t route)
{
    if (route >= m_mesh.NumRoutes())
    {
        throw TopologyError("FailRoute: no route " + std::to_string(route));
    }
    std::vector<uint32_t> down;
    if (RouteUsable(route))
    {
        down.push_back(route);
    }
    m_routeUp[route] = false;
    return Apply(down);
}

FailureImpact
LightpathPlan::FailDuct(const std::string& duct)
{
    const std::vector<uint32_t> routes = m_mesh.RoutesInDuct(duct);
    if (routes.empty())
    {
        throw TopologyError("FailDuct: the mesh has no duct '" + duct + "'");
    }
    std::vector<uint32_t> down;
    for (uint32_t r : routes)
    {
        if (RouteUsable(r))
        {
            down.push_back(r);
        }
        m_routeUp[r] = false;
    }
    return Apply(down);
}

FailureImpact
LightpathPlan::FailNode(uint32_t node)
{
    if (node >= m_mesh.NumNodes())
    {
        throw TopologyError("FailNode: no node " + std::to_string(node));
    }
    std::vector<uint32_t> down;
    for (uint32_t r : m_mesh.RoutesAt(node))
    {
        if (RouteUsable(r))
        {
            down.push_back(r);
        }
    }
    m_nodeUp[node] = false;
    return Apply(down);
}

void
LightpathPlan::RepairRoute(uint32_t route)
{
    m_routeUp.at(route) = true;
}

void
LightpathPlan::RepairDuct(const std::string& duct)
{
    for (uint32_t r : m_mesh.RoutesInDuct(duct))
    {
        m_routeUp[r] = true;
    }
}

void
LightpathPlan::RepairNode(uint32_t node)
{
    m_nodeUp.at(node) = true;
}

std::vector<RestorationOutcome>
LightpathPlan::Restore()
{
    std::vector<RestorationOutcome> outcomes;
    for (Lightpath& lp : m_lightpaths)
    {
        if (lp.up)
        {
            continue;
        }
        RestorationOutcome o;
        o.lightpath = lp.id;
        if (!m_nodeUp[lp.request.a] || !m_nodeUp[lp.request.b])
        {
            lp.reason = o.reason = DownReason::EndpointDown;
            outcomes.push_back(o);
            continue;
        }
        const Attempt at = Find(lp.request.a, lp.request.b, UsableRoutes(), {});
        if (!at.channel)
        {
            lp.reason = o.reason = at.reason;
            outcomes.push_back(o);
            continue;
        }
        lp.up = true;
        lp.reason = DownReason::None;
        lp.working = *at.channel;
        lp.protectionReason = lp.request.protection ? DownReason::Failed : DownReason::None;
        Reserve(lp.working, lp.id);
        o.restored = true;
        o.channel = lp.working;
        outcomes.push_back(o);
    }
    // Protection comes after every restoration: a working path for a down lightpath is worth more
    // than a standby path for one that is up.
    for (Lightpath& lp : m_lightpaths)
    {
        if (!lp.up || !lp.request.protection || lp.protection)
        {
            continue;
        }
        DownReason why = DownReason::None;
        if (auto prot = FindProtection(lp.working, why))
        {
            lp.protection = prot;
            Reserve(*prot, lp.id);
        }
        lp.protectionReason = why;
    }
    return outcomes;
}

} // namespace ofab::topo
