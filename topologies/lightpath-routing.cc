#include "ofab/topologies/lightpath-routing.h"

#include <algorithm>
#include <set>

namespace ofab::topo
{

const char*
ToString(DownReason reason)
{
    switch (reason)
    {
    case DownReason::None:
        return "up";
    case DownReason::Failed:
        return "failed, not restored";
    case DownReason::EndpointDown:
        return "an endpoint ROADM is down";
    case DownReason::NoPath:
        return "no surviving path";
    case DownReason::NoWavelength:
        return "no continuous wavelength free";
    case DownReason::DoesNotClose:
        return "OSNR does not close";
    case DownReason::NoDisjointPath:
        return "no disjoint path";
    }
    return "?";
}

std::vector<uint32_t>
FailureImpact::Affected() const
{
    std::set<uint32_t> all(down.begin(), down.end());
    all.insert(switchedToProtection.begin(), switchedToProtection.end());
    all.insert(protectionLost.begin(), protectionLost.end());
    return {all.begin(), all.end()};
}

LightpathPlan::LightpathPlan(const OpticalMesh& mesh, PathFeasibility feasible, RwaOptions options)
    : m_mesh(mesh),
      m_feasible(std::move(feasible)),
      m_options(options),
      m_routeUp(mesh.NumRoutes(), true),
      m_nodeUp(mesh.NumNodes(), true)
{
    if (m_options.kPaths == 0)
    {
        throw TopologyError("LightpathPlan: expected at least one candidate path (kPaths >= 1)");
    }
    for (const MeshRoute& r : mesh.GetRoutes())
    {
        m_owner.emplace_back(r.wavelengths, -1);
    }
}

bool
LightpathPlan::RouteUsable(uint32_t route) const
{
    const MeshRoute& r = m_mesh.GetRoute(route);
    return m_routeUp[route] && m_nodeUp[r.a] && m_nodeUp[r.b];
}

std::vector<bool>
LightpathPlan::UsableRoutes() const
{
    std::vector<bool> up(m_mesh.NumRoutes());
    for (uint32_t r = 0; r < up.size(); ++r)
    {
        up[r] = RouteUsable(r);
    }
    return up;
}

uint32_t
LightpathPlan::FreeWavelengths(uint32_t route) const
{
    const auto& o = m_owner.at(route);
    return static_cast<uint32_t>(std::count(o.begin(), o.end(), -1));
}

std::optional<uint32_t>
LightpathPlan::FirstFit(const MeshPath& path) const
{
    // Continuity: one index free on every route; a route with fewer wavelengths ends the search there.
    uint32_t limit = UINT32_MAX;
    for (uint32_t r : path.routes)
    {
        limit = std::min(limit, m_mesh.GetRoute(r).wavelengths);
    }
    for (uint32_t w = 0; w < limit; ++w)
    {
        const bool free =
            std::all_of(path.routes.begin(), path.routes.end(), [&](uint32_t r) { return m_owner[r][w] < 0; });
        if (free)
        {
            return w;
        }
    }
    return std::nullopt;
}

LightpathPlan::Attempt
LightpathPlan::Find(uint32_t a, uint32_t b, std::vector<bool> routes, const std::vector<uint32_t>& avoidNodes) const
{
    std::vector<bool> nodes = m_nodeUp;
    for (uint32_t n : avoidNodes)
    {
        nodes[n] = false;
    }
    Attempt at;
    bool someCloses = false;
    for (const MeshPath& p : KShortestMeshPaths(m_mesh, a, b, m_options.kPaths, routes, nodes))
    {
        if (at.firstCandidate.Empty())
        {
            at.firstCandidate = p;
        }
        if (m_feasible && !m_feasible(p))
        {
            continue;
        }
        someCloses = true;
        if (const auto w = FirstFit(p))
        {
            at.channel = WavelengthChannel{p, *w};
            at.reason = DownReason::None;
            return at;
        }
    }
    // A closing path that lacked only a wavelength is the binding constraint; otherwise the optics are.
    at.reason = at.firstCandidate.Empty() ? DownReason::NoPath
                : someCloses              ? DownReason::NoWavelength
                                          : DownReason::DoesNotClose;
    return at;
}

std::optional<WavelengthChannel>
LightpathPlan::FindProtection(const WavelengthChannel& working, DownReason& why) const
{
    // Disjoint: no route in a duct the working path uses, no ROADM of it but the two endpoints.
    std::set<std::string> ducts;
    for (uint32_t r : working.path.routes)
    {
        ducts.insert(m_mesh.GetRoute(r).duct);
    }
    std::vector<bool> routes = UsableRoutes();
    for (const MeshRoute& r : m_mesh.GetRoutes())
    {
        if (ducts.count(r.duct) > 0)
        {
            routes[r.id] = false;
        }
    }
    const std::vector<uint32_t> inner(working.path.nodes.begin() + 1, working.path.nodes.end() - 1);
    Attempt at = Find(working.path.nodes.front(), working.path.nodes.back(), routes, inner);
    why = at.channel ? DownReason::None : at.reason == DownReason::NoPath ? DownReason::NoDisjointPath : at.reason;
    return at.channel;
}

void
LightpathPlan::Reserve(const WavelengthChannel& c, uint32_t id)
{
    for (uint32_t r : c.path.routes)
    {
        m_owner[r][c.wavelength] = static_cast<int32_t>(id);
    }
}

void
LightpathPlan::Release(const WavelengthChannel& c)
{
    for (uint32_t r : c.path.routes)
    {
        m_owner[r][c.wavelength] = -1;
    }
}

uint32_t
LightpathPlan::Provision(const LightpathRequest& request)
{
    if (request.a >= m_mesh.NumNodes() || request.b >= m_mesh.NumNodes() || request.a == request.b)
    {
        throw TopologyError("Provision: expected two distinct ROADMs of the mesh");
    }
    Lightpath lp;
    lp.id = static_cast<uint32_t>(m_lightpaths.size());
    lp.request = request;
    const Attempt alone = Find(request.a, request.b, UsableRoutes(), {});
    if (!alone.channel)
    {
        lp.reason = alone.reason;
        lp.lastPath = alone.firstCandidate;
        m_lightpaths.push_back(lp);
        return lp.id;
    }
    lp.up = true;
    lp.working = *alone.channel;
    if (request.protection)
    {
        // Try each working candidate in order until one has a disjoint partner: the shortest working
        // path can block every disjoint alternative (the "trap" topology) where a longer one does not.
        lp.protectionReason = DownReason::NoDisjointPath;
        for (const MeshPath& p :
             KShortestMeshPaths(m_mesh, request.a, request.b, m_options.kPaths, UsableRoutes(), m_nodeUp))
        {
            const auto w = FirstFit(p);
            if (!w || (m_feasible && !m_feasible(p)))
            {
                continue;
            }
            const WavelengthChannel working{p, *w};
            DownReason why = DownReason::None;
            if (auto prot = FindProtection(working, why))
            {
                lp.working = working;
                lp.protection = prot;
                lp.protectionReason = DownReason::None;
                break;
            }
            if (p == alone.channel->path)
            {
                lp.protectionReason = why; // the reason reported is the first working path's
            }
        }
    }
    Reserve(lp.working, lp.id);
    if (lp.protection)
    {
        Reserve(*lp.protection, lp.id);
    }
    m_lightpaths.push_back(lp);
    return lp.id;
}

std::vector<uint32_t>
LightpathPlan::LightpathsOverRoute(uint32_t route) const
{
    std::set<uint32_t> ids;
    for (int32_t o : m_owner.at(route))
    {
        if (o >= 0)
        {
            ids.insert(static_cast<uint32_t>(o));
        }
    }
    return {ids.begin(), ids.end()};
}

std::map<std::string, std::vector<uint32_t>>
LightpathPlan::SharedRiskGroups() const
{
    std::map<std::string, std::set<uint32_t>> groups;
    for (const MeshRoute& r : m_mesh.GetRoutes())
    {
        auto& g = groups[r.duct];
        for (uint32_t id : LightpathsOverRoute(r.id))
        {
            g.insert(id);
        }
    }
    std::map<std::string, std::vector<uint32_t>> out;
    for (const auto& [duct, ids] : groups)
    {
        out[duct] = {ids.begin(), ids.end()};
    }
    return out;
}

} // namespace ofab::topo
