#include "ofab/fabric/experiment/fault-event-config.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/fabric/faults/fault-elements.h"
#include "ofab/foundation/unit-text.h"

#include <cctype>
#include <map>

namespace ofab
{

FaultKey
FaultReader::Key(const std::string& path, const YAML::Node& n) const
{
    return FaultKey{path, doc.Locate(path, n.IsDefined() ? n.Mark() : YAML::Mark::null_mark())};
}

namespace
{

/// `{node: a(0,0)}` reaches us as {node: "a(0", "0)": null}: name the real mistake, not an unknown key.
void
CheckSplitNames(const ConfigDocument& doc, const YAML::Node& item, const std::string& path)
{
    for (auto it = item.begin(); it != item.end(); ++it)
    {
        const std::string key = it->first.Scalar();
        if (key.find(')') != std::string::npos || (!key.empty() && std::isdigit(static_cast<unsigned char>(key[0]))))
        {
            throw doc.ErrorAt(JoinKey(path, key), it->first.Mark(),
                              "unexpected key '" + key +
                                  "': a node name with commas inside {...} must be quoted, "
                                  "e.g. node: \"a(0,1)\", or given as coordinates [0, 1]");
        }
    }
}

/// `link: 3` or `between: [n0, n1]`; returns the first node named (end a for `link:`).
uint32_t
ParseLink(const FaultReader& r, const SectionReader& sr, FaultSpec& s, YAML::Node& out)
{
    const bool hasLink = sr.Has("link");
    if (hasLink == sr.Has("between"))
    {
        throw hasLink ? sr.ErrorAt("between", "name the link once: by `link:` or by `between:`, not both")
                      : sr.Missing("link", "a link id, or the nodes it joins as `between: [n0, n1]`");
    }
    const std::string path = sr.KeyPath();
    uint32_t first = 0;
    if (hasLink)
    {
        s.link = ResolveLinkId(r.doc, sr.Node()["link"], JoinKey(path, "link"), r.graph);
        first = r.graph.GetLink(s.link).a;
    }
    else
    {
        s.link = ResolveLinkBetween(r.doc, sr.Node()["between"], JoinKey(path, "between"), r.graph, &first);
    }
    out["link"] = s.link;
    return first;
}

void
ParseLaserLine(const FaultReader& r, const SectionReader& sr, FaultSpec& s, YAML::Node& out)
{
    const std::string path = sr.KeyPath();
    if (sr.Has("source"))
    {
        if (sr.Has("link") || sr.Has("between") || sr.Has("from"))
        {
            throw sr.ErrorAt("source", "name the line by `source:` or by its link (`link:`/`between:`, `from:`), "
                                       "not both");
        }
        s.viaSource = true;
        YAML::Node src;
        s.source = ParseSourceRef(r, sr.Node()["source"], JoinKey(path, "source"), src);
        out["source"] = src;
    }
    else
    {
        if (!sr.Has("link") && !sr.Has("between"))
        {
            throw sr.Missing("source", "the line's laser as `source: {node, index}`, or its link as `link:` or "
                                       "`between:` (with `from:` the transmitting end)");
        }
        s.node = ParseLink(r, sr, s, out);
        if (sr.Has("from"))
        {
            s.node = ResolveNode(r.doc, sr.Node()["from"], JoinKey(path, "from"), r.graph);
            const topo::Link& l = r.graph.GetLink(s.link);
            if (s.node != l.a && s.node != l.b)
            {
                throw sr.ErrorAt("from", "'" + r.graph.GetNode(s.node).name + "' is not an end of link " +
                                             std::to_string(s.link) + " (" + LinkEnds(r.graph, s.link) + ")");
            }
        }
        out["from"] = r.graph.GetNode(s.node).name;
    }
    if (!sr.Has("line"))
    {
        throw sr.Missing("line", "the line's index on its laser source, from 0");
    }
    s.line = static_cast<uint32_t>(sr.Unsigned("line", 0, 0, 4095));
    s.lineKey = r.Key(JoinKey(path, "line"), sr.Node()["line"]);
    out["line"] = s.line;
}

void
ParseFlap(const SectionReader& sr, FaultSpec& s, YAML::Node& out)
{
    for (const char* key : {"period", "count"})
    {
        if (!sr.Has(key))
        {
            throw sr.Missing(key, std::string(key) == "period" ? "the time from one going-down to the next, e.g. 4us"
                                                               : "how many times the link goes down, e.g. 3");
        }
    }
    s.period = sr.Duration("period", ns3::Time(), ns3::PicoSeconds(2));
    s.count = static_cast<uint32_t>(sr.Unsigned("count", 1, 1, 1000000));
    s.downFor = sr.Duration("down_for", ns3::PicoSeconds(s.period.GetPicoSeconds() / 2), ns3::PicoSeconds(1));
    if (s.downFor >= s.period)
    {
        throw sr.ErrorAt("down_for",
                         "expected less than the period (" + FormatTime(s.period) + "), got " + FormatTime(s.downFor));
    }
    out["period"] = FormatTime(s.period);
    out["down_for"] = FormatTime(s.downFor);
    out["count"] = s.count;
}

const std::map<std::string, FaultKind>&
KindsByName()
{
    static const std::map<std::string, FaultKind> kinds{{"fibre_cut", FaultKind::FibreCut},
                                                        {"laser_line", FaultKind::LaserLine},
                                                        {"laser_source", FaultKind::LaserSource},
                                                        {"switch", FaultKind::Switch},
                                                        {"accelerator", FaultKind::Accelerator},
                                                        {"flap", FaultKind::Flap},
                                                        {"group", FaultKind::Group}};
    return kinds;
}

/// The keys naming the element a fault of `kind` takes.
std::vector<std::string>
ElementKeys(FaultKind kind)
{
    switch (kind)
    {
    case FaultKind::FibreCut:
    case FaultKind::Flap:
        return {"link", "between"};
    case FaultKind::LaserLine:
    case FaultKind::LaserLineDegraded:
        return {"link", "between", "from", "source", "line"};
    case FaultKind::LaserSource:
        return {"source"};
    case FaultKind::Switch:
    case FaultKind::Accelerator:
        return {"node"};
    case FaultKind::Group:
        return {"group"};
    }
    return {};
}

} // namespace

SourceRef
ParseSourceRef(const FaultReader& r, const YAML::Node& n, const std::string& path, YAML::Node& out)
{
    SourceRef s;
    if (n.IsMap())
    {
        ExpectOnlyKeys(r.doc, n, path, {"node", "index"});
        SectionReader sr(r.doc, n, path);
        if (!sr.Has("node"))
        {
            throw sr.Missing("node", "the node whose laser source it is, and optionally its `index`");
        }
        s.node = ResolveNode(r.doc, n["node"], path + ".node", r.graph);
        s.key = r.Key(path, n);
        if (sr.Has("index"))
        {
            s.index = static_cast<int32_t>(sr.Unsigned("index", 0, 0, 4095));
            s.key = r.Key(path + ".index", n["index"]);
        }
    }
    else
    {
        s.node = ResolveNode(r.doc, n, path, r.graph); // every source of the node
        s.key = r.Key(path, n);
    }
    out = YAML::Node(YAML::NodeType::Map);
    out["node"] = r.graph.GetNode(s.node).name;
    if (s.index >= 0)
    {
        out["index"] = s.index;
    }
    return s;
}

FaultSpec
ParseFaultEvent(const FaultReader& r, const YAML::Node& item, const std::string& path,
                const std::vector<FaultGroup>& groups, YAML::Node& out)
{
    if (!item.IsMap())
    {
        throw r.doc.ErrorAt(path, item.Mark(), "expected a fault, e.g. {at: 20us, kind: fibre_cut, link: 3}");
    }
    CheckSplitNames(r.doc, item, path);
    SectionReader sr(r.doc, item, path);
    if (!sr.Has("kind"))
    {
        throw sr.Missing("kind", "one of " + ListNames(FaultKindNames()));
    }
    FaultSpec s;
    s.key = r.Key(path, item);
    const std::string kindName = sr.Choice("kind", "", FaultKindNames());
    s.repair = kindName == "repair";
    std::string ofName = kindName;
    if (s.repair)
    {
        std::vector<std::string> repairable(FaultKindNames().begin(), FaultKindNames().end() - 1);
        if (!sr.Has("of"))
        {
            throw sr.Missing("of", "the kind of fault to repair: one of " + ListNames(repairable));
        }
        ofName = sr.Choice("of", "", repairable);
    }
    s.kind = KindsByName().at(ofName);
    std::vector<std::string> valid{"at", "kind", s.repair ? "of" : "repair_at"};
    for (const auto& k : ElementKeys(s.kind))
    {
        valid.push_back(k);
    }
    if (!s.repair && s.kind == FaultKind::LaserLine)
    {
        valid.insert(valid.end(), {"power_drop_db", "degraded"});
    }
    if (!s.repair && s.kind == FaultKind::Flap)
    {
        valid.insert(valid.end(), {"period", "down_for", "count"});
    }
    ExpectOnlyKeys(r.doc, item, path, valid);

    if (!sr.Has("at"))
    {
        throw sr.Missing("at", "when it happens, a time with a unit, e.g. 20us");
    }
    s.at = sr.Duration("at", ns3::Time(), ns3::Time());
    out["at"] = FormatTime(s.at);
    out["kind"] = kindName;
    if (s.repair)
    {
        out["of"] = ofName;
    }
    switch (s.kind)
    {
    case FaultKind::FibreCut:
        ParseLink(r, sr, s, out);
        break;
    case FaultKind::Flap:
        ParseLink(r, sr, s, out);
        if (!s.repair)
        {
            ParseFlap(sr, s, out);
        }
        break;
    case FaultKind::LaserLine:
    case FaultKind::LaserLineDegraded:
        ParseLaserLine(r, sr, s, out);
        break;
    case FaultKind::LaserSource:
    {
        if (!sr.Has("source"))
        {
            throw sr.Missing("source", "the laser source: `{node: <name>, index: <n>}`, or a node for all its sources");
        }
        YAML::Node src;
        s.source = ParseSourceRef(r, item["source"], JoinKey(path, "source"), src);
        out["source"] = src;
        break;
    }
    case FaultKind::Switch:
    case FaultKind::Accelerator:
    {
        if (!sr.Has("node"))
        {
            throw sr.Missing("node", std::string("the ") + ToString(s.kind) + "'s name or id");
        }
        const auto role = s.kind == FaultKind::Switch ? topo::NodeRole::Switch : topo::NodeRole::Accelerator;
        s.node = ResolveNode(r.doc, item["node"], JoinKey(path, "node"), r.graph, role);
        out["node"] = r.graph.GetNode(s.node).name;
        break;
    }
    case FaultKind::Group:
    {
        std::vector<std::string> names;
        for (const auto& g : groups)
        {
            names.push_back(g.name);
        }
        if (names.empty())
        {
            throw sr.ErrorAt("group", "no groups are declared: add them under faults.groups, e.g. "
                                      "groups: {bundle-a: {links: [3, 4]}}");
        }
        s.group = sr.Choice("group", "", names);
        if (s.group.empty())
        {
            throw sr.Missing("group", "a declared group: " + ListNames(names));
        }
        out["group"] = s.group;
        break;
    }
    }
    if (s.kind == FaultKind::LaserLine && !s.repair)
    {
        const std::string implied = sr.Has("power_drop_db") ? "true" : "false";
        const bool degraded = sr.Choice("degraded", implied, {"true", "false"}) == "true";
        if (degraded && !sr.Has("power_drop_db"))
        {
            throw sr.Missing("power_drop_db", "how far the degraded line's power drops, in dB, e.g. 3");
        }
        if (!degraded && sr.Has("power_drop_db"))
        {
            throw sr.ErrorAt("power_drop_db", "a line with `degraded: false` fails outright: remove power_drop_db");
        }
        if (degraded)
        {
            s.kind = FaultKind::LaserLineDegraded;
            s.powerDropDb = sr.Number("power_drop_db", 0, 0.001, 100);
            out["power_drop_db"] = s.powerDropDb;
        }
    }
    if (sr.Has("repair_at"))
    {
        s.hasRepairAt = true;
        s.repairAt = sr.Duration("repair_at", ns3::Time(), ns3::Time());
        if (s.repairAt <= s.at)
        {
            throw sr.ErrorAt("repair_at",
                             "expected a time after `at` (" + FormatTime(s.at) + "), got " + FormatTime(s.repairAt));
        }
        out["repair_at"] = FormatTime(s.repairAt);
    }
    return s;
}

} // namespace ofab
