#include "ofab/topologies/channel-dependency.h"

#include <algorithm>

namespace ofab::topo
{

namespace
{
uint64_t
Key(const Channel& c)
{
    return (static_cast<uint64_t>(c.link) << 33) | (static_cast<uint64_t>(c.from) << 2) | (c.vc & 3u);
}
} // namespace

uint32_t
ChannelDependencyGraph::Id(const Channel& c)
{
    const uint64_t key = Key(c);
    auto it = std::lower_bound(m_ids.begin(), m_ids.end(), std::make_pair(key, 0u));
    if (it != m_ids.end() && it->first == key)
    {
        return it->second;
    }
    const auto id = static_cast<uint32_t>(m_channels.size());
    m_channels.push_back(c);
    m_out.emplace_back();
    m_ids.insert(it, {key, id});
    return id;
}

void
ChannelDependencyGraph::AddRoute(const std::vector<Channel>& route)
{
    for (std::size_t i = 0; i + 1 < route.size(); ++i)
    {
        const uint32_t a = Id(route[i]), b = Id(route[i + 1]);
        auto& edges = m_out[a];
        if (std::find(edges.begin(), edges.end(), b) == edges.end())
        {
            edges.push_back(b);
        }
    }
    if (route.size() == 1)
    {
        Id(route[0]);
    }
}

std::size_t
ChannelDependencyGraph::NumDependencies() const
{
    std::size_t n = 0;
    for (const auto& e : m_out)
    {
        n += e.size();
    }
    return n;
}

std::vector<Channel>
ChannelDependencyGraph::FindCycle() const
{
    // Iterative three-colour DFS; the grey stack is the current path, so a back edge closes a cycle.
    enum : uint8_t
    {
        kWhite,
        kGrey,
        kBlack
    };
    std::vector<uint8_t> colour(m_channels.size(), kWhite);
    std::vector<std::pair<uint32_t, std::size_t>> stack; // (channel, next edge to follow)
    for (uint32_t root = 0; root < m_channels.size(); ++root)
    {
        if (colour[root] != kWhite)
        {
            continue;
        }
        stack.push_back({root, 0});
        colour[root] = kGrey;
        while (!stack.empty())
        {
            auto& [v, next] = stack.back();
            if (next == m_out[v].size())
            {
                colour[v] = kBlack;
                stack.pop_back();
                continue;
            }
            const uint32_t w = m_out[v][next++];
            if (colour[w] == kGrey)
            {
                std::vector<Channel> cycle;
                auto it = std::find_if(stack.begin(), stack.end(), [w](const auto& f) { return f.first == w; });
                for (; it != stack.end(); ++it)
                {
                    cycle.push_back(m_channels[it->first]);
                }
                return cycle;
            }
            if (colour[w] == kWhite)
            {
                colour[w] = kGrey;
                stack.push_back({w, 0});
            }
        }
    }
    return {};
}

} // namespace ofab::topo
