#include "ofab/topologies/connectivity.h"

#include <algorithm>
#include <numeric>

namespace ofab::topo
{
namespace
{

struct UnionFind
{
    explicit UnionFind(std::size_t n)
        : parent(n)
    {
        std::iota(parent.begin(), parent.end(), 0u);
    }
    uint32_t Find(uint32_t x)
    {
        while (parent[x] != x)
        {
            x = parent[x] = parent[parent[x]];
        }
        return x;
    }
    void Unite(uint32_t a, uint32_t b)
    {
        a = Find(a);
        b = Find(b);
        if (a != b)
        {
            parent[std::max(a, b)] = std::min(a, b);
        }
    }
    std::vector<uint32_t> parent;
};

// Routability signature of one accelerator: the transit components it can enter, plus (for a
// non-transit endpoint) its direct up neighbours, since two endpoints may share a cable.
struct Reach
{
    std::vector<uint32_t> components; // sorted, unique
    std::vector<uint32_t> direct;     // sorted node ids, non-transit endpoints only
};

bool
Intersects(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b)
{
    auto i = a.begin(), j = b.begin();
    while (i != a.end() && j != b.end())
    {
        if (*i == *j)
        {
            return true;
        }
        if (*i < *j)
        {
            ++i;
        }
        else
        {
            ++j;
        }
    }
    return false;
}

// Calls onAffected(i, j) for every unreachable accelerator pair; stops when it returns false.
template <class F>
void
ForEachAffectedPair(const Graph& g, const LinkMask& mask, F onAffected)
{
    ValidateLinkState(g, mask, {});
    UnionFind uf(g.NumNodes());
    for (const Link& l : g.GetLinks())
    {
        if (IsUp(mask, l.id) && g.GetNode(l.a).transit && g.GetNode(l.b).transit)
        {
            uf.Unite(l.a, l.b);
        }
    }
    const auto& acc = g.GetAccelerators();
    std::vector<Reach> reach(acc.size());
    for (std::size_t i = 0; i < acc.size(); ++i)
    {
        const uint32_t x = acc[i];
        if (g.GetNode(x).transit)
        {
            reach[i].components.push_back(uf.Find(x));
            continue;
        }
        for (const Adjacency& e : g.GetNeighbours(x))
        {
            if (!IsUp(mask, e.link))
            {
                continue;
            }
            if (g.GetNode(e.neighbour).transit)
            {
                reach[i].components.push_back(uf.Find(e.neighbour));
            }
            else
            {
                reach[i].direct.push_back(e.neighbour);
            }
        }
        for (auto* v : {&reach[i].components, &reach[i].direct})
        {
            std::sort(v->begin(), v->end());
            v->erase(std::unique(v->begin(), v->end()), v->end());
        }
    }
    for (uint32_t i = 0; i < acc.size(); ++i)
    {
        for (uint32_t j = i + 1; j < acc.size(); ++j)
        {
            if (Intersects(reach[i].components, reach[j].components))
            {
                continue;
            }
            if (std::binary_search(reach[i].direct.begin(), reach[i].direct.end(), acc[j]))
            {
                continue;
            }
            if (!onAffected(i, j))
            {
                return;
            }
        }
    }
}

} // namespace

Components
ConnectedComponents(const Graph& g, const LinkMask& mask)
{
    ValidateLinkState(g, mask, {});
    UnionFind uf(g.NumNodes());
    for (const Link& l : g.GetLinks())
    {
        if (IsUp(mask, l.id))
        {
            uf.Unite(l.a, l.b);
        }
    }
    // Roots are the lowest id of each set, so numbering roots in id order numbers components by
    // their lowest node.
    Components c;
    c.componentOf.assign(g.NumNodes(), 0);
    std::vector<uint32_t> idOfRoot(g.NumNodes(), UINT32_MAX);
    for (uint32_t n = 0; n < g.NumNodes(); ++n)
    {
        const uint32_t r = uf.Find(n);
        if (idOfRoot[r] == UINT32_MAX)
        {
            idOfRoot[r] = c.count++;
        }
        c.componentOf[n] = idOfRoot[r];
    }
    return c;
}

bool
IsConnected(const Graph& g, const LinkMask& mask)
{
    return !FirstUnreachableNode(g, mask);
}

std::optional<uint32_t>
FirstUnreachableNode(const Graph& g, const LinkMask& mask)
{
    const Components c = ConnectedComponents(g, mask);
    for (uint32_t n = 0; n < g.NumNodes(); ++n)
    {
        if (c.componentOf[n] != 0)
        {
            return n;
        }
    }
    return std::nullopt;
}

std::vector<std::pair<uint32_t, uint32_t>>
AffectedPairs(const Graph& g, const LinkMask& mask)
{
    std::vector<std::pair<uint32_t, uint32_t>> out;
    ForEachAffectedPair(g, mask, [&](uint32_t i, uint32_t j) {
        out.emplace_back(i, j);
        return true;
    });
    return out;
}

bool
AllAcceleratorsReachable(const Graph& g, const LinkMask& mask)
{
    bool all = true;
    ForEachAffectedPair(g, mask, [&](uint32_t, uint32_t) { return all = false; });
    return all;
}

} // namespace ofab::topo
