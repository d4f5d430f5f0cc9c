#include "ofab/fabric/faults/laser-map.h"

#include <algorithm>
#include <map>

namespace ofab
{

LaserMap::LaserMap(const Fabric& fabric)
    : m_graph(fabric.Graph())
{
    std::map<const LaserSource*, uint32_t> indexOf;
    for (const auto& s : fabric.LaserSources())
    {
        indexOf.emplace(ns3::PeekPointer(s), static_cast<uint32_t>(m_sources.size()));
        m_sources.push_back(Source{s, 0, 0, {}});
    }
    m_ofNode.resize(m_graph.NumNodes());
    m_feeding.resize(2 * fabric.Links().size(), 0);
    for (const topo::Node& n : m_graph.GetNodes())
    {
        for (const topo::Adjacency& adj : m_graph.GetNeighbours(n.id))
        {
            const FabricLink& l = fabric.Links()[adj.link];
            const uint8_t end = l.a == n.id ? 0 : 1;
            const uint32_t s = indexOf.at(ns3::PeekPointer(l.channel->GetLink(end)->GetLaserSource()));
            auto& mine = m_ofNode[n.id];
            if (std::find(mine.begin(), mine.end(), s) == mine.end())
            {
                m_sources[s].node = n.id;
                m_sources[s].index = static_cast<uint32_t>(mine.size());
                mine.push_back(s);
            }
            m_sources[s].feeds.push_back(Feed{adj.link, end});
            m_feeding[2 * adj.link + end] = s;
        }
    }
}

std::string
LaserMap::Name(uint32_t source) const
{
    const Source& s = m_sources.at(source);
    return "laser " + m_graph.GetNode(s.node).name + "#" + std::to_string(s.index);
}

std::string
LaserMap::FeedText(uint32_t source) const
{
    const Source& s = m_sources.at(source);
    std::string links;
    for (const Feed& f : s.feeds)
    {
        links += (links.empty() ? "" : ", ") + std::to_string(f.link);
    }
    return (s.feeds.size() == 1 ? "link " : "links ") + links + " from " + m_graph.GetNode(s.node).name;
}

} // namespace ofab
