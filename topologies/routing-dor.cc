#include "ofab/topologies/routing-dor.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "ofab/topologies/shortest-paths.h"

namespace ofab::topo
{

DimensionOrderRouter::DimensionOrderRouter(const Graph& g)
{
    if (!g.GetGrid())
    {
        throw TopologyError("dimension-order routing: graph '" + g.GetKind() +
                            "' is not a torus, mesh or ring (no grid shape)");
    }
    m_dims = g.GetGrid()->dims;
    m_wrap = g.GetGrid()->wrap;
    const std::size_t n = m_dims.size();
    uint64_t total = 1;
    m_stride.assign(n, 1);
    for (std::size_t d = 0; d < n; ++d)
    {
        if (d)
        {
            m_stride[d] = m_stride[d - 1] * static_cast<uint32_t>(m_dims[d - 1]);
        }
        total *= static_cast<uint64_t>(m_dims[d]);
    }
    if (total != g.NumNodes())
    {
        throw TopologyError("dimension-order routing: grid shape has " + std::to_string(total) + " nodes, graph has " +
                            std::to_string(g.NumNodes()));
    }
    m_numNodes = static_cast<uint32_t>(total);
    m_plusLink.assign(total * n, kNoPort);
    m_minusLink = m_plusLink;
    m_plusPort = m_plusLink;
    m_minusPort = m_plusLink;
    m_plusNext = m_plusLink;
    m_minusNext = m_plusLink;
    m_linkIsWrap.assign(g.NumLinks(), false);
    // Grid links are oriented: b is a's "+" neighbour in link.dimension.
    for (const Link& l : g.GetLinks())
    {
        m_linkIsWrap[l.id] = l.wrap;
        if (l.dimension < 0)
        {
            continue;
        }
        const auto d = static_cast<std::size_t>(l.dimension);
        if (d >= n)
        {
            throw TopologyError("dimension-order routing: link " + std::to_string(l.id) + " has dimension " +
                                std::to_string(l.dimension) + ", grid has " + std::to_string(n));
        }
        m_plusLink[l.a * n + d] = l.id;
        m_plusPort[l.a * n + d] = l.portA;
        m_plusNext[l.a * n + d] = l.b;
        m_minusLink[l.b * n + d] = l.id;
        m_minusPort[l.b * n + d] = l.portB;
        m_minusNext[l.b * n + d] = l.a;
    }
    for (uint32_t v = 0; v < m_numNodes; ++v)
    {
        for (std::size_t d = 0; d < n; ++d)
        {
            const int c = Coord(v, d);
            const bool needPlus = m_wrap || c + 1 < m_dims[d], needMinus = m_wrap || c > 0;
            if ((needPlus && m_plusLink[v * n + d] == kNoPort) || (needMinus && m_minusLink[v * n + d] == kNoPort))
            {
                throw TopologyError("dimension-order routing: node '" + g.GetNode(v).name + "' lacks its " +
                                    (needPlus && m_plusLink[v * n + d] == kNoPort ? "+" : "-") + "d" +
                                    std::to_string(d) + " link");
            }
        }
    }
}

void
DimensionOrderRouter::CheckNodes(uint32_t a, uint32_t b) const
{
    if (a >= m_numNodes || b >= m_numNodes)
    {
        throw TopologyError("dimension-order routing: node " + std::to_string(a >= m_numNodes ? a : b) +
                            " out of range (grid has " + std::to_string(m_numNodes) + " nodes)");
    }
}

uint32_t
DimensionOrderRouter::Distance(uint32_t src, uint32_t dst) const
{
    CheckNodes(src, dst);
    uint32_t hops = 0;
    for (std::size_t d = 0; d < m_dims.size(); ++d)
    {
        const int k = m_dims[d];
        const int delta = ((Coord(dst, d) - Coord(src, d)) % k + k) % k;
        if (m_wrap)
        {
            hops += static_cast<uint32_t>(std::min(delta, k - delta));
        }
        else
        {
            hops += static_cast<uint32_t>(std::abs(Coord(dst, d) - Coord(src, d)));
        }
    }
    return hops;
}

DorStep
DimensionOrderRouter::StepIn(uint32_t node, std::size_t d, bool plus) const
{
    DorStep s;
    const std::size_t i = node * m_dims.size() + d;
    s.link = plus ? m_plusLink[i] : m_minusLink[i];
    s.port = plus ? m_plusPort[i] : m_minusPort[i];
    s.next = plus ? m_plusNext[i] : m_minusNext[i];
    s.dimension = static_cast<int>(d);
    s.direction = plus ? +1 : -1;
    s.crossesDateline = m_linkIsWrap[s.link];
    return s;
}

DorStep
DimensionOrderRouter::Step(uint32_t node, uint32_t dst) const
{
    CheckNodes(node, dst);
    for (std::size_t d = 0; d < m_dims.size(); ++d)
    {
        const int c = Coord(node, d), t = Coord(dst, d);
        if (c == t)
        {
            continue;
        }
        const int k = m_dims[d];
        if (m_wrap)
        {
            const int forward = ((t - c) % k + k) % k;
            return StepIn(node, d, forward <= k - forward); // tie toward +
        }
        return StepIn(node, d, t > c);
    }
    return DorStep{};
}

double
DimensionOrderRouter::WayCost(uint32_t node, std::size_t d, int direction, int steps, const LinkMask& mask,
                              const LinkWeights& weights) const
{
    const std::size_t n = m_dims.size();
    double cost = 0.0;
    for (uint32_t at = node; steps > 0; --steps)
    {
        const uint32_t link = direction > 0 ? m_plusLink[at * n + d] : m_minusLink[at * n + d];
        if (!IsUp(mask, link))
        {
            return kUnreachable;
        }
        cost += WeightOf(weights, link);
        at = direction > 0 ? m_plusNext[at * n + d] : m_minusNext[at * n + d];
    }
    return cost;
}

DorStep
DimensionOrderRouter::Step(uint32_t node, uint32_t dst, const LinkMask& mask, const LinkWeights& weights) const
{
    if (mask.empty() && weights.empty())
    {
        return Step(node, dst);
    }
    return Steps(node, dst, mask, weights).front();
}

std::vector<DorStep>
DimensionOrderRouter::Steps(uint32_t node, uint32_t dst, const LinkMask& mask, const LinkWeights& weights) const
{
    CheckNodes(node, dst);
    for (std::size_t d = 0; d < m_dims.size(); ++d)
    {
        const int c = Coord(node, d), t = Coord(dst, d);
        if (c == t)
        {
            continue;
        }
        const int k = m_dims[d];
        const int forward = ((t - c) % k + k) % k;
        const double plus = (m_wrap || t > c) ? WayCost(node, d, +1, forward, mask, weights) : kUnreachable;
        const double minus = (m_wrap || t < c) ? WayCost(node, d, -1, k - forward, mask, weights) : kUnreachable;
        if (plus == kUnreachable && minus == kUnreachable)
        {
            DorStep blocked;
            blocked.dimension = static_cast<int>(d);
            blocked.blocked = true;
            return {blocked};
        }
        if (plus == minus)
        {
            return {StepIn(node, d, true), StepIn(node, d, false)};
        }
        return {StepIn(node, d, plus < minus)};
    }
    return {DorStep{}};
}

std::vector<DorHop>
DimensionOrderRouter::Route(uint32_t src, uint32_t dst) const
{
    CheckNodes(src, dst);
    std::vector<DorHop> route;
    uint8_t vc = 0;
    int dim = -1;
    for (uint32_t at = src; at != dst;)
    {
        const DorStep s = Step(at, dst);
        vc = NextVc(vc, dim, s);
        dim = s.dimension;
        route.push_back(DorHop{at, s.next, s.link, s.port, s.dimension, s.direction, vc});
        at = s.next;
    }
    return route;
}

std::vector<DorHop>
DimensionOrderRouter::Route(uint32_t src, uint32_t dst, const LinkMask& mask, const LinkWeights& weights) const
{
    CheckNodes(src, dst);
    std::vector<DorHop> route;
    uint8_t vc = 0;
    int dim = -1;
    std::size_t limit = 0; // a masked route corrects each dimension at most once, the long way at worst
    for (int k : m_dims)
    {
        limit += static_cast<std::size_t>(k);
    }
    for (uint32_t at = src; at != dst;)
    {
        const DorStep s = Step(at, dst, mask, weights);
        if (s.blocked)
        {
            return {};
        }
        if (route.size() == limit)
        {
            throw TopologyError("dimension-order routing: masked route " + std::to_string(src) + " -> " +
                                std::to_string(dst) + " does not converge");
        }
        vc = NextVc(vc, dim, s);
        dim = s.dimension;
        route.push_back(DorHop{at, s.next, s.link, s.port, s.dimension, s.direction, vc});
        at = s.next;
    }
    return route;
}

NextHopTable
DimensionOrderRouter::BuildTable() const
{
    detail::CheckTableSize("dimension-order table", m_numNodes, m_numNodes);
    detail::TableWriter table(m_numNodes, m_numNodes);
    std::vector<double> dist(static_cast<std::size_t>(m_numNodes) * m_numNodes);
    for (uint32_t v = 0; v < m_numNodes; ++v)
    {
        for (uint32_t d = 0; d < m_numNodes; ++d)
        {
            if (v != d)
            {
                table.Add(Step(v, d).port);
            }
            table.EndEntry();
            dist[static_cast<std::size_t>(v) * m_numNodes + d] = Distance(v, d);
        }
    }
    return table.Finish(dist);
}

bool
RouteIsUp(const std::vector<DorHop>& route, const LinkMask& mask)
{
    for (const DorHop& h : route)
    {
        if (!mask.empty() && h.link >= mask.size())
        {
            throw TopologyError("dimension-order routing: route uses link " + std::to_string(h.link) +
                                " but the mask has " + std::to_string(mask.size()) + " entries");
        }
        if (!IsUp(mask, h.link))
        {
            return false;
        }
    }
    return true;
}

} // namespace ofab::topo
