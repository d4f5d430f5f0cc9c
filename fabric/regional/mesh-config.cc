#include "ofab/fabric/regional/mesh-config.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/fabric/regional/mesh-keys.h"
#include "ofab/foundation/parameter-error.h"

#include <cmath>
#include <limits>
#include <map>
#include <sstream>

namespace ofab
{

namespace
{

/// Lightpaths one file may ask for in all: far above any C-band mesh, low enough to stay fast.
constexpr uint64_t kMaxLightpaths = 65536;

std::string
Item(const std::string& list, std::size_t i)
{
    return list + "." + std::to_string(i);
}

/// The node a route or lightpath names, or a ConfigError listing the nodes (and the nearest one).
uint32_t
NodeAt(const SectionReader& item, const std::string& key, const OpticalMeshSpec& spec,
       const std::vector<std::string>& names)
{
    if (!item.Has(key))
    {
        throw item.Missing(key, "a node name (one of " + ListNames(names) + ")");
    }
    const std::string name = item.Text(key, "");
    if (const auto id = spec.mesh.FindNode(name))
    {
        return *id;
    }
    const std::string nearest = NearestName(name, names);
    throw item.ErrorAt(key, "unknown node '" + name + "': expected one of " + ListNames(names) +
                                (nearest.empty() ? "" : "; did you mean '" + nearest + "'?"));
}

std::vector<std::string>
ReadNodes(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath, OpticalMeshSpec& spec)
{
    const SectionReader top(doc, section, keyPath);
    if (!top.Has("nodes"))
    {
        throw top.Missing("nodes", "a list of ROADM names, e.g. [A, B, C]");
    }
    const YAML::Node nodes = section["nodes"];
    if (!nodes.IsSequence() || nodes.size() < 2)
    {
        throw top.ErrorAt("nodes", "expected a list of at least two ROADM names, e.g. [A, B, C]");
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < nodes.size(); ++i)
    {
        const std::string key = Item(JoinKey(keyPath, "nodes"), i);
        if (!nodes[i].IsScalar() || nodes[i].Scalar().empty())
        {
            throw doc.ErrorAt(key, nodes[i].Mark(), "expected a node name");
        }
        const std::string name = nodes[i].Scalar();
        if (spec.mesh.FindNode(name))
        {
            throw doc.ErrorAt(key, nodes[i].Mark(), "node '" + name + "' is listed twice");
        }
        try
        {
            spec.mesh.AddNode(name);
        }
        catch (const topo::TopologyError& e)
        {
            throw doc.ErrorAt(key, nodes[i].Mark(), "expected a name without spaces or '#', got '" + name + "'");
        }
        names.push_back(name);
    }
    return names;
}

/// Runs a Validate(); a ParameterError becomes a ConfigError at the key its field is read from.
template <class F>
void
Guard(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath,
      const std::map<std::string, std::string>& keyOfField, F validate)
{
    try
    {
        validate();
    }
    catch (const ParameterError& e)
    {
        const auto it = keyOfField.find(e.Attribute());
        const std::string key = it == keyOfField.end() ? keyPath : it->second;
        // The deepest node that exists along the key's path carries the line to point at.
        YAML::Node at = section;
        std::string rest = key.substr(std::min(key.size(), keyPath.size() + 1));
        for (std::size_t dot; !rest.empty(); rest = dot == std::string::npos ? "" : rest.substr(dot + 1))
        {
            dot = rest.find('.');
            const YAML::Node next = Child(at, rest.substr(0, dot));
            if (!next.IsDefined() || next.IsNull())
            {
                break;
            }
            at = next;
        }
        throw doc.ErrorAt(key, at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), e.Message());
    }
}

void
ReadOptics(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath, OpticalMeshSpec& spec)
{
    const auto sub = [&](const std::string& name) {
        const std::string path = JoinKey(keyPath, name);
        ExpectOnlyKeys(doc, Child(section, name), path, OpticalMeshKeys("optical_mesh." + name));
        return SectionReader(doc, Child(section, name), path);
    };
    const SectionReader fibre = sub("fibre");
    spec.line.fibreLossDbPerKm = fibre.Number("loss_db_per_km", spec.line.fibreLossDbPerKm, 0, 10);
    spec.line.groupIndex = fibre.Number("group_index", spec.line.groupIndex, 1, 3);
    const SectionReader amps = sub("amplifiers");
    spec.line.amplifierSpacingKm = amps.Number("spacing_km", spec.line.amplifierSpacingKm, 1e-3, 1000);
    spec.line.amplifierNoiseFigureDb = amps.Number("noise_figure_db", spec.line.amplifierNoiseFigureDb, 3, 20);
    const SectionReader roadm = sub("roadm");
    spec.line.roadmPassLossDb = roadm.Number("pass_loss_db", spec.line.roadmPassLossDb, 0, 30);

    const SectionReader t = sub("transceiver");
    spec.transceiver = TransceiverSpec::Preset(t.Choice("kind", "400zr", TransceiverSpec::PresetNames()));
    TransceiverSpec& x = spec.transceiver;
    x.launchPowerDbm = t.Number("launch_power_dbm", x.launchPowerDbm, -30, 20);
    const std::string mod = t.Choice("modulation", ToString(x.modulation), {"dp-16qam", "dp-qpsk"});
    x.modulation = mod == "dp-qpsk" ? CoherentModulation::DpQpsk : CoherentModulation::Dp16Qam;
    x.rateGbps = t.Number("rate_gbps", x.rateGbps, 1e-3, 10000);
    x.symbolRateGbaud = t.Number("symbol_rate_gbaud", x.symbolRateGbaud, 1e-3, 1000);
    x.slotWidthGhz = t.Number("slot_width_ghz", x.slotWidthGhz, 1e-3, optics::kCBandWidthGhz);
    x.preFecBerThreshold = t.Number("pre_fec_ber_threshold", x.preFecBerThreshold, 1e-15, 0.499);
    x.implementationPenaltyDb = t.Number("implementation_penalty_db", x.implementationPenaltyDb, 0, 20);
    const std::string tp = JoinKey(keyPath, "transceiver");
    Guard(doc, section, keyPath,
          {{"SlotWidthGhz", tp + ".slot_width_ghz"},
           {"SymbolRateGbaud", tp + ".symbol_rate_gbaud"},
           {"RateGbps", tp + ".rate_gbps"},
           {"LaunchPowerDbm", tp + ".launch_power_dbm"},
           {"PreFecBerThreshold", tp + ".pre_fec_ber_threshold"},
           {"ImplementationPenaltyDb", tp + ".implementation_penalty_db"}},
          [&] { x.Validate(); });
    const std::string ap = JoinKey(keyPath, "amplifiers");
    Guard(doc, section, keyPath,
          {{"AmplifierSpacingKm", ap + ".spacing_km"},
           {"AmplifierNoiseFigureDb", ap + ".noise_figure_db"},
           {"FibreLossDbPerKm", JoinKey(keyPath, "fibre.loss_db_per_km")},
           {"GroupIndex", JoinKey(keyPath, "fibre.group_index")},
           {"RoadmPassLossDb", JoinKey(keyPath, "roadm.pass_loss_db")}},
          [&] { spec.line.Validate(); });
}

void
ReadRoutes(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath,
           const std::vector<std::string>& names, OpticalMeshSpec& spec)
{
    const SectionReader top(doc, section, keyPath);
    const std::string list = JoinKey(keyPath, "routes");
    if (!top.Has("routes"))
    {
        throw top.Missing("routes", "a list of {a, b, length_km} fibre routes");
    }
    const YAML::Node routes = section["routes"];
    if (!routes.IsSequence() || routes.size() == 0)
    {
        throw top.ErrorAt("routes", "expected a list of {a, b, length_km} fibre routes");
    }
    const unsigned fit = spec.transceiver.MaxWavelengthsPerFibre();
    for (std::size_t i = 0; i < routes.size(); ++i)
    {
        const std::string path = Item(list, i);
        ExpectOnlyKeys(doc, routes[i], path, OpticalMeshKeys("optical_mesh.routes"));
        const SectionReader r(doc, routes[i], path);
        const uint32_t a = NodeAt(r, "a", spec, names);
        const uint32_t b = NodeAt(r, "b", spec, names);
        if (a == b)
        {
            throw r.ErrorAt("b", "a route from '" + names[a] + "' to itself: expected another node");
        }
        if (!r.Has("length_km"))
        {
            throw r.Missing("length_km", "the fibre length in km, above 0");
        }
        const double km = r.Number("length_km", 0, -std::numeric_limits<double>::max(), 40000);
        if (km <= 0)
        {
            throw r.ErrorAt("length_km", "expected a length above 0 km, got '" + routes[i]["length_km"].Scalar() + "'");
        }
        const uint64_t w = r.Unsigned("wavelengths", fit, 1);
        if (w > fit)
        {
            std::ostringstream s;
            s << "at most " << fit << " wavelengths of " << spec.transceiver.slotWidthGhz
              << " GHz fit the C-band (4800 GHz), got " << w;
            throw r.ErrorAt("wavelengths", s.str());
        }
        spec.mesh.AddRoute(a, b, km, static_cast<uint32_t>(w), r.Text("duct", ""));
    }
}

void
ReadLightpaths(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath,
               const std::vector<std::string>& names, OpticalMeshSpec& spec)
{
    const YAML::Node lps = Child(section, "lightpaths");
    const std::string list = JoinKey(keyPath, "lightpaths");
    if (!lps.IsDefined() || lps.IsNull())
    {
        return;
    }
    if (!lps.IsSequence())
    {
        throw doc.ErrorAt(list, lps.Mark(), "expected a list of {a, b, count} lightpath demands");
    }
    for (std::size_t i = 0; i < lps.size(); ++i)
    {
        const std::string path = Item(list, i);
        ExpectOnlyKeys(doc, lps[i], path, OpticalMeshKeys("optical_mesh.lightpaths"));
        const SectionReader d(doc, lps[i], path);
        const uint32_t a = NodeAt(d, "a", spec, names);
        const uint32_t b = NodeAt(d, "b", spec, names);
        if (a == b)
        {
            throw d.ErrorAt("b", "a lightpath from '" + names[a] + "' to itself: expected another node");
        }
        if (topo::KShortestMeshPaths(spec.mesh, a, b, 1).empty())
        {
            throw d.ErrorAt("b", "no fibre route joins '" + names[a] + "' and '" + names[b] + "'");
        }
        if (d.Has("count") && d.Has("capacity_gbps"))
        {
            throw d.ErrorAt("capacity_gbps", "give count or capacity_gbps, not both");
        }
        uint64_t count = d.Unsigned("count", 1, 1, 4096);
        if (d.Has("capacity_gbps"))
        {
            const double gbps = d.Number("capacity_gbps", 0, 1e-3, 1e7);
            count = static_cast<uint64_t>(std::ceil(gbps / spec.transceiver.rateGbps - 1e-9));
        }
        if (spec.lightpaths.size() + count > kMaxLightpaths)
        {
            throw d.ErrorAt(d.Has("count") ? "count" : "capacity_gbps",
                            "more than " + std::to_string(kMaxLightpaths) + " lightpaths in the mesh");
        }
        const bool protect = d.Choice("protection", "none", {"none", "1+1"}) == "1+1";
        for (uint64_t k = 0; k < count; ++k)
        {
            topo::LightpathRequest req{a, b, protect, names[a] + "-" + names[b] + "#" + std::to_string(k)};
            spec.lightpaths.push_back({req, path});
        }
    }
}

} // namespace

