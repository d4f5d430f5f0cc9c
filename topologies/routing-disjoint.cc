#include "ofab/topologies/routing-disjoint.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <string>
#include <utility>

namespace ofab::topo
{
namespace
{

// Residual network: every up link becomes two unit arcs (one per direction), each with a
// zero-capacity reverse twin at index ^ 1.
struct Arc
{
    uint32_t to;
    uint32_t link;
    int cap;
    double cost;
};

class FlowNetwork
{
  public:
    FlowNetwork(const Graph& g, uint32_t src, const LinkMask& mask, const LinkWeights& weights)
        : m_out(g.NumNodes())
    {
        for (const Link& l : g.GetLinks())
        {
            if (!IsUp(mask, l.id))
            {
                continue;
            }
            const double w = WeightOf(weights, l.id);
            // A node that may not forward keeps only the arcs that end a path there.
            if (l.a == src || g.GetNode(l.a).transit)
            {
                AddArc(l.a, l.b, l.id, w);
            }
            if (l.b == src || g.GetNode(l.b).transit)
            {
                AddArc(l.b, l.a, l.id, w);
            }
        }
    }

    // Successive shortest augmenting paths with Johnson potentials (all reduced costs >= 0).
    int Augment(uint32_t src, uint32_t dst, int k)
    {
        const std::size_t n = m_out.size();
        std::vector<double> potential(n, 0.0), dist(n);
        std::vector<uint32_t> viaArc(n);
        int flow = 0;
        for (; flow < k; ++flow)
        {
            std::fill(dist.begin(), dist.end(), kUnreachable);
            using Item = std::pair<double, uint32_t>;
            std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
            dist[src] = 0.0;
            heap.emplace(0.0, src);
            while (!heap.empty())
            {
                const auto [d, u] = heap.top();
                heap.pop();
                if (d > dist[u])
                {
                    continue;
                }
                for (uint32_t ai : m_out[u])
                {
                    const Arc& a = m_arcs[ai];
                    if (a.cap <= 0)
                    {
                        continue;
                    }
                    const double reduced = std::max(0.0, a.cost + potential[u] - potential[a.to]);
                    if (d + reduced < dist[a.to])
                    {
                        dist[a.to] = d + reduced;
                        viaArc[a.to] = ai;
                        heap.emplace(dist[a.to], a.to);
                    }
                }
            }
            if (dist[dst] == kUnreachable)
            {
                break;
            }
            for (std::size_t v = 0; v < n; ++v)
            {
                if (dist[v] != kUnreachable)
                {
                    potential[v] += dist[v];
                }
            }
            for (uint32_t v = dst; v != src;)
            {
                const uint32_t ai = viaArc[v];
                --m_arcs[ai].cap;
                ++m_arcs[ai ^ 1].cap;
                v = m_arcs[ai ^ 1].to;
            }
        }
        return flow;
    }

    // Forward arcs carrying flow, by tail node, with opposite flows on one link cancelled.
    std::vector<std::vector<uint32_t>> FlowArcs(const Graph& g) const
    {
        std::vector<int> net(g.NumLinks(), 0); // +1: a->b, -1: b->a
        for (std::size_t ai = 0; ai < m_arcs.size(); ai += 2)
        {
            if (m_arcs[ai].cap == 0)
            {
                const Link& l = g.GetLink(m_arcs[ai].link);
                net[l.id] += m_arcs[ai].to == l.b ? 1 : -1;
            }
        }
        std::vector<std::vector<uint32_t>> byTail(m_out.size());
        for (std::size_t ai = 0; ai < m_arcs.size(); ai += 2)
        {
            const Link& l = g.GetLink(m_arcs[ai].link);
            const bool aToB = m_arcs[ai].to == l.b;
            if (m_arcs[ai].cap == 0 && net[l.id] == (aToB ? 1 : -1))
            {
                byTail[aToB ? l.a : l.b].push_back(static_cast<uint32_t>(ai));
            }
        }
        return byTail;
    }

    const Arc& GetArc(uint32_t i) const { return m_arcs[i]; }

  private:
    void AddArc(uint32_t from, uint32_t to, uint32_t link, double cost)
    {
        m_out[from].push_back(static_cast<uint32_t>(m_arcs.size()));
        m_arcs.push_back(Arc{to, link, 1, cost});
        m_out[to].push_back(static_cast<uint32_t>(m_arcs.size()));
        m_arcs.push_back(Arc{from, link, 0, -cost});
    }

    std::vector<Arc> m_arcs;
    std::vector<std::vector<uint32_t>> m_out;
};

} // namespace

std::vector<Path>
KDisjointPaths(const Graph& g, uint32_t src, uint32_t dst, int k, const LinkMask& mask, const LinkWeights& weights)
{
    ValidateLinkState(g, mask, weights);
    if (k < 1)
    {
        throw TopologyError("disjoint paths: k must be >= 1, got " + std::to_string(k));
    }
    if (src >= g.NumNodes() || dst >= g.NumNodes())
    {
        throw TopologyError("disjoint paths: node " + std::to_string(src >= g.NumNodes() ? src : dst) +
                            " out of range (graph has " + std::to_string(g.NumNodes()) + " nodes)");
    }
    if (src == dst)
    {
        throw TopologyError("disjoint paths: src and dst are the same node '" + g.GetNode(src).name + "'");
    }
    FlowNetwork net(g, src, mask, weights);
    const int found = net.Augment(src, dst, k);

    // A minimum-cost flow with positive costs holds no cycles, so walking any unused flow arc from
    // src always ends at dst without revisiting a node.
    std::vector<std::vector<uint32_t>> byTail = net.FlowArcs(g);
    std::vector<Path> paths;
    for (int i = 0; i < found; ++i)
    {
        Path p;
        p.nodes.push_back(src);
        for (uint32_t u = src; u != dst;)
        {
            if (byTail[u].empty())
            {
                break; // cannot happen for a valid flow; stay safe
            }
            const uint32_t ai = byTail[u].back();
            byTail[u].pop_back();
            const Arc& a = net.GetArc(ai);
            p.links.push_back(a.link);
            p.ports.push_back(g.PortAt(a.link, u));
            p.nodes.push_back(a.to);
            p.cost += WeightOf(weights, a.link);
            u = a.to;
        }
        if (p.nodes.back() == dst)
        {
            paths.push_back(std::move(p));
        }
    }
    std::stable_sort(paths.begin(), paths.end(), [](const Path& x, const Path& y) {
        if (x.cost != y.cost)
        {
            return x.cost < y.cost;
        }
        if (x.hops() != y.hops())
        {
            return x.hops() < y.hops();
        }
        return x.ports < y.ports;
    });
    return paths;
}

} // namespace ofab::topo
