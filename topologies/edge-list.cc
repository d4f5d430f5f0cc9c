#include "ofab/topologies/edge-list.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "ofab/topologies/connectivity.h"

namespace ofab::topo
{
namespace
{

class LineError
{
  public:
    LineError(const std::string& file, int line)
        : m_prefix(file + ":" + std::to_string(line) + ": ")
    {
    }
    [[noreturn]] void Fail(const std::string& msg) const { throw TopologyError(m_prefix + msg); }

  private:
    std::string m_prefix;
};

// Splits "key=value"; returns false when there is no '='.
bool
SplitOption(const std::string& tok, std::string* key, std::string* value)
{
    const auto eq = tok.find('=');
    if (eq == std::string::npos)
    {
        return false;
    }
    *key = tok.substr(0, eq);
    *value = tok.substr(eq + 1);
    return true;
}

int
ParseInt(const LineError& err, const std::string& key, const std::string& text)
{
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
    {
        err.Fail(key + " expects an integer, got '" + text + "'");
    }
    return static_cast<int>(v);
}

double
ParseMetres(const LineError& err, const std::string& text)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v) || v < 0.0)
    {
        err.Fail("length_m expects a finite number of metres >= 0, got '" + text + "'");
    }
    return v;
}

struct PendingNode
{
    uint32_t id;
    bool explicitTransit;
    bool transit;
};

} // namespace

Graph
ParseEdgeList(std::istream& in, const std::string& file)
{
    Graph g;
    g.SetKind("edge-list");
    std::vector<PendingNode> pending;
    bool anySwitch = false;
    std::string raw;
    int lineNo = 0;
    while (std::getline(in, raw))
    {
        ++lineNo;
        const LineError err(file, lineNo);
        const auto hash = raw.find('#');
        std::istringstream line(hash == std::string::npos ? raw : raw.substr(0, hash));
        std::vector<std::string> tok;
        for (std::string t; line >> t;)
        {
            tok.push_back(t);
        }
        if (tok.empty())
        {
            continue;
        }
        std::string key, value;

        if (tok[0] == "node")
        {
            if (tok.size() < 3)
            {
                err.Fail("expected 'node <name> accelerator|switch [options]'");
            }
            NodeRole role;
            if (tok[2] == "accelerator")
            {
                role = NodeRole::Accelerator;
            }
            else if (tok[2] == "switch")
            {
                role = NodeRole::Switch;
                anySwitch = true;
            }
            else
            {
                err.Fail("node role must be 'accelerator' or 'switch', got '" + tok[2] + "'");
            }
            if (g.FindNode(tok[1]))
            {
                err.Fail("duplicate node '" + tok[1] + "'");
            }
            PendingNode pn{0, false, true};
            int plane = -1;
            std::vector<int> coord;
            for (std::size_t i = 3; i < tok.size(); ++i)
            {
                if (!SplitOption(tok[i], &key, &value))
                {
                    err.Fail("expected key=value, got '" + tok[i] + "'");
                }
                if (key == "transit")
                {
                    if (value != "yes" && value != "no")
                    {
                        err.Fail("transit expects yes or no, got '" + value + "'");
                    }
                    pn.explicitTransit = true;
                    pn.transit = value == "yes";
                }
                else if (key == "plane")
                {
                    plane = ParseInt(err, key, value);
                }
                else if (key == "coord")
                {
                    std::istringstream parts(value);
                    for (std::string part; std::getline(parts, part, ',');)
                    {
                        coord.push_back(ParseInt(err, key, part));
                    }
                }
                else
                {
                    err.Fail("unknown node option '" + key + "' (expected transit=, plane=, coord=)");
                }
            }
            try
            {
                pn.id = g.AddNode(role, tok[1], coord, plane);
            }
            catch (const TopologyError& e)
            {
                err.Fail(e.what());
            }
            pending.push_back(pn);
        }
        else if (tok[0] == "link")
        {
            if (tok.size() < 3)
            {
                err.Fail("expected 'link <nameA> <nameB> [length_m=<x>] [class=<c>]'");
            }
            const auto a = g.FindNode(tok[1]);
            if (!a)
            {
                err.Fail("unknown node '" + tok[1] + "'");
            }
            const auto b = g.FindNode(tok[2]);
            if (!b)
            {
                err.Fail("unknown node '" + tok[2] + "'");
            }
            if (*a == *b)
            {
                err.Fail("link from '" + tok[1] + "' to itself");
            }
            LinkAttrs attrs;
            for (std::size_t i = 3; i < tok.size(); ++i)
            {
                if (!SplitOption(tok[i], &key, &value))
                {
                    err.Fail("expected key=value, got '" + tok[i] + "'");
                }
                if (key == "length_m")
                {
                    attrs.lengthM = ParseMetres(err, value);
                }
                else if (key == "class")
                {
                    if (value.empty())
                    {
                        err.Fail("class expects a word, got nothing");
                    }
                    attrs.linkClass = value;
                }
                else
                {
                    err.Fail("unknown link option '" + key + "' (expected length_m=, class=)");
                }
            }
            g.AddLink(*a, *b, attrs);
        }
        else
        {
            err.Fail("unknown statement '" + tok[0] + "' (expected 'node' or 'link')");
        }
    }
    if (g.NumNodes() == 0)
    {
        throw TopologyError(file + ": declares no nodes");
    }
    if (g.NumAccelerators() == 0)
    {
        throw TopologyError(file + ": declares no accelerator");
    }
    for (const PendingNode& pn : pending)
    {
        if (g.GetNode(pn.id).role == NodeRole::Switch)
        {
            continue;
        }
        g.SetTransit(pn.id, pn.explicitTransit ? pn.transit : !anySwitch);
    }
    const auto unreachable = FirstUnreachableNode(g);
    if (unreachable)
    {
        throw TopologyError(file + ": graph is disconnected: node '" + g.GetNode(*unreachable).name +
                            "' cannot be reached from '" + g.GetNode(0).name + "'");
    }
    g.Finalize();
    return g;
}

