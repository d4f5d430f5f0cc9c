#include "ofab/fabric/experiment/fault-config.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/fabric/experiment/fault-event-config.h"
#include "ofab/fabric/experiment/section-keys.h"
#include "ofab/fabric/faults/fault-elements.h"
#include "ofab/foundation/unit-text.h"

#include <algorithm>

namespace ofab
{

namespace
{

FailureRates
ParseRates(const FaultReader& r, const YAML::Node& parent, const std::string& key, YAML::Node& out)
{
    const YAML::Node n = Child(parent, key);
    if (n.IsNull())
    {
        return {};
    }
    const std::string path = "faults.stochastic." + key;
    ExpectOnlyKeys(r.doc, n, path, {"mttf", "mttr"});
    SectionReader sr(r.doc, n, path);
    for (const char* k : {"mttf", "mttr"})
    {
        if (!sr.Has(k))
        {
            throw sr.Missing(k, std::string("the mean time ") + (k[3] == 'f' ? "to failure" : "to repair") +
                                    " (exponential), a time with a unit, e.g. 50us");
        }
    }
    FailureRates rates{sr.Duration("mttf", ns3::Time(), ns3::PicoSeconds(1)),
                       sr.Duration("mttr", ns3::Time(), ns3::PicoSeconds(1)), r.Key(path, n)};
    out[key]["mttf"] = FormatTime(rates.mttf);
    out[key]["mttr"] = FormatTime(rates.mttr);
    return rates;
}

std::vector<FaultGroup>
ParseGroups(const FaultReader& r, const YAML::Node& section, YAML::Node& out)
{
    std::vector<FaultGroup> groups;
    if (section.IsNull())
    {
        return groups;
    }
    if (!section.IsMap())
    {
        throw r.doc.ErrorAt("faults.groups", section.Mark(),
                            "expected named groups, e.g. {bundle-a: {links: [3, 4, 5]}}");
    }
    for (auto it = section.begin(); it != section.end(); ++it)
    {
        FaultGroup g;
        g.name = it->first.Scalar();
        const std::string path = "faults.groups." + g.name;
        const YAML::Node body = it->second;
        ExpectOnlyKeys(r.doc, body, path, LoaderKeys("faults.groups"));
        g.key = r.Key(path, it->first);
        YAML::Node resolved(YAML::NodeType::Map);
        for (const char* key : {"links", "laser_sources"})
        {
            const YAML::Node list = Child(body, key);
            if (list.IsNull())
            {
                continue;
            }
            const std::string listPath = JoinKey(path, key);
            if (!list.IsSequence())
            {
                throw r.doc.ErrorAt(listPath, list.Mark(),
                                    std::string("expected a list of ") + (key[0] == 'l' && key[1] == 'i'
                                                                              ? "links: ids or [n0, n1] pairs"
                                                                              : "laser sources: {node, index}"));
            }
            for (std::size_t i = 0; i < list.size(); ++i)
            {
                const std::string itemPath = listPath + "[" + std::to_string(i) + "]";
                if (std::string(key) == "links")
                {
                    const uint32_t l = list[i].IsSequence() ? ResolveLinkBetween(r.doc, list[i], itemPath, r.graph)
                                                            : ResolveLinkId(r.doc, list[i], itemPath, r.graph);
                    if (std::find(g.links.begin(), g.links.end(), l) == g.links.end())
                    {
                        g.links.push_back(l);
                        resolved["links"].push_back(l);
                    }
                }
                else
                {
                    YAML::Node src;
                    g.sources.push_back(ParseSourceRef(r, list[i], itemPath, src));
                    resolved["laser_sources"].push_back(src);
                }
            }
        }
        if (g.links.empty() && g.sources.empty())
        {
            throw r.doc.ErrorAt(path, it->first.Mark(),
                                "a group needs members: `links: [...]` and/or `laser_sources: [...]`");
        }
        out[g.name] = resolved;
        groups.push_back(std::move(g));
    }
    return groups;
}

} // namespace

FaultPlan
LoadFaults(const ConfigDocument& doc, const YAML::Node& section, const topo::Graph& graph)
{
    FaultPlan plan;
    if (!section.IsDefined() || section.IsNull())
    {
        return plan;
    }
    const FaultReader r{doc, graph};
    YAML::Node events;
    std::string eventsPath = "faults";
    YAML::Node resolvedGroups(YAML::NodeType::Map);
    YAML::Node resolvedStochastic(YAML::NodeType::Map);
    if (section.IsSequence())
    {
        events = section;
    }
    else if (section.IsMap())
    {
        ExpectOnlyKeys(doc, section, "faults", LoaderKeys("faults"));
        events = Child(section, "events");
        eventsPath = "faults.events";
        plan.groups = ParseGroups(r, Child(section, "groups"), resolvedGroups);
        const YAML::Node st = Child(section, "stochastic");
        ExpectOnlyKeys(doc, st, "faults.stochastic", LoaderKeys("faults.stochastic"));
        StochasticFaults& s = plan.stochastic;
        s.links = ParseRates(r, st, "links", resolvedStochastic);
        s.laserLines = ParseRates(r, st, "laser_lines", resolvedStochastic);
        s.laserSources = ParseRates(r, st, "laser_sources", resolvedStochastic);
        s.switches = ParseRates(r, st, "switches", resolvedStochastic);
        s.groups = ParseRates(r, st, "groups", resolvedStochastic);
        s.accelerators = ParseRates(r, st, "accelerators", resolvedStochastic);
        if (s.groups.Enabled() && plan.groups.empty())
        {
            throw doc.ErrorAt("faults.stochastic.groups", Child(st, "groups").Mark(),
                              "no groups are declared: add them under faults.groups, e.g. "
                              "groups: {bundle-a: {links: [3, 4]}}");
        }
        s.start = SectionReader(doc, st, "faults.stochastic").Duration("start", ns3::Time(), ns3::Time());
        if (s.Any())
        {
            resolvedStochastic["start"] = FormatTime(s.start);
        }
    }
    else
    {
        throw doc.ErrorAt("faults", section.Mark(),
                          "expected a list of faults, or a section with events:, groups: and stochastic:");
    }
    YAML::Node resolvedEvents(YAML::NodeType::Sequence);
    if (events.IsDefined() && !events.IsNull())
    {
        if (!events.IsSequence())
        {
            throw doc.ErrorAt(eventsPath, events.Mark(),
                              "expected a list of faults, e.g. "
                              "- {at: 20us, kind: fibre_cut, link: 3}");
        }
        for (std::size_t i = 0; i < events.size(); ++i)
        {
            YAML::Node out(YAML::NodeType::Map);
            plan.events.push_back(
                ParseFaultEvent(r, events[i], eventsPath + "[" + std::to_string(i) + "]", plan.groups, out));
            resolvedEvents.push_back(out);
        }
    }
    plan.resolved = YAML::Node(YAML::NodeType::Map);
    if (resolvedEvents.size() > 0)
    {
        plan.resolved["events"] = resolvedEvents;
    }
    if (resolvedGroups.size() > 0)
    {
        plan.resolved["groups"] = resolvedGroups;
    }
    if (resolvedStochastic.size() > 0)
    {
        plan.resolved["stochastic"] = resolvedStochastic;
    }
    return plan;
}

FaultSpec
ParseFaultEntry(const ConfigDocument& doc, const YAML::Node& entry, const std::string& path, const topo::Graph& graph,
                const std::vector<FaultGroup>& groups)
{
    const FaultReader reader{doc, graph};
    YAML::Node resolved;
    return ParseFaultEvent(reader, entry, path, groups, resolved);
}

} // namespace ofab
