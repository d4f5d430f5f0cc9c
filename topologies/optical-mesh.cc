#include "ofab/topologies/optical-mesh.h"

#include "ofab/topologies/shortest-paths.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace ofab::topo
{

uint32_t
OpticalMesh::AddNode(const std::string& name)
{
    if (name.empty())
    {
        throw TopologyError("optical mesh: a node needs a name");
    }
    // Graph checks duplicates and whitespace; ROADMs forward light through them (transit).
    return m_graph.AddNode(NodeRole::Switch, name);
}

uint32_t
OpticalMesh::AddRoute(uint32_t a, uint32_t b, double lengthKm, uint32_t wavelengths, std::string duct)
{
    if (a >= NumNodes() || b >= NumNodes())
    {
        throw TopologyError("optical mesh: route between unknown nodes " + std::to_string(a) + " and " +
                            std::to_string(b));
    }
    if (a == b)
    {
        throw TopologyError("optical mesh: route from " + NodeName(a) + " to itself");
    }
    if (!std::isfinite(lengthKm) || lengthKm <= 0)
    {
        throw TopologyError("optical mesh: route " + NodeName(a) + "-" + NodeName(b) +
                            ": expected a length above 0 km, got " + std::to_string(lengthKm));
    }
    if (wavelengths == 0)
    {
        throw TopologyError("optical mesh: route " + NodeName(a) + "-" + NodeName(b) + " carries no wavelength");
    }
    MeshRoute r;
    r.id = static_cast<uint32_t>(m_routes.size());
    r.a = a;
    r.b = b;
    r.lengthKm = lengthKm;
    r.wavelengths = wavelengths;
    r.duct = duct.empty() ? "route:" + std::to_string(r.id) : std::move(duct);
    LinkAttrs attrs;
    attrs.lengthM = lengthKm * 1000.0;
    attrs.linkClass = "fibre_route";
    m_graph.AddLink(a, b, attrs);
    m_routes.push_back(std::move(r));
    return m_routes.back().id;
}

std::vector<std::string>
OpticalMesh::Ducts() const
{
    std::set<std::string> ducts;
    for (const MeshRoute& r : m_routes)
    {
        ducts.insert(r.duct);
    }
    return {ducts.begin(), ducts.end()};
}

std::vector<uint32_t>
OpticalMesh::RoutesInDuct(const std::string& duct) const
{
    std::vector<uint32_t> out;
    for (const MeshRoute& r : m_routes)
    {
        if (r.duct == duct)
        {
            out.push_back(r.id);
        }
    }
    return out;
}

std::vector<uint32_t>
OpticalMesh::RoutesAt(uint32_t node) const
{
    std::vector<uint32_t> out;
    for (const MeshRoute& r : m_routes)
    {
        if (r.a == node || r.b == node)
        {
            out.push_back(r.id);
        }
    }
    return out;
}

std::string
OpticalMesh::Describe(const MeshPath& path) const
{
    std::string s;
    for (uint32_t n : path.nodes)
    {
        s += (s.empty() ? "" : "-") + NodeName(n);
    }
    return s;
}

namespace
{

MeshPath
FromGraphPath(const OpticalMesh& mesh, const Path& p)
{
    MeshPath m;
    m.nodes = p.nodes;
    m.routes = p.links;
    for (uint32_t r : p.links)
    {
        m.lengthKm += mesh.GetRoute(r).lengthKm;
    }
    return m;
}

/// Orders candidates by length, then by their route ids: deterministic whatever the heap does.
bool
Shorter(const MeshPath& x, const MeshPath& y)
{
    if (x.lengthKm != y.lengthKm)
    {
        return x.lengthKm < y.lengthKm;
    }
    return x.routes < y.routes;
}

} // namespace

std::vector<MeshPath>
KShortestMeshPaths(const OpticalMesh& mesh, uint32_t a, uint32_t b, unsigned k, const std::vector<bool>& routeUp,
                   const std::vector<bool>& nodeUp)
{
    const std::size_t nodes = mesh.NumNodes();
    if (a >= nodes || b >= nodes || a == b || k == 0)
    {
        throw TopologyError("KShortestMeshPaths: expected two distinct known nodes and k >= 1");
    }
    if ((!routeUp.empty() && routeUp.size() != mesh.NumRoutes()) || (!nodeUp.empty() && nodeUp.size() != nodes))
    {
        throw TopologyError("KShortestMeshPaths: expected one flag per route and per node");
    }
    auto nodeIsUp = [&](uint32_t n) { return nodeUp.empty() || nodeUp[n]; };
    if (!nodeIsUp(a) || !nodeIsUp(b))
    {
        return {};
    }
    // The base mask: a route is usable when it is up and both of its ROADMs are.
    LinkMask base(mesh.NumRoutes(), true);
    LinkWeights km(mesh.NumRoutes());
    for (const MeshRoute& r : mesh.GetRoutes())
    {
        base[r.id] = (routeUp.empty() || routeUp[r.id]) && nodeIsUp(r.a) && nodeIsUp(r.b);
        km[r.id] = r.lengthKm;
    }
    const Graph& g = mesh.GetGraph();
    std::vector<MeshPath> found;
    const Path first = ShortestPath(g, a, b, base, km);
    if (first.nodes.empty())
    {
        return found;
    }
    found.push_back(FromGraphPath(mesh, first));
    std::vector<MeshPath> candidates;
    while (found.size() < k)
    {
        const MeshPath& last = found.back();
        for (std::size_t i = 0; i + 1 < last.nodes.size(); ++i)
        {
            // Spur from node i: the root (nodes 0..i) stays fixed; the spur may not reuse a root node
            // (loopless) nor leave by a route that an earlier path with the same root took.
            LinkMask mask = base;
            for (const MeshPath& p : found)
            {
                if (p.nodes.size() > i + 1 &&
                    std::equal(p.nodes.begin(), p.nodes.begin() + i + 1, last.nodes.begin()) &&
                    std::equal(p.routes.begin(), p.routes.begin() + i, last.routes.begin()))
                {
                    mask[p.routes[i]] = false;
                }
            }
            for (std::size_t j = 0; j < i; ++j)
            {
                for (uint32_t r : mesh.RoutesAt(last.nodes[j]))
                {
                    mask[r] = false;
                }
            }
            const Path spur = ShortestPath(g, last.nodes[i], b, mask, km);
            if (spur.nodes.empty())
            {
                continue;
            }
            MeshPath total;
            total.nodes.assign(last.nodes.begin(), last.nodes.begin() + i);
            total.routes.assign(last.routes.begin(), last.routes.begin() + i);
            total.nodes.insert(total.nodes.end(), spur.nodes.begin(), spur.nodes.end());
            total.routes.insert(total.routes.end(), spur.links.begin(), spur.links.end());
            for (uint32_t r : total.routes)
            {
                total.lengthKm += mesh.GetRoute(r).lengthKm;
            }
            const bool known = std::find(found.begin(), found.end(), total) != found.end() ||
                               std::find(candidates.begin(), candidates.end(), total) != candidates.end();
            if (!known)
            {
                candidates.push_back(std::move(total));
            }
        }
        if (candidates.empty())
        {
            break;
        }
        const auto best = std::min_element(candidates.begin(), candidates.end(), Shorter);
        found.push_back(*best);
        candidates.erase(best);
    }
    return found;
}

} // namespace ofab::topo
