#include "ofab/fabric/faults/fault-resolve.h"

#include "ofab/fabric/faults/fault-elements.h"
#include "ofab/foundation/unit-text.h"

#include <algorithm>
#include <sstream>

namespace ofab
{

namespace
{

std::string
Joined(const std::vector<uint32_t>& ids)
{
    std::string s;
    for (uint32_t id : ids)
    {
        s += (s.empty() ? "" : ",") + std::to_string(id);
    }
    return s;
}

} // namespace

FaultResolver::FaultResolver(const Fabric& fabric, const LaserMap& lasers, const std::vector<FaultGroup>& groups)
    : m_fabric(fabric),
      m_graph(fabric.Graph()),
      m_lasers(lasers),
      m_groups(groups)
{
}

std::vector<uint32_t>
FaultResolver::SourcesOf(const SourceRef& ref) const
{
    const auto& mine = m_lasers.OfNode(ref.node);
    const std::string& name = m_graph.GetNode(ref.node).name;
    if (mine.empty())
    {
        throw ref.key.Error("'" + name + "' has no laser sources (it has no links)");
    }
    if (ref.index < 0)
    {
        return mine;
    }
    if (static_cast<std::size_t>(ref.index) >= mine.size())
    {
        throw ref.key.Error("expected a source index from 0 to " + std::to_string(mine.size() - 1) + ": " + name +
                            " has " + std::to_string(mine.size()) + " laser source" + (mine.size() == 1 ? "" : "s") +
                            " (each feeds up to the laser's port_count ports, counted in port order), got " +
                            std::to_string(ref.index));
    }
    return {mine[static_cast<std::size_t>(ref.index)]};
}

std::string
FaultResolver::SourcesName(const std::vector<uint32_t>& sources) const
{
    if (sources.size() == 1)
    {
        return m_lasers.Name(sources.front());
    }
    return "lasers of " + m_graph.GetNode(m_lasers.Sources()[sources.front()].node).name;
}

std::string
FaultResolver::LinksText(const std::vector<uint32_t>& links) const
{
    std::string s = links.size() == 1 ? "link " : "links ";
    for (std::size_t i = 0; i < links.size() && i < 8; ++i)
    {
        s += (i ? ", " : "") + std::to_string(links[i]);
    }
    if (links.size() > 8)
    {
        s += ", ... (" + std::to_string(links.size()) + " links)";
    }
    return s;
}

InjectedFault
FaultResolver::Link(uint32_t link) const
{
    InjectedFault f;
    f.kind = FaultKind::FibreCut;
    f.element = "link " + std::to_string(link);
    f.detail = LinkEnds(m_graph, link);
    f.identity = f.element;
    f.target.links = {link};
    return f;
}

InjectedFault
FaultResolver::Line(uint32_t source, uint32_t line) const
{
    InjectedFault f;
    f.kind = FaultKind::LaserLine;
    f.element = m_lasers.Name(source) + " line " + std::to_string(line);
    f.detail = "feeds " + m_lasers.FeedText(source);
    f.identity = "line " + std::to_string(source) + ":" + std::to_string(line);
    f.target.lines = {{source, line}};
    return f;
}

InjectedFault
FaultResolver::Source(uint32_t source) const
{
    InjectedFault f;
    f.kind = FaultKind::LaserSource;
    f.element = m_lasers.Name(source);
    f.detail = "feeds " + m_lasers.FeedText(source);
    f.identity = "source " + std::to_string(source);
    f.target.sources = {source};
    return f;
}

InjectedFault
FaultResolver::Accelerator(uint32_t node) const
{
    InjectedFault f = Switch(node);
    f.kind = FaultKind::Accelerator;
    f.element = "accelerator " + m_graph.GetNode(node).name;
    f.target.isolated = {static_cast<uint32_t>(m_graph.AcceleratorIndex(node))};
    f.detail += "; endpoint isolated";
    return f;
}

InjectedFault
FaultResolver::Switch(uint32_t node) const
{
    InjectedFault f;
    f.kind = FaultKind::Switch;
    f.element = "switch " + m_graph.GetNode(node).name;
    for (const topo::Adjacency& adj : m_graph.GetNeighbours(node))
    {
        f.target.links.push_back(adj.link);
    }
    f.detail = LinksText(f.target.links);
    f.identity = "node " + std::to_string(node);
    return f;
}

InjectedFault
FaultResolver::Group(const std::string& name) const
{
    const auto g = std::find_if(m_groups.begin(), m_groups.end(), [&](const FaultGroup& x) { return x.name == name; });
    InjectedFault f;
    f.kind = FaultKind::Group;
    f.element = "group " + name;
    f.identity = f.element;
    f.target.links = g->links;
    f.detail = g->links.empty() ? "" : LinksText(g->links);
    for (const SourceRef& ref : g->sources)
    {
        const auto sources = SourcesOf(ref);
        f.target.sources.insert(f.target.sources.end(), sources.begin(), sources.end());
        f.detail += (f.detail.empty() ? "" : "; ") + SourcesName(sources);
    }
    return f;
}

InjectedFault
FaultResolver::Resolve(const FaultSpec& spec) const
{
    switch (spec.kind)
    {
    case FaultKind::FibreCut:
        return Link(spec.link);
    case FaultKind::Flap:
    {
        InjectedFault f = Link(spec.link);
        f.kind = FaultKind::Flap;
        f.cycles = spec.count;
        if (!spec.repair)
        {
            f.detail += "; down " + FormatTime(spec.downFor) + " every " + FormatTime(spec.period) + ", " +
                        std::to_string(spec.count) + " times";
        }
        return f;
    }
    case FaultKind::LaserLine:
    case FaultKind::LaserLineDegraded:
    {
        std::vector<uint32_t> sources;
        if (spec.viaSource)
        {
            sources = SourcesOf(spec.source);
        }
        else
        {
            const uint8_t end = m_graph.GetLink(spec.link).a == spec.node ? 0 : 1;
            sources = {m_lasers.Feeding(spec.link, end)};
        }
        InjectedFault f;
        f.kind = spec.kind;
        for (uint32_t s : sources)
        {
            const uint32_t lines = m_lasers.Sources()[s].laser->GetLineCount();
            if (spec.line >= lines)
            {
                throw spec.lineKey.Error("expected a line from 0 to " + std::to_string(lines - 1) + ": " +
                                         m_lasers.Name(s) + " has " + std::to_string(lines) + " lines, got " +
                                         std::to_string(spec.line));
            }
            auto& list = spec.kind == FaultKind::LaserLine ? f.target.lines : f.target.degradedLines;
            list.push_back({s, spec.line});
        }
        f.target.dropDb = spec.powerDropDb;
        f.element = SourcesName(sources) + " line " + std::to_string(spec.line);
        f.identity = "line " + Joined(sources) + ":" + std::to_string(spec.line);
        f.detail = sources.size() == 1 ? "feeds " + m_lasers.FeedText(sources.front())
                                       : std::to_string(sources.size()) + " sources";
        if (spec.kind == FaultKind::LaserLineDegraded && !spec.repair)
        {
            std::ostringstream drop;
            drop << "power -" << spec.powerDropDb << " dB; ";
            f.detail = drop.str() + f.detail;
        }
        return f;
    }
    case FaultKind::LaserSource:
    {
        const auto sources = SourcesOf(spec.source);
        InjectedFault f;
        f.kind = FaultKind::LaserSource;
        f.target.sources = sources;
        f.element = SourcesName(sources);
        f.identity = "source " + Joined(sources);
        f.detail = sources.size() == 1 ? "feeds " + m_lasers.FeedText(sources.front())
                                       : std::to_string(sources.size()) + " sources";
        return f;
    }
    case FaultKind::Switch:
        return Switch(spec.node);
    case FaultKind::Accelerator:
        return Accelerator(spec.node);
    case FaultKind::Group:
        return Group(spec.group);
    }
    return {};
}

} // namespace ofab
