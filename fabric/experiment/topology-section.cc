#include "ofab/fabric/experiment/topology-section.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/foundation/text-file.h"
#include "ofab/topologies/edge-list.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/topology-error.h"

#include <algorithm>
#include <sstream>

namespace ofab
{

namespace
{

/// UALink accelerator ids are 10 bits.
constexpr uint64_t kMaxAccelerators = 1024;
/// Links built at most: 64 times a 1024-accelerator, 4-plane pod's. Each costs kilobytes of model state,
/// so a full mesh of 1024 with a link per pair (523,776) would take gigabytes before it ran.
constexpr uint64_t kMaxLinks = 1 << 18;

struct TopologyShape
{
    std::string kind;
    std::vector<std::string> keys; ///< shape keys besides kind, routing, link_length_m
};

const std::vector<TopologyShape>&
TopologyShapes()
{
    static const std::vector<TopologyShape> shapes{
        {"torus", {"dims"}},
        {"mesh", {"dims"}},
        {"ring", {"accelerators"}},
        {"full_mesh", {"accelerators", "links_per_pair"}},
        {"switched_pod", {"accelerators", "planes", "switch_radix"}},
        {"fat_tree", {"leaves", "spines", "hosts_per_leaf"}},
        {"dragonfly", {"routers_per_group", "accelerators_per_router", "global_links_per_router", "groups"}},
        {"edge_list", {"file"}},
    };
    return shapes;
}

topo::Graph
BuildGraph(const ConfigDocument& doc, const SectionReader& t, const std::string& kind, double lengthM,
           YAML::Node& resolved)
{
    auto req = [&](const std::string& key, uint64_t min, uint64_t max) {
        if (!t.Has(key))
        {
            throw t.Missing(key, "a whole number from " + std::to_string(min) + " to " + std::to_string(max));
        }
        const auto v = static_cast<int>(t.Unsigned(key, 0, min, max));
        resolved[key] = v;
        return v;
    };
    // Sizes are checked before anything is built: a 1024 x 1024 torus would take a minute and a
    // gigabyte to be refused by the fabric afterwards.
    auto fits = [&](const std::string& key, uint64_t accelerators, uint64_t links = 0) {
        if (accelerators > kMaxAccelerators)
        {
            throw t.ErrorAt(key, "this makes " + std::to_string(accelerators) + " accelerators; a fabric has at most " +
                                     std::to_string(kMaxAccelerators) + " (UALink accelerator ids are 10 bits)");
        }
        if (links > kMaxLinks)
        {
            throw t.ErrorAt(key, "this makes " + std::to_string(links) + " links; at most " +
                                     std::to_string(kMaxLinks) + " are built");
        }
    };
    try
    {
        if (kind == "torus" || kind == "mesh")
        {
            const auto dims = t.IntList("dims", 2, 1024);
            uint64_t nodes = 1;
            for (int d : dims)
            {
                nodes = std::min<uint64_t>(nodes * static_cast<uint64_t>(d), kMaxAccelerators + 1);
                resolved["dims"].push_back(d);
            }
            fits("dims", nodes);
            return kind == "torus" ? topo::Torus(dims, lengthM) : topo::Mesh(dims, lengthM);
        }
        if (kind == "ring")
        {
            return topo::Ring(req("accelerators", 2, 1024), lengthM);
        }
        if (kind == "full_mesh")
        {
            const int n = req("accelerators", 2, 1024);
            const int perPair = static_cast<int>(t.Unsigned("links_per_pair", 1, 1, 64));
            resolved["links_per_pair"] = perPair;
            fits("links_per_pair", static_cast<uint64_t>(n), uint64_t{1} * n * (n - 1) / 2 * perPair);
            return topo::FullMesh(n, perPair, lengthM);
        }
        if (kind == "switched_pod")
        {
            const int n = req("accelerators", 2, 1024);
            const int planes = static_cast<int>(t.Unsigned("planes", 1, 1, 64));
            const int radix = static_cast<int>(t.Unsigned("switch_radix", std::max(n, 64), 2, 4096));
            resolved["planes"] = planes;
            resolved["switch_radix"] = radix;
            return topo::SwitchedPod(n, planes, radix, lengthM);
        }
        if (kind == "fat_tree")
        {
            const int leaves = req("leaves", 1, 1024);
            const int spines = req("spines", 1, 1024);
            const int hosts = req("hosts_per_leaf", 1, 1024);
            fits("hosts_per_leaf", uint64_t{1} * leaves * hosts, uint64_t{1} * leaves * (hosts + spines));
            return topo::FatTree(leaves, spines, hosts, lengthM, lengthM);
        }
        if (kind == "dragonfly")
        {
            const int a = req("routers_per_group", 1, 256);
            const int p = req("accelerators_per_router", 1, 256);
            const int h = req("global_links_per_router", 1, 256);
            const int g = static_cast<int>(t.Unsigned("groups", 0, 0, 4096));
            resolved["groups"] = g;
            fits("groups", uint64_t{1} * a * p * static_cast<uint64_t>(g == 0 ? a * h + 1 : g));
            return topo::Dragonfly(a, p, h, g, lengthM, lengthM, lengthM);
        }
        // edge_list
        if (!t.Has("file"))
        {
            throw t.Missing("file", "the path of an edge-list file (relative to the experiment file)");
        }
        const std::string file = t.Text("file", "");
        if (file.empty())
        {
            throw t.ErrorAt("file", "expected the path of an edge-list file, got an empty one");
        }
        resolved["file"] = file;
        const std::string path = file.front() == '/' ? file : DirectoryOf(doc.Origin()) + file;
        std::string text;
        try
        {
            text = ReadTextFile(path);
        }
        catch (const TextFileError& e)
        {
            throw t.ErrorAt("file", path + ": " + e.what());
        }
        std::istringstream in(text);
        return topo::ParseEdgeList(in, path);
    }
    catch (const topo::TopologyError& e)
    {
        throw t.ErrorAt("kind", e.what());
    }
}

} // namespace

void
LoadTopology(const ConfigDocument& doc, Experiment& x, double defaultLengthM)
{
    const YAML::Node node = Child(doc.Root(), "topology");
    SectionReader t(doc, node, "topology");
    if (!t.Has("kind"))
    {
        throw t.Missing("kind", "a topology kind (torus, mesh, ring, full_mesh, switched_pod, fat_tree, dragonfly or "
                                "edge_list)");
    }
    std::vector<std::string> kinds;
    for (const auto& s : TopologyShapes())
    {
        kinds.push_back(s.kind);
    }
    const std::string kind = t.Choice("kind", "", kinds);
    x.topologyMark = node.Mark();
    const auto& shape = *std::find_if(TopologyShapes().begin(), TopologyShapes().end(),
                                      [&](const TopologyShape& s) { return s.kind == kind; });
    std::vector<std::string> valid{"kind", "routing", "link_length_m"};
    valid.insert(valid.end(), shape.keys.begin(), shape.keys.end());
    ExpectOnlyKeys(doc, node, "topology", valid);

    const double lengthM = t.Number("link_length_m", defaultLengthM, 0.0, 1e6);
    const std::string routing = t.Choice("routing", "auto", {"auto", "dimension_order", "shortest_path"});
    x.fabric.routing = routing == "auto"              ? RoutingMode::Auto
                       : routing == "dimension_order" ? RoutingMode::DimensionOrder
                                                      : RoutingMode::ShortestPath;
    YAML::Node resolved(YAML::NodeType::Map);
    resolved["kind"] = kind;
    x.graph = BuildGraph(doc, t, kind, lengthM, resolved);
    resolved["link_length_m"] = lengthM;
    resolved["routing"] = routing;
    x.resolvedTopology = resolved;
}

} // namespace ofab
