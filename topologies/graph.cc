#include "ofab/topologies/graph.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace ofab::topo
{

const char*
ToString(NodeRole role)
{
    return role == NodeRole::Accelerator ? "accelerator" : "switch";
}

uint32_t
Graph::AddNode(NodeRole role, std::string name, std::vector<int> coord, int plane)
{
    if (m_nodes.size() >= std::numeric_limits<uint32_t>::max() - 1)
    {
        throw TopologyError("graph: too many nodes (ids are 32-bit)");
    }
    const auto id = static_cast<uint32_t>(m_nodes.size());
    if (name.empty())
    {
        name = "n" + std::to_string(id);
    }
    for (char c : name)
    {
        if (c == '#' || std::isspace(static_cast<unsigned char>(c)))
        {
            throw TopologyError("graph: node name '" + name + "' must not contain whitespace or '#'");
        }
    }
    if (!m_byName.emplace(name, id).second)
    {
        throw TopologyError("graph: duplicate node name '" + name + "'");
    }
    Node n;
    n.id = id;
    n.role = role;
    n.name = std::move(name);
    n.coord = std::move(coord);
    n.plane = plane;
    n.transit = true;
    m_nodes.push_back(std::move(n));
    m_degree.push_back(0);
    if (role == NodeRole::Accelerator)
    {
        m_accelIndex.push_back(static_cast<int32_t>(m_accelerators.size()));
        m_accelerators.push_back(id);
    }
    else
    {
        m_accelIndex.push_back(-1);
    }
    m_adjValid = false;
    return id;
}

uint32_t
Graph::AddLink(uint32_t a, uint32_t b, LinkAttrs attrs)
{
    if (a >= m_nodes.size() || b >= m_nodes.size())
    {
        throw TopologyError("graph: link endpoint " + std::to_string(a >= m_nodes.size() ? a : b) +
                            " is not a node (graph has " + std::to_string(m_nodes.size()) + " nodes)");
    }
    if (a == b)
    {
        throw TopologyError("graph: self-loop on node '" + m_nodes[a].name + "' is not a link");
    }
    if (!std::isfinite(attrs.lengthM) || attrs.lengthM < 0.0)
    {
        throw TopologyError("graph: link length must be finite and >= 0 m, got " + std::to_string(attrs.lengthM));
    }
    Link l;
    l.id = static_cast<uint32_t>(m_links.size());
    l.a = a;
    l.b = b;
    l.portA = m_degree[a]++;
    l.portB = m_degree[b]++;
    l.lengthM = attrs.lengthM;
    l.linkClass = std::move(attrs.linkClass);
    l.dimension = attrs.dimension;
    l.wrap = attrs.wrap;
    m_links.push_back(std::move(l));
    m_adjValid = false;
    return m_links.back().id;
}

void
Graph::SetTransit(uint32_t node, bool transit)
{
    m_nodes.at(node).transit = transit;
}

void
Graph::SetPortOrder(uint32_t node, const std::vector<uint32_t>& linksInPortOrder)
{
    if (node >= m_nodes.size())
    {
        throw TopologyError("graph: no node " + std::to_string(node));
    }
    if (linksInPortOrder.size() != m_degree[node])
    {
        throw TopologyError("graph: port order for '" + m_nodes[node].name + "' lists " +
                            std::to_string(linksInPortOrder.size()) + " links, node has " +
                            std::to_string(m_degree[node]));
    }
    std::vector<bool> seenPort(m_degree[node], false);
    for (uint32_t l : linksInPortOrder)
    {
        if (l >= m_links.size() || (m_links[l].a != node && m_links[l].b != node))
        {
            throw TopologyError("graph: port order for '" + m_nodes[node].name + "' lists link " + std::to_string(l) +
                                " which does not touch it");
        }
        const Link& k = m_links[l];
        const uint32_t oldPort = k.a == node ? k.portA : k.portB;
        if (seenPort[oldPort])
        {
            throw TopologyError("graph: port order for '" + m_nodes[node].name + "' lists link " + std::to_string(l) +
                                " twice");
        }
        seenPort[oldPort] = true;
    }
    for (uint32_t p = 0; p < linksInPortOrder.size(); ++p)
    {
        Link& k = m_links[linksInPortOrder[p]];
        (k.a == node ? k.portA : k.portB) = p;
    }
    m_adjValid = false;
}

std::optional<uint32_t>
Graph::FindNode(const std::string& name) const
{
    auto it = m_byName.find(name);
    if (it == m_byName.end())
    {
        return std::nullopt;
    }
    return it->second;
}

uint32_t
Graph::Other(uint32_t l, uint32_t n) const
{
    const Link& k = m_links.at(l);
    return k.a == n ? k.b : k.a;
}

uint32_t
Graph::PortAt(uint32_t l, uint32_t n) const
{
    const Link& k = m_links.at(l);
    if (k.a == n)
    {
        return k.portA;
    }
    if (k.b == n)
    {
        return k.portB;
    }
    throw TopologyError("graph: link " + std::to_string(l) + " does not touch node " + std::to_string(n));
}

void
Graph::Finalize() const
{
    if (!m_adjValid)
    {
        RebuildAdjacency();
    }
}

Span<Adjacency>
Graph::GetNeighbours(uint32_t n) const
{
    if (n >= m_nodes.size())
    {
        throw TopologyError("graph: no node " + std::to_string(n) + " (graph has " + std::to_string(m_nodes.size()) +
                            " nodes)");
    }
    if (!m_adjValid)
    {
        RebuildAdjacency();
    }
    return Span<Adjacency>(m_adj.data() + m_adjStart[n], m_adjStart[n + 1] - m_adjStart[n]);
}

void
Graph::RebuildAdjacency() const
{
    // Ports are 0..degree-1 without gaps, so each entry has a fixed slot: no sort needed.
    m_adjStart.assign(m_nodes.size() + 1, 0);
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
    {
        m_adjStart[i + 1] = m_adjStart[i] + m_degree[i];
    }
    m_adj.resize(m_adjStart.back());
    for (const Link& l : m_links)
    {
        m_adj[m_adjStart[l.a] + l.portA] = Adjacency{l.b, l.id, l.portA};
        m_adj[m_adjStart[l.b] + l.portB] = Adjacency{l.a, l.id, l.portB};
    }
    m_adjValid = true;
}

LinkMask
AllUp(const Graph& g)
{
    return LinkMask(g.NumLinks(), true);
}

LinkMask
MaskWithDown(const Graph& g, const std::vector<uint32_t>& downLinks)
{
    LinkMask m = AllUp(g);
    for (uint32_t l : downLinks)
    {
        if (l >= m.size())
        {
            throw TopologyError("link mask: link id " + std::to_string(l) + " out of range (graph has " +
                                std::to_string(g.NumLinks()) + " links)");
        }
        m[l] = false;
    }
    return m;
}

void
ValidateLinkState(const Graph& g, const LinkMask& mask, const LinkWeights& weights)
{
    if (!mask.empty() && mask.size() != g.NumLinks())
    {
        throw TopologyError("link mask: expected one entry per link (" + std::to_string(g.NumLinks()) +
                            ") or none, got " + std::to_string(mask.size()));
    }
    if (weights.empty())
    {
        return;
    }
    if (weights.size() != g.NumLinks())
    {
        throw TopologyError("link weights: expected one entry per link (" + std::to_string(g.NumLinks()) +
                            ") or none, got " + std::to_string(weights.size()));
    }
    for (std::size_t i = 0; i < weights.size(); ++i)
    {
        if (!(weights[i] > 0.0) || !std::isfinite(weights[i]))
        {
            throw TopologyError("link weights: weights[" + std::to_string(i) + "] must be positive and finite, got " +
                                std::to_string(weights[i]));
        }
    }
}

} // namespace ofab::topo
