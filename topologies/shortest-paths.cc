#include "ofab/topologies/shortest-paths.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <string>
#include <utility>

namespace ofab::topo
{
namespace detail
{

void
BfsInto(const Graph& g, uint32_t src, const LinkMask& mask, std::vector<uint32_t>& out)
{
    out.assign(g.NumNodes(), kUnreachableHops);
    std::vector<uint32_t> queue;
    queue.reserve(g.NumNodes());
    out[src] = 0;
    queue.push_back(src);
    for (std::size_t head = 0; head < queue.size(); ++head)
    {
        const uint32_t u = queue[head];
        if (u != src && !g.GetNode(u).transit)
        {
            continue; // reached, but may not forward
        }
        for (const Adjacency& e : g.GetNeighbours(u))
        {
            if (!IsUp(mask, e.link) || out[e.neighbour] != kUnreachableHops)
            {
                continue;
            }
            out[e.neighbour] = out[u] + 1;
            queue.push_back(e.neighbour);
        }
    }
}

void
DijkstraInto(const Graph& g, uint32_t src, const LinkMask& mask, const LinkWeights& weights, std::vector<double>& out)
{
    if (weights.empty())
    {
        std::vector<uint32_t> hops;
        BfsInto(g, src, mask, hops);
        out.resize(hops.size());
        for (std::size_t i = 0; i < hops.size(); ++i)
        {
            out[i] = hops[i] == kUnreachableHops ? kUnreachable : static_cast<double>(hops[i]);
        }
        return;
    }
    out.assign(g.NumNodes(), kUnreachable);
    using Item = std::pair<double, uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    out[src] = 0.0;
    heap.emplace(0.0, src);
    while (!heap.empty())
    {
        const auto [d, u] = heap.top();
        heap.pop();
        if (d > out[u])
        {
            continue;
        }
        if (u != src && !g.GetNode(u).transit)
        {
            continue;
        }
        for (const Adjacency& e : g.GetNeighbours(u))
        {
            if (!IsUp(mask, e.link))
            {
                continue;
            }
            const double nd = d + weights[e.link];
            if (nd < out[e.neighbour])
            {
                out[e.neighbour] = nd;
                heap.emplace(nd, e.neighbour);
            }
        }
    }
}

} // namespace detail

namespace
{
void
CheckNode(const Graph& g, uint32_t n, const char* what)
{
    if (n >= g.NumNodes())
    {
        throw TopologyError(std::string("shortest paths: ") + what + " " + std::to_string(n) +
                            " is not a node (graph has " + std::to_string(g.NumNodes()) + ")");
    }
}
} // namespace

std::vector<uint32_t>
HopDistances(const Graph& g, uint32_t src, const LinkMask& mask)
{
    ValidateLinkState(g, mask, {});
    CheckNode(g, src, "source");
    std::vector<uint32_t> out;
    detail::BfsInto(g, src, mask, out);
    return out;
}

std::vector<double>
Distances(const Graph& g, uint32_t src, const LinkMask& mask, const LinkWeights& weights)
{
    ValidateLinkState(g, mask, weights);
    CheckNode(g, src, "source");
    std::vector<double> out;
    detail::DijkstraInto(g, src, mask, weights, out);
    return out;
}

Path
ShortestPath(const Graph& g, uint32_t src, uint32_t dst, const LinkMask& mask, const LinkWeights& weights)
{
    ValidateLinkState(g, mask, weights);
    CheckNode(g, src, "source");
    CheckNode(g, dst, "destination");
    // Distances from dst, then walk greedily from src: every step lands on a node strictly closer.
    std::vector<double> dist;
    detail::DijkstraInto(g, dst, mask, weights, dist);
    Path path;
    if (dist[src] == kUnreachable)
    {
        return path;
    }
    path.nodes.push_back(src);
    path.cost = dist[src];
    uint32_t u = src;
    while (u != dst)
    {
        // The tree predecessor satisfies dist[v] + w == dist[u] exactly (same float operation); the
        // fallback to the closest neighbour only matters for absurdly small weights.
        const double tol = 1e-9 * std::max(1.0, dist[u]);
        const Adjacency* next = nullptr;
        const Adjacency* closest = nullptr;
        for (const Adjacency& e : g.GetNeighbours(u))
        {
            const uint32_t v = e.neighbour;
            if (!IsUp(mask, e.link) || (v != dst && !g.GetNode(v).transit) || !(dist[v] < dist[u]))
            {
                continue;
            }
            if (!closest || dist[v] < dist[closest->neighbour])
            {
                closest = &e;
            }
            if (dist[v] + WeightOf(weights, e.link) <= dist[u] + tol)
            {
                next = &e;
                break;
            }
        }
        if (!next)
        {
            next = closest;
        }
        if (!next)
        {
            return Path{};
        }
        path.links.push_back(next->link);
        path.ports.push_back(next->port);
        path.nodes.push_back(next->neighbour);
        u = next->neighbour;
    }
    return path;
}

} // namespace ofab::topo
