#include "ofab/fabric/routing/route-check.h"

#include "ofab/fabric/assembly/fabric.h"

#include <set>
#include <sstream>
#include <tuple>

namespace ofab
{

std::vector<std::vector<uint32_t>>
RouterPortLinks(const Fabric& fabric)
{
    const topo::Graph& g = fabric.Graph();
    std::vector<std::vector<uint32_t>> portLink(g.NumNodes());
    for (const topo::Node& n : g.GetNodes())
    {
        portLink[n.id].assign(fabric.Router(n.id)->GetNPorts(), kNoLink);
        for (const topo::Adjacency& a : g.GetNeighbours(n.id))
        {
            portLink[n.id][fabric.RouterPort(n.id, a.port)] = a.link;
        }
    }
    return portLink;
}

std::vector<std::vector<uint8_t>>
Reachability(const Fabric& fabric, const topo::LinkMask& mask)
{
    const topo::Graph& g = fabric.Graph();
    std::vector<std::vector<uint8_t>> reach(fabric.AcceleratorCount(), std::vector<uint8_t>(g.NumNodes(), 0));
    for (uint32_t dst = 0; dst < fabric.AcceleratorCount(); ++dst)
    {
        // Backwards from the destination: a node that reaches it through a neighbour lets others reach
        // it through itself only if it forwards.
        std::vector<uint8_t>& r = reach[dst];
        const uint32_t dstNode = g.AcceleratorNode(dst);
        r[dstNode] = 1;
        std::vector<uint32_t> frontier{dstNode};
        while (!frontier.empty())
        {
            const uint32_t v = frontier.back();
            frontier.pop_back();
            for (const topo::Adjacency& a : g.GetNeighbours(v))
            {
                if (!topo::IsUp(mask, a.link) || r[a.neighbour])
                {
                    continue;
                }
                r[a.neighbour] = 1;
                if (g.GetNode(a.neighbour).transit)
                {
                    frontier.push_back(a.neighbour);
                }
            }
        }
    }
    return reach;
}

namespace
{

/// Depth-first walk of one destination's next-hop graph (every choice), colouring nodes: a grey node
/// met again is a loop; a black one is known to reach the destination.
class DestinationWalk
{
  public:
    DestinationWalk(const Fabric& f, const std::vector<ForwardingTable>& tables, const topo::LinkMask& mask,
                    const std::vector<std::vector<uint32_t>>& portLink, uint32_t dst)
        : m_f(f),
          m_tables(tables),
          m_mask(mask),
          m_portLink(portLink),
          m_dst(dst),
          m_dstNode(f.Graph().AcceleratorNode(dst)),
          m_colour(f.Graph().NumNodes(), kWhite)
    {
    }

    std::optional<RouteProblem> From(uint32_t start)
    {
        if (m_colour[start] != kWhite || start == m_dstNode)
        {
            return std::nullopt;
        }
        // Iterative: each frame is a node and the index of the next choice to follow.
        struct Frame
        {
            uint32_t node;
            uint32_t next;
        };
        std::vector<Frame> stack{{start, 0}};
        m_colour[start] = kGrey;
        while (!stack.empty())
        {
            Frame& f = stack.back();
            const ForwardingChoice* choices = nullptr;
            const uint32_t n =
                f.node < m_tables.size() ? m_tables[f.node].Lookup(static_cast<uint16_t>(m_dst), choices) : 0;
            if (n == 0)
            {
                return Problem(f.node, "no entry: traffic for it stops here");
            }
            if (f.next == n)
            {
                m_colour[f.node] = kBlack;
                stack.pop_back();
                continue;
            }
            const uint16_t port = choices[f.next++].port;
            const topo::Graph& g = m_f.Graph();
            const uint32_t link = port < m_portLink[f.node].size() ? m_portLink[f.node][port] : kNoLink;
            if (link == kNoLink)
            {
                return Problem(f.node, "port " + std::to_string(port) + " has no link");
            }
            if (!topo::IsUp(m_mask, link))
            {
                return Problem(f.node, "port " + std::to_string(port) + " leads over link " + std::to_string(link) +
                                           " (" + g.GetNode(g.GetLink(link).a).name + "-" +
                                           g.GetNode(g.GetLink(link).b).name + "), which is down");
            }
            const uint32_t next = g.Other(link, f.node);
            if (next == m_dstNode || m_colour[next] == kBlack)
            {
                continue;
            }
            if (!g.GetNode(next).transit)
            {
                return Problem(f.node, "port " + std::to_string(port) + " leads to " + g.GetNode(next).name +
                                           ", which does not forward");
            }
            if (m_colour[next] == kGrey)
            {
                std::string loop;
                bool in = false;
                for (const Frame& s : stack)
                {
                    in = in || s.node == next;
                    if (in)
                    {
                        loop += g.GetNode(s.node).name + " -> ";
                    }
                }
                return Problem(f.node,
                               "port " + std::to_string(port) + " closes a loop: " + loop + g.GetNode(next).name);
            }
            m_colour[next] = kGrey;
            stack.push_back({next, 0});
        }
        return std::nullopt;
    }

