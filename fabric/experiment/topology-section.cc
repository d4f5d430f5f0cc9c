#include "ofab/fabric/experiment/topology-section.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/foundation/text-file.h"
#include "ofab/topologies/edge-list.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/ocs-cubes.h"
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
        {"ocs_cubes", {"cube_dims", "cubes", "slice", "slice_cubes", "configurations", "circuit_length_m"}},
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
        const std::string path = PathFrom(doc.Origin(), file);
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

/// Cube ids of one configuration: a list at `path` of `node`, one id per slice position
/// (`positions`), each below `cubes` and none twice (its circuits would use a switch port twice).
std::vector<int>
CubeList(const ConfigDocument& doc, const YAML::Node& node, const std::string& path, int cubes, uint64_t positions)
{
    if (!node.IsSequence())
    {
        throw doc.ErrorAt(path, node.Mark(), "expected a list of cube ids, e.g. [0, 2]");
    }
    std::vector<int> list;
    for (std::size_t i = 0; i < node.size(); ++i)
    {
        const YAML::Node item = node[i];
        int v = -1;
        try
        {
            v = item.as<int>();
        }
        catch (const YAML::Exception&)
        {
        }
        if (!item.IsScalar() || v < 0 || item.Scalar().find_first_not_of("0123456789") != std::string::npos)
        {
            throw doc.ErrorAt(path + "." + std::to_string(i), item.Mark(), "expected a cube id (0, 1, ...)");
        }
        if (v >= cubes)
        {
            throw doc.ErrorAt(path + "." + std::to_string(i), item.Mark(),
                              "cube " + std::to_string(v) + " does not exist: the fabric has cubes 0 to " +
                                  std::to_string(cubes - 1) + " (topology.cubes)");
        }
        if (std::find(list.begin(), list.end(), v) != list.end())
        {
            throw doc.ErrorAt(path + "." + std::to_string(i), item.Mark(),
                              "cube " + std::to_string(v) +
                                  " is listed twice: its faces' circuit switch ports would be connected twice");
        }
        list.push_back(v);
    }
    if (list.size() != positions)
    {
        throw doc.ErrorAt(path, node.Mark(),
                          "the slice (topology.slice) has " + std::to_string(positions) +
                              " cube positions, this lists " + std::to_string(list.size()) + " cubes");
    }
    return list;
}

/**
 * `kind: ocs_cubes`: cubes joined through circuit switches. The configurations the switches can take
 * are known before anything is built (each candidate circuit is a link with its own ports): the
 * initial slice, `configurations`, each `ocs.schedule` entry's cubes, and every swap of one slice
 * cube for a spare (what the ocs_rewire policy may choose).
 */
