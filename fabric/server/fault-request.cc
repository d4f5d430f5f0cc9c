#include "ofab/fabric/server/fault-request.h"

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/fault-config.h"
#include "ofab/foundation/unit-text.h"

#include <algorithm>

namespace ofab
{

namespace
{

std::string
Trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

/// `link: "a(0,0)-a(1,0)"`: the two node names around the one '-' that splits it into real nodes.
Json
LinkByEnds(const std::string& text, const topo::Graph& graph)
{
    for (std::size_t dash = text.find('-'); dash != std::string::npos; dash = text.find('-', dash + 1))
    {
        const std::string a = Trim(text.substr(0, dash));
        const std::string b = Trim(text.substr(dash + 1));
        if (graph.FindNode(a) && graph.FindNode(b))
        {
            return Json::array({a, b});
        }
    }
    throw RequestError("key 'link': no link '" + text + "': name a link by its id (0 to " +
                       std::to_string(graph.NumLinks() - 1) + ") or by its ends as \"n0-n1\", e.g. \"" +
                       graph.GetNode(graph.GetLink(0).a).name + "-" + graph.GetNode(graph.GetLink(0).b).name + "\"");
}

/// The fault kind the element keys imply (see FaultSpecFromRequest).
std::string
ImpliedKind(const Json& entry, const topo::Graph& graph)
{
    if (entry.contains("group"))
    {
        return "group";
    }
    if (entry.contains("node"))
    {
        const Json& n = entry["node"];
        std::optional<uint32_t> id;
        if (n.is_string())
        {
            id = graph.FindNode(n.get<std::string>());
        }
        else if (n.is_number_unsigned() && n.get<uint64_t>() < graph.NumNodes())
        {
            id = static_cast<uint32_t>(n.get<uint64_t>());
        }
        bool hasSwitches = false;
        for (const topo::Node& node : graph.GetNodes())
        {
            hasSwitches = hasSwitches || node.role == topo::NodeRole::Switch;
        }
        // An unknown node: the parser's error then lists the names of the likelier role.
        const bool isSwitch = id ? graph.GetNode(*id).role == topo::NodeRole::Switch : hasSwitches;
        return isSwitch ? "switch" : "accelerator";
    }
    if (entry.contains("line"))
    {
        return "laser_line";
    }
    if (entry.contains("source"))
    {
        return "laser_source";
    }
    if (entry.contains("link") || entry.contains("between"))
    {
        return "fibre_cut";
    }
    throw RequestError("name an element: `link` (an id or \"n0-n1\"), `between` [n0, n1], `node`, "
                       "`source` {node, index} (with `line` for one line), or `group`");
}

} // namespace

FaultSpec
FaultSpecFromRequest(FaultVerb verb, const Json& request, const Fabric& fabric, const std::vector<FaultGroup>& groups,
                     ns3::Time now)
{
    const topo::Graph& graph = fabric.Graph();
    Json entry = request;
    entry.erase("cmd");
    entry.erase("id");
    if (entry.contains("at") && entry.contains("in"))
    {
        throw RequestError("key 'in': give `at` (absolute simulated time) or `in` (from now), not both");
    }
    bool relative = false;
    bool byEnds = false; ///< `link: "n0-n1"` became `between`: errors name the key the client wrote
    if (entry.contains("in"))
    {
        entry["at"] = entry["in"];
        entry.erase("in");
        relative = true;
    }
    const bool atNow = !entry.contains("at");
    if (atNow)
    {
        entry["at"] = "0ps"; // replaced by now below
    }
    if (entry.contains("link") && entry["link"].is_string())
    {
        const std::string text = Trim(entry["link"].get<std::string>());
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 10)
        {
            entry["link"] = std::stoul(text);
        }
        else
        {
            entry["between"] = LinkByEnds(text, graph);
            entry.erase("link");
            byEnds = true;
        }
    }
    switch (verb)
    {
    case FaultVerb::Cut:
        if (!entry.contains("kind"))
        {
            entry["kind"] = ImpliedKind(entry, graph);
        }
        else if (entry["kind"] == "repair")
        {
            throw RequestError("key 'kind': a cut is a fault; send {\"cmd\": \"repair\", ...} to repair");
        }
        break;
    case FaultVerb::Repair:
        if (entry.contains("kind"))
        {
            throw RequestError("key 'kind': a repair names the fault's kind as `of`, e.g. \"of\": \"fibre_cut\"");
        }
        if (!entry.contains("of"))
        {
            entry["of"] = ImpliedKind(entry, graph);
        }
        entry["kind"] = "repair";
        break;
    case FaultVerb::Degrade:
        if (!entry.contains("power_drop_db"))
        {
            throw RequestError("key 'power_drop_db': missing: how much weaker the line gets, in dB, e.g. 3");
        }
        if (entry.contains("kind") && entry["kind"] != "laser_line")
        {
            throw RequestError("key 'kind': degrade applies to a laser line only");
        }
        entry["kind"] = "laser_line";
        break;
    }
    FaultSpec spec;
    try
    {
        const ConfigDocument doc = ConfigDocument::Parse(entry.dump(), "request");
        spec = ParseFaultEntry(doc, doc.Root(), "", graph, groups);
    }
    catch (const ConfigError& e)
    {
        std::string key = e.KeyPath();
        if (relative && key == "at")
        {
            key = "in";
        }
        if (byEnds && key.rfind("between", 0) == 0)
        {
            key = "link";
        }
        throw RequestError((key.empty() ? "" : "key '" + key + "': ") + e.Message());
    }
    if (atNow)
    {
        spec.at = now;
    }
    else if (relative)
    {
        spec.at += now;
    }
    if (spec.hasRepairAt && spec.repairAt <= spec.at)
    {
        throw RequestError("key 'repair_at': expected a simulated time after the fault (" + FormatTime(spec.at) +
                           "), got " + FormatTime(spec.repairAt));
    }
    return spec;
}

} // namespace ofab