  private:
    static constexpr uint8_t kWhite = 0, kGrey = 1, kBlack = 2;

    RouteProblem Problem(uint32_t node, std::string what) const { return RouteProblem{node, m_dst, std::move(what)}; }

    const Fabric& m_f;
    const std::vector<ForwardingTable>& m_tables;
    const topo::LinkMask& m_mask;
    const std::vector<std::vector<uint32_t>>& m_portLink;
    uint32_t m_dst;
    uint32_t m_dstNode;
    std::vector<uint8_t> m_colour;
};

} // namespace

std::optional<RouteProblem>
CheckTables(const Fabric& fabric, const std::vector<ForwardingTable>& tables, const topo::LinkMask& mask)
{
    const auto portLink = RouterPortLinks(fabric);
    const auto reach = Reachability(fabric, mask);
    for (uint32_t dst = 0; dst < fabric.AcceleratorCount(); ++dst)
    {
        DestinationWalk walk(fabric, tables, mask, portLink, dst);
        for (uint32_t node = 0; node < fabric.Graph().NumNodes(); ++node)
        {
            if (!reach[dst][node])
            {
                continue;
            }
            if (auto problem = walk.From(node))
            {
                return problem;
            }
        }
    }
    return std::nullopt;
}

std::vector<topo::Channel>
FindDependencyCycle(const Fabric& fabric, const topo::LinkMask& mask)
{
    std::vector<const ForwardingTable*> inForce;
    for (uint32_t node = 0; node < fabric.Graph().NumNodes(); ++node)
    {
        inForce.push_back(&fabric.Router(node)->GetForwardingTable());
    }
    return FindDependencyCycle(fabric, inForce, mask);
}

std::vector<topo::Channel>
FindDependencyCycle(const Fabric& fabric, const std::vector<ForwardingTable>& tables, const topo::LinkMask& mask)
{
    std::vector<const ForwardingTable*> byNode;
    for (const ForwardingTable& t : tables)
    {
        byNode.push_back(&t);
    }
    return FindDependencyCycle(fabric, byNode, mask);
}

std::string
DescribeCycle(const topo::Graph& g, const std::vector<topo::Channel>& cycle)
{
    std::ostringstream out;
    out << "a credit loop of " << cycle.size() << " channels is possible:";
    for (std::size_t i = 0; i < cycle.size() && i < 3; ++i)
    {
        out << ' ' << g.GetNode(cycle[i].from).name << "->" << g.GetNode(g.Other(cycle[i].link, cycle[i].from)).name
            << " vc" << int(cycle[i].vc);
    }
    out << (cycle.size() > 3 ? " ..." : "");
    return out.str();
}

std::vector<topo::Channel>
FindDependencyCycle(const Fabric& fabric, const std::vector<const ForwardingTable*>& tables, const topo::LinkMask& mask)
{
    const topo::Graph& g = fabric.Graph();
    const auto portLink = RouterPortLinks(fabric);
    topo::ChannelDependencyGraph cdg;
    struct Hop
    {
        uint32_t node;
        bool injected;    ///< false at the source: the first channel waits on nothing
        topo::Channel in; ///< the channel it arrived on
        uint32_t group;   ///< routing group of that channel
    };
    for (uint32_t dst = 0; dst < fabric.AcceleratorCount(); ++dst)
    {
        const uint32_t dstNode = g.AcceleratorNode(dst);
        // A channel's successors toward one destination depend only on the channel: expand it once.
        std::set<std::tuple<uint32_t, uint32_t, uint8_t>> expanded;
        std::vector<Hop> stack;
        for (uint32_t src = 0; src < fabric.AcceleratorCount(); ++src)
        {
            if (src != dst)
            {
                stack.push_back(Hop{g.AcceleratorNode(src), false, topo::Channel{}, 0});
            }
        }
        while (!stack.empty())
        {
            const Hop h = stack.back();
            stack.pop_back();
            if (h.node == dstNode)
            {
                continue;
            }
            const ForwardingChoice* c = nullptr;
            const uint32_t n = tables[h.node]->Lookup(static_cast<uint16_t>(dst), c);
            for (uint32_t i = 0; i < n; ++i)
            {
                const uint32_t link = portLink[h.node][c[i].port];
                if (link == kNoLink || !topo::IsUp(mask, link))
                {
                    continue;
                }
                const uint32_t group = fabric.Router(h.node)->GetPort(c[i].port)->GetRoutingGroup();
                uint8_t vc = (h.injected && group == h.group) ? h.in.vc : 0;
                vc = c[i].crossesDateline ? 1 : vc;
                const topo::Channel out{link, h.node, vc};
                if (h.injected)
                {
                    cdg.AddRoute({h.in, out});
                }
                if (expanded.insert({link, h.node, vc}).second)
                {
                    stack.push_back(Hop{g.Other(link, h.node), true, out, group});
                }
            }
        }
    }
    return cdg.FindCycle();
}

} // namespace ofab
