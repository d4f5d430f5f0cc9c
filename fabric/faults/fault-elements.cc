#include "ofab/fabric/faults/fault-elements.h"

#include <algorithm>
#include <cstdlib>

namespace ofab
{

namespace
{

bool
IsWholeNumber(const std::string& text)
{
    return !text.empty() && text.size() < 10 && text.find_first_not_of("0123456789") == std::string::npos;
}

const char*
RoleName(topo::NodeRole role)
{
    return role == topo::NodeRole::Switch ? "switch" : "accelerator";
}

std::string
Plural(std::optional<topo::NodeRole> role, std::size_t n)
{
    const std::string one = role ? RoleName(*role) : "node";
    return n == 1 ? one : one + (role == topo::NodeRole::Switch ? "es" : "s");
}

std::string
QuoteHint(const std::string& text)
{
    // `[a(0,0), a(1,0)]` reaches us as "a(0" and "0)": YAML's flow syntax splits at the commas.
    const auto open = std::count(text.begin(), text.end(), '(');
    const auto close = std::count(text.begin(), text.end(), ')');
    if (open == close)
    {
        return "";
    }
    return "; a name with commas inside [...] or {...} must be quoted, e.g. \"a(0,1)\", or given as "
           "coordinates [0, 1]";
}

} // namespace

std::string
NodeExamples(const topo::Graph& graph, std::optional<topo::NodeRole> role)
{
    std::vector<std::string> names;
    std::size_t total = 0;
    for (const topo::Node& n : graph.GetNodes())
    {
        if (role && n.role != *role)
        {
            continue;
        }
        ++total;
        if (names.size() < 4)
        {
            names.push_back(n.name);
        }
    }
    if (total == 0)
    {
        return "this topology has no " + Plural(role, 0);
    }
    std::string s;
    for (const auto& n : names)
    {
        s += (s.empty() ? "" : ", ") + n;
    }
    if (total > names.size())
    {
        s += ", ...";
    }
    return s + " (" + std::to_string(total) + " " + Plural(role, total) + "; or a node id from 0 to " +
           std::to_string(graph.NumNodes() - 1) + ")";
}

uint32_t
ResolveNode(const ConfigDocument& doc, const YAML::Node& value, const std::string& keyPath, const topo::Graph& graph,
            std::optional<topo::NodeRole> role)
{
    const auto naming = [&] {
        const std::string examples = NodeExamples(graph, role);
        return examples.rfind("this topology", 0) == 0 ? examples : Plural(role, 2) + " are named like " + examples;
    };
    std::optional<uint32_t> id;
    if (value.IsSequence())
    {
        std::vector<int> coord;
        std::string shown;
        for (const auto& item : value)
        {
            const std::string t = item.IsScalar() ? item.Scalar() : "";
            char* end = nullptr;
            const long v = std::strtol(t.c_str(), &end, 10);
            if (t.empty() || *end != '\0')
            {
                throw doc.ErrorAt(keyPath, item.Mark(), "expected coordinates (whole numbers), got '" + t + "'");
            }
            coord.push_back(static_cast<int>(v));
            shown += (shown.empty() ? "" : ", ") + t;
        }
        for (const topo::Node& n : graph.GetNodes())
        {
            if (n.coord == coord && !id)
            {
                id = n.id;
            }
        }
        if (!id)
        {
            throw doc.ErrorAt(keyPath, value.Mark(), "no node at coordinates [" + shown + "]; " + naming());
        }
    }
    else if (value.IsScalar())
    {
        const std::string text = value.Scalar();
        id = graph.FindNode(text);
        if (!id && IsWholeNumber(text))
        {
            const unsigned long v = std::strtoul(text.c_str(), nullptr, 10);
            if (v >= graph.NumNodes())
            {
                throw doc.ErrorAt(keyPath, value.Mark(),
                                  "node id out of range: expected 0 to " + std::to_string(graph.NumNodes() - 1) +
                                      ", got " + text);
            }
            id = static_cast<uint32_t>(v);
        }
        if (!id)
        {
            std::vector<std::string> names;
            for (const topo::Node& n : graph.GetNodes())
            {
                names.push_back(n.name);
            }
            const std::string nearest = NearestName(text, names);
            throw doc.ErrorAt(keyPath, value.Mark(),
                              "no node named '" + text + "'" +
                                  (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") + QuoteHint(text) +
                                  "; " + naming());
        }
    }
    else
    {
        throw doc.ErrorAt(keyPath, value.IsDefined() ? value.Mark() : YAML::Mark::null_mark(),
                          "expected a node: its name, id or coordinates; " + naming());
    }
    const topo::Node& n = graph.GetNode(*id);
    if (role && n.role != *role)
    {
        throw doc.ErrorAt(keyPath, value.Mark(),
                          "'" + n.name + "' is " + (n.role == topo::NodeRole::Switch ? "a switch" : "an accelerator") +
                              ", expected " + (*role == topo::NodeRole::Switch ? "a switch" : "an accelerator") + "; " +
                              naming());
    }
    return *id;
}

uint32_t
ResolveLinkId(const ConfigDocument& doc, const YAML::Node& value, const std::string& keyPath, const topo::Graph& graph)
{
    const std::string expected = "a link id from 0 to " + std::to_string(graph.NumLinks() - 1) +
                                 " (this topology has " + std::to_string(graph.NumLinks()) + " links)";
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    if (!IsWholeNumber(text) || std::strtoul(text.c_str(), nullptr, 10) >= graph.NumLinks())
    {
        throw doc.ErrorAt(keyPath, value.Mark(), "expected " + expected + ", got '" + text + "'");
    }
    return static_cast<uint32_t>(std::strtoul(text.c_str(), nullptr, 10));
}

uint32_t
ResolveLinkBetween(const ConfigDocument& doc, const YAML::Node& value, const std::string& keyPath,
                   const topo::Graph& graph, uint32_t* first)
{
    if (!value.IsSequence() || value.size() != 2)
    {
        std::string hint;
        if (value.IsSequence())
        {
            for (const auto& item : value)
            {
                if (item.IsScalar() && hint.empty())
                {
                    hint = QuoteHint(item.Scalar());
                }
            }
        }
        throw doc.ErrorAt(keyPath, value.Mark(),
                          "expected the two nodes a link joins, e.g. [\"a(0,0)\", \"a(1,0)\"]" + hint);
    }
    const uint32_t a = ResolveNode(doc, value[0], keyPath, graph);
    const uint32_t b = ResolveNode(doc, value[1], keyPath, graph);
    std::vector<uint32_t> links;
    std::vector<std::string> neighbours;
    for (const topo::Adjacency& adj : graph.GetNeighbours(a))
    {
        if (adj.neighbour == b)
        {
            links.push_back(adj.link);
        }
        if (neighbours.size() < 6)
        {
            neighbours.push_back(graph.GetNode(adj.neighbour).name);
        }
    }
    if (graph.GetDegree(a) > neighbours.size())
    {
        neighbours.push_back(std::to_string(graph.GetDegree(a) - neighbours.size()) + " more");
    }
    if (links.empty())
    {
        throw doc.ErrorAt(keyPath, value.Mark(),
                          "no link joins " + graph.GetNode(a).name + " and " + graph.GetNode(b).name + "; " +
                              graph.GetNode(a).name + " is linked to " + ListNames(neighbours));
    }
    if (links.size() > 1)
    {
        std::vector<std::string> ids;
        for (uint32_t l : links)
        {
            ids.push_back(std::to_string(l));
        }
        throw doc.ErrorAt(keyPath, value.Mark(),
                          graph.GetNode(a).name + " and " + graph.GetNode(b).name + " are joined by links " +
                              ListNames(ids) + ": name one with `link:`");
    }
    if (first)
    {
        *first = a;
    }
    return links.front();
}

std::string
LinkEnds(const topo::Graph& graph, uint32_t link)
{
    const topo::Link& l = graph.GetLink(link);
    return graph.GetNode(l.a).name + " - " + graph.GetNode(l.b).name;
}

} // namespace ofab