std::shared_ptr<const topo::OcsCubes>
BuildOcsCubes(const ConfigDocument& doc, const SectionReader& t, double lengthM, YAML::Node& resolved)
{
    topo::OcsCubesSpec spec;
    spec.cubeDims = t.Has("cube_dims") ? t.IntList("cube_dims", 2, 64) : std::vector<int>{4, 4, 4};
    if (spec.cubeDims.size() != 3)
    {
        throw t.ErrorAt("cube_dims", "a cube has three dimensions, e.g. [4, 4, 4]");
    }
    spec.sliceCubes = t.Has("slice") ? t.IntList("slice", 1, 64) : std::vector<int>{1, 1, 2};
    if (spec.sliceCubes.size() != 3)
    {
        throw t.ErrorAt("slice", "a slice is cubes along x, y and z, e.g. [1, 1, 2]");
    }
    uint64_t inSlice = 1;
    for (int c : spec.sliceCubes)
    {
        inSlice *= static_cast<uint64_t>(c);
    }
    spec.cubes = static_cast<int>(t.Unsigned("cubes", inSlice + 1, 1, 1024));
    if (static_cast<uint64_t>(spec.cubes) < inSlice)
    {
        throw t.ErrorAt("cubes", "the slice needs " + std::to_string(inSlice) + " cubes, the fabric has " +
                                     std::to_string(spec.cubes));
    }
    const uint64_t perCube = uint64_t{1} * spec.cubeDims[0] * spec.cubeDims[1] * spec.cubeDims[2];
    if (perCube * static_cast<uint64_t>(spec.cubes) > kMaxAccelerators)
    {
        throw t.ErrorAt("cubes", "this makes " + std::to_string(perCube * spec.cubes) +
                                     " accelerators; a fabric has at most " + std::to_string(kMaxAccelerators));
    }
    std::vector<int> initial;
    if (t.Has("slice_cubes"))
    {
        initial = CubeList(doc, t.Node()["slice_cubes"], "topology.slice_cubes", spec.cubes, inSlice);
    }
    else
    {
        for (uint64_t c = 0; c < inSlice; ++c)
        {
            initial.push_back(static_cast<int>(c));
        }
    }
    // A slice declared twice (a scheduled one that is also a spare swap) is one configuration.
    auto declare = [&spec](std::vector<int> cubes) {
        if (std::find(spec.configurations.begin(), spec.configurations.end(), cubes) == spec.configurations.end())
        {
            spec.configurations.push_back(std::move(cubes));
        }
    };
    declare(initial);
    if (t.Has("configurations"))
    {
        const YAML::Node list = t.Node()["configurations"];
        if (!list.IsSequence())
        {
            throw t.ErrorAt("configurations", "expected a list of configurations, each a list of cube ids");
        }
        for (std::size_t i = 0; i < list.size(); ++i)
        {
            declare(CubeList(doc, list[i], "topology.configurations." + std::to_string(i), spec.cubes, inSlice));
        }
    }
    const YAML::Node schedule = Child(Child(doc.Root(), "ocs"), "schedule");
    for (std::size_t i = 0; schedule.IsSequence() && i < schedule.size(); ++i)
    {
        if (schedule[i].IsMap() && schedule[i]["cubes"])
        {
            declare(CubeList(doc, schedule[i]["cubes"], "ocs.schedule." + std::to_string(i) + ".cubes", spec.cubes,
                             inSlice));
        }
    }
    for (std::vector<int>& swap : topo::WithSingleSpareSwaps(initial, spec.cubes))
    {
        declare(std::move(swap));
    }
    spec.cubeLinkLengthM = lengthM;
    spec.circuitLengthM = t.Number("circuit_length_m", 10.0, 0.0, 1e6);
    for (int d : spec.cubeDims)
    {
        resolved["cube_dims"].push_back(d);
    }
    for (int c : spec.sliceCubes)
    {
        resolved["slice"].push_back(c);
    }
    resolved["cubes"] = spec.cubes;
    for (int c : initial)
    {
        resolved["slice_cubes"].push_back(c);
    }
    resolved["circuit_length_m"] = spec.circuitLengthM;
    return std::make_shared<const topo::OcsCubes>(topo::BuildOcsCubes(spec));
}

} // namespace

void
LoadTopology(const ConfigDocument& doc, Experiment& x, double defaultLengthM)
{
    const YAML::Node node = Child(doc.Root(), "topology");
    SectionReader t(doc, node, "topology");
    if (!t.Has("kind"))
    {
        throw t.Missing("kind", "a topology kind (torus, mesh, ring, full_mesh, switched_pod, fat_tree, dragonfly, "
                                "edge_list or ocs_cubes)");
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
    if (kind == "ocs_cubes")
    {
        try
        {
            x.fabric.ocs = BuildOcsCubes(doc, t, lengthM, resolved);
        }
        catch (const topo::TopologyError& e)
        {
            throw t.ErrorAt("kind", e.what()); // the cube lists were checked at their keys
        }
        x.graph = x.fabric.ocs->graph;
    }
    else
    {
        x.graph = BuildGraph(doc, t, kind, lengthM, resolved);
    }
    resolved["link_length_m"] = lengthM;
    resolved["routing"] = routing;
    x.resolvedTopology = resolved;
}

} // namespace ofab