OpticalMeshSpec
LoadOpticalMesh(const ConfigDocument& doc, const YAML::Node& section, const std::string& keyPath)
{
    if (!section.IsDefined() || !section.IsMap())
    {
        throw doc.ErrorAt(keyPath, section.IsDefined() ? section.Mark() : YAML::Mark::null_mark(),
                          "expected a section with nodes:, routes: and lightpaths:");
    }
    ExpectOnlyKeys(doc, section, keyPath, OpticalMeshKeys("optical_mesh"));
    OpticalMeshSpec spec;
    const std::vector<std::string> names = ReadNodes(doc, section, keyPath, spec);
    ReadOptics(doc, section, keyPath, spec); // before the routes: the slot width caps their wavelengths
    ReadRoutes(doc, section, keyPath, names, spec);
    spec.kPaths = static_cast<unsigned>(SectionReader(doc, section, keyPath).Unsigned("k_paths", 4, 1, 64));
    ReadLightpaths(doc, section, keyPath, names, spec);
    return spec;
}

YAML::Node
ResolvedOpticalMesh(const OpticalMeshSpec& spec)
{
    YAML::Node n;
    for (uint32_t i = 0; i < spec.mesh.NumNodes(); ++i)
    {
        n["nodes"].push_back(spec.mesh.NodeName(i));
    }
    for (const topo::MeshRoute& r : spec.mesh.GetRoutes())
    {
        YAML::Node route;
        route["a"] = spec.mesh.NodeName(r.a);
        route["b"] = spec.mesh.NodeName(r.b);
        route["length_km"] = r.lengthKm;
        route["duct"] = r.duct;
        route["wavelengths"] = r.wavelengths;
        n["routes"].push_back(route);
    }
    n["fibre"]["loss_db_per_km"] = spec.line.fibreLossDbPerKm;
    n["fibre"]["group_index"] = spec.line.groupIndex;
    n["amplifiers"]["spacing_km"] = spec.line.amplifierSpacingKm;
    n["amplifiers"]["noise_figure_db"] = spec.line.amplifierNoiseFigureDb;
    n["roadm"]["pass_loss_db"] = spec.line.roadmPassLossDb;
    const TransceiverSpec& t = spec.transceiver;
    n["transceiver"]["kind"] = t.kind;
    n["transceiver"]["launch_power_dbm"] = t.launchPowerDbm;
    n["transceiver"]["modulation"] = ToString(t.modulation);
    n["transceiver"]["rate_gbps"] = t.rateGbps;
    n["transceiver"]["symbol_rate_gbaud"] = t.symbolRateGbaud;
    n["transceiver"]["slot_width_ghz"] = t.slotWidthGhz;
    n["transceiver"]["pre_fec_ber_threshold"] = t.preFecBerThreshold;
    n["transceiver"]["implementation_penalty_db"] = t.implementationPenaltyDb;
    n["k_paths"] = spec.kPaths;
    for (const LightpathDemand& d : spec.lightpaths)
    {
        YAML::Node lp;
        lp["a"] = spec.mesh.NodeName(d.request.a);
        lp["b"] = spec.mesh.NodeName(d.request.b);
        lp["label"] = d.request.label;
        lp["protection"] = d.request.protection ? "1+1" : "none";
        n["lightpaths"].push_back(lp);
    }
    return n;
}

} // namespace ofab