Graph
EdgeList(const std::string& path)
{
    // A directory or a device (/dev/zero) opens as a stream too: regular files only.
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    {
        throw TopologyError("edge list: '" + path + "' is not a regular file");
    }
    std::ifstream in(path);
    if (!in)
    {
        throw TopologyError("edge list: cannot open '" + path + "'");
    }
    return ParseEdgeList(in, path);
}

void
WriteEdgeList(const Graph& g, std::ostream& out)
{
    out << "# ofab edge list: " << g.GetKind() << ", " << g.NumNodes() << " nodes, " << g.NumLinks() << " links\n";
    for (const Node& n : g.GetNodes())
    {
        out << "node " << n.name << ' ' << ToString(n.role);
        if (n.role == NodeRole::Accelerator)
        {
            out << " transit=" << (n.transit ? "yes" : "no");
        }
        if (n.plane >= 0)
        {
            out << " plane=" << n.plane;
        }
        if (!n.coord.empty())
        {
            out << " coord=";
            for (std::size_t i = 0; i < n.coord.size(); ++i)
            {
                out << (i ? "," : "") << n.coord[i];
            }
        }
        out << '\n';
    }
    // The format has no port syntax: ports are re-assigned in file order on reading, so the
    // generator's port numbers are written as a trailing comment for the human reader only.
    std::ostringstream len;
    len.precision(17);
    for (const Link& l : g.GetLinks())
    {
        len.str("");
        len << l.lengthM;
        out << "link " << g.GetNode(l.a).name << ' ' << g.GetNode(l.b).name << " length_m=" << len.str();
        if (!l.linkClass.empty())
        {
            out << " class=" << l.linkClass;
        }
        out << "  # ports " << l.portA << ' ' << l.portB << '\n';
    }
}

} // namespace ofab::topo
