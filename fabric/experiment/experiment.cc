#include "ofab/fabric/experiment/experiment.h"

#include "ofab/fabric/config/attribute-binder.h"
#include "ofab/fabric/config/config-values.h"
#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/fabric/control/reroute-policies.h"
#include "ofab/fabric/experiment/fault-config.h"
#include "ofab/fabric/experiment/ocs-section.h"
#include "ofab/fabric/experiment/section-keys.h"
#include "ofab/fabric/experiment/topology-section.h"
#include "ofab/fabric/workloads/chakra-workload.h"
#include "ofab/fabric/workloads/training-workload.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/usable-cores.h"

#include "ns3/double.h"
#include "ns3/object-factory.h"
#include "ns3/string.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// A section whose `key` picks the model (a workload's `type`, the controller's `policy`): that key
/// first, then every attribute of the model with its value.
YAML::Node
ResolvedModel(const std::string& key, const std::string& model, const ns3::ObjectBase& object)
{
    YAML::Node out(YAML::NodeType::Map);
    out[key] = model;
    const YAML::Node attributes = ResolvedAttributes(object);
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
    {
        out[it->first.Scalar()] = it->second;
    }
    return out;
}

/// Binds `section` (a map of attributes) onto `factory`, validating the created object if asked.
BoundSection
BindSection(const ConfigDocument& doc, const YAML::Node& parent, const std::string& key, const std::string& parentPath,
            ns3::ObjectFactory& factory)
{
    return BindAttributes(factory, doc, Child(parent, key), JoinKey(parentPath, key));
}

void
LoadProtocol(const ConfigDocument& doc, Experiment& x)
{
    const YAML::Node node = Child(doc.Root(), "protocol");
    ExpectOnlyKeys(doc, node, "protocol", {"port", "endpoint", "switch"});
    ns3::ObjectFactory portFactory(UalinkPort::GetTypeId().GetName());
    ns3::ObjectFactory endpointFactory(AcceleratorEndpoint::GetTypeId().GetName());
    ns3::ObjectFactory switchFactory(UalinkSwitch::GetTypeId().GetName());
    const BoundSection port = BindSection(doc, node, "port", "protocol", portFactory);
    const BoundSection endpoint = BindSection(doc, node, "endpoint", "protocol", endpointFactory);
    const BoundSection sw = BindSection(doc, node, "switch", "protocol", switchFactory);
    // The fabric sets these from the topology; a value in the file would be silently overwritten.
    for (const auto& [section, attribute] :
         {std::pair<const BoundSection*, const char*>{&port, "RoutingGroup"}, {&endpoint, "AcceleratorId"}})
    {
        if (section->Sets(attribute))
        {
            throw section->ErrorFor(attribute, "is set by the fabric from the topology; remove it from the file");
        }
    }
    // Build one of each now, so a bad value is reported before the fabric is assembled.
    ns3::Ptr<UalinkPort> p = portFactory.Create<UalinkPort>();
    port.Guard([&] { p->Validate(); });
    ns3::Ptr<AcceleratorEndpoint> e = endpointFactory.Create<AcceleratorEndpoint>();
    endpoint.Guard([&] { e->Validate(); });
    ns3::Ptr<UalinkSwitch> s = switchFactory.Create<UalinkSwitch>();
    sw.Guard([&] { s->Validate(); });
    UalinkHelper& protocol = x.fabric.protocol;
    port.ApplyTo([&](const std::string& a, const ns3::AttributeValue& v) { protocol.SetPortAttribute(a, v); });
    endpoint.ApplyTo([&](const std::string& a, const ns3::AttributeValue& v) { protocol.SetEndpointAttribute(a, v); });
    sw.ApplyTo([&](const std::string& a, const ns3::AttributeValue& v) { protocol.SetSwitchAttribute(a, v); });
    x.resolvedProtocol = YAML::Node(YAML::NodeType::Map);
    x.resolvedProtocol["port"] = ResolvedAttributes(*p);
    x.resolvedProtocol["port"].remove(AttributeKey("RoutingGroup"));
    x.resolvedProtocol["endpoint"] = ResolvedAttributes(*e);
    x.resolvedProtocol["endpoint"].remove(AttributeKey("AcceleratorId"));
    x.resolvedProtocol["switch"] = ResolvedAttributes(*s);
}

void
LoadWorkloads(const ConfigDocument& doc, Experiment& x)
{
    const YAML::Node list = Child(doc.Root(), "workloads");
    if (!list.IsDefined() || list.IsNull())
    {
        return;
    }
    if (!list.IsSequence())
    {
        throw doc.ErrorAt("workloads", list.Mark(), "expected a list of workloads, each with a `type`");
    }
    std::vector<std::string> types;
    for (const auto& [type, tid] : WorkloadTypes())
    {
        types.push_back(type);
    }
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        const std::string path = "workloads[" + std::to_string(i) + "]";
        const YAML::Node item = list[i];
        SectionReader r(doc, item, path);
        if (!item.IsMap() || !r.Has("type"))
        {
            throw doc.ErrorAt(path, item.Mark(), "expected a workload with a `type` (" + ListNames(types) + ")");
        }
        const std::string type = r.Choice("type", "", types);
        const auto& entry = *std::find_if(WorkloadTypes().begin(), WorkloadTypes().end(),
                                          [&](const auto& w) { return w.first == type; });
        ns3::ObjectFactory factory(entry.second);
        const BoundSection bound = BindAttributes(factory, doc, item, path, {"type"});
        if (type == "chakra" && r.Has("traces"))
        {
            // A trace set is named relative to the experiment file, as link files are.
            const std::string traces = r.Text("traces", "");
            factory.Set("Traces", ns3::StringValue(PathFrom(doc.Origin(), traces)));
        }
        ns3::Ptr<Workload> w = factory.Create<Workload>();
        bound.Guard([&] { w->Validate(); }); // checks that need the fabric run at install
        x.workloads.push_back(w);
        x.workloadTypes.push_back(type);
        x.workloadKeys.push_back(bound);
    }
}

/// `links.classes`: per graph link class, a link that differs from the default (layered on top of it).
void
LoadLinkClasses(const ConfigDocument& doc, Experiment& x, const YAML::Node& classes)
{
    if (classes.IsNull())
    {
        return;
    }
    if (!classes.IsMap())
    {
        throw doc.ErrorAt("links.classes", classes.Mark(),
                          "expected a section per link class, e.g. uplink: {file: ...}");
    }
    std::vector<std::string> present;
    for (const topo::Link& l : x.graph.GetLinks())
    {
        if (std::find(present.begin(), present.end(), l.linkClass) == present.end())
        {
            present.push_back(l.linkClass);
        }
    }
    for (auto it = classes.begin(); it != classes.end(); ++it)
    {
        const std::string name = it->first.Scalar();
        const std::string path = "links.classes." + name;
        if (std::find(present.begin(), present.end(), name) == present.end())
        {
            throw doc.ErrorAt(path, it->first.Mark(),
                              "this topology has no links of class '" + name + "'; its classes are " +
                                  ListNames(present));
        }
        LinkSpec spec = BuildExperimentLinks(doc, it->second, path, DirectoryOf(doc.Origin()), &x.links);
        spec.ApplyTo(x.fabric.photonicsByClass[name]);
        x.linkClasses.emplace(name, std::move(spec));
    }
}

void
LoadOutputs(const ConfigDocument& doc, Experiment& x)
{
    const YAML::Node node = Child(doc.Root(), "outputs");
    ExpectOnlyKeys(doc, node, "outputs", LoaderKeys("outputs"));
    SectionReader o(doc, node, "outputs");
    x.outputs.trace = o.Text("trace", "");
    x.outputs.summaryJson = o.Text("summary_json", "");
    x.outputs.throughputBin = o.Duration("throughput_bin", ns3::NanoSeconds(100), ns3::NanoSeconds(1));
    x.outputs.recoveryWindow = o.Duration("recovery_window", ns3::MicroSeconds(1), x.outputs.throughputBin);
    x.outputs.recoveryReference = o.Duration("recovery_reference", ns3::Time(0), ns3::Time(0));
    x.outputs.stallTimeout = o.Duration("stall_timeout", ns3::MicroSeconds(20), ns3::Time(0));
    if (!x.outputs.stallTimeout.IsZero() && x.outputs.stallTimeout < ns3::MicroSeconds(1))
    {
        // The detector looks at every port every stall_timeout / 4: shorter would cost the run.
        throw o.ErrorAt("stall_timeout", "0 (off) or at least 1us");
    }
    x.outputs.traceFlush = o.Duration("trace_flush", ns3::Seconds(10), ns3::Time(0));
    if (!x.outputs.traceFlush.IsZero() && x.outputs.traceFlush < ns3::MilliSeconds(100))
    {
        // Wall-clock time: every flush writes the file's metadata, so more often would cost the run.
        throw o.ErrorAt("trace_flush", "0 (only at the end) or at least 100ms (wall-clock time)");
    }
    x.outputs.transactionSample = static_cast<uint32_t>(o.Unsigned("transaction_sample", 1, 0, 1000000));
    x.outputs.flows = o.Choice("flows", "false", {"true", "false"}) == "true";
}

void
LoadRunSettings(const ConfigDocument& doc, Experiment& x)
{
    const YAML::Node node = Child(doc.Root(), "run");
    ExpectOnlyKeys(doc, node, "run", LoaderKeys("run"));
    SectionReader r(doc, node, "run");
    const std::string threads = r.Text("threads", "sequential");
    if (threads == "sequential")
    {
        x.threads = 0;
        return;
    }
    if (threads == "all")
    {
        if (const char* bad = InvalidCoresSetting())
        {
            throw r.ErrorAt("threads", std::string("all takes OFAB_CORES when it is set, and it is '") + bad +
                                           "': set it to a whole number of cores from 1, or unset it");
        }
        x.threads = UsableCores(); // a sweep's point: its share of the cores (OFAB_CORES)
    }
    else
    {
        x.threads = static_cast<uint32_t>(r.Unsigned("threads", 1, 1, 1024));
    }
    // What the parallel core runs so far: elements whose state belongs to one node, the controller
    // and circuit switches, whose every action is a global event, and collectives, whose ranks keep
    // to their own nodes (docs/parallel.md). A workload graph coordinates its ranks through one
    // shared object.
    for (std::size_t i = 0; i < x.workloadTypes.size(); ++i)
    {
        if (x.workloadTypes[i] != "traffic" && x.workloadTypes[i] != "collective")
        {
            throw r.ErrorAt("threads", "the parallel core runs traffic and collective workloads only so far; "
                                       "workload " +
                                           std::to_string(i + 1) + " is a " + x.workloadTypes[i] +
                                           ": leave threads at sequential (the default) for it");
        }
    }
}

/// A key that only another policy has (`fallback` under `policy: global`) is named as such: the
/// generic "unknown key" would leave the user wondering where it went.
void
RefuseOtherPoliciesKeys(const ConfigDocument& doc, const YAML::Node& section, const std::string& policy)
{
    if (!section.IsMap())
    {
        return; // BindAttributes says what a controller section is
    }
    auto keysOf = [](const std::string& typeName) { return SettableKeys(ns3::TypeId::LookupByName(typeName)); };
    const auto& types = ReroutePolicyTypes();
    const auto own = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.first == policy; });
    const std::vector<std::string> valid = keysOf(own->second);
    for (auto it = section.begin(); it != section.end(); ++it)
    {
        const std::string key = it->first.Scalar();
        if (key == "policy" || std::find(valid.begin(), valid.end(), key) != valid.end())
        {
            continue;
        }
        for (const auto& [other, typeName] : types)
        {
            const std::vector<std::string> keys = keysOf(typeName);
            if (std::find(keys.begin(), keys.end(), key) != keys.end())
            {
                throw doc.ErrorAt("controller." + key, it->first.Mark(),
                                  "a key of policy " + other + ", not of policy " + policy +
                                      " (`ofab keys controller:" + other + "`)");
            }
        }
    }
}

void
LoadController(const ConfigDocument& doc, Experiment& x)
{
    const YAML::Node node = Child(doc.Root(), "controller");
    if (!node.IsDefined() || node.IsNull())
    {
        return;
    }
    // `policy` picks the model (a RerouteController subclass); the other keys are its attributes.
    std::vector<std::string> policies;
    for (const auto& [name, tid] : ReroutePolicyTypes())
    {
        policies.push_back(name);
    }
    const std::string policy = SectionReader(doc, node, "controller").Choice("policy", kDefaultReroutePolicy, policies);
    const auto& entry = *std::find_if(ReroutePolicyTypes().begin(), ReroutePolicyTypes().end(),
                                      [&](const auto& p) { return p.first == policy; });
    ns3::ObjectFactory factory(entry.second);
    RefuseOtherPoliciesKeys(doc, node, policy);
    const BoundSection bound = BindAttributes(factory, doc, node, "controller", {"policy"});
    const ns3::Ptr<RerouteController> probe = factory.Create<RerouteController>();
    bound.Guard([&] { probe->Validate(); });
    x.controller = factory;
    x.resolvedController = ResolvedModel("policy", policy, *probe);
}

} // namespace

const std::vector<std::pair<std::string, std::string>>&
WorkloadTypes()
{
    static const std::vector<std::pair<std::string, std::string>> types{
        {"traffic", "ofab::TrafficPattern"},
        {"collective", "ofab::CollectiveWorkload"},
        // Looked up here so the type is registered before anyone asks ns-3 for it.
        {"training", TrainingWorkload::GetTypeId().GetName()},
        {"chakra", ChakraWorkload::GetTypeId().GetName()},
    };
    return types;
}

RunHeader
LoadRunHeader(const ConfigDocument& doc, const std::string& defaultName, const std::string& example)
{
    SectionReader top(doc, doc.Root(), "");
    RunHeader h;
    h.name = top.Text("name", defaultName);
    h.description = top.Text("description", "");
    h.seed = top.Unsigned("seed", 1, 1, UINT32_MAX);
    if (!top.Has("duration"))
    {
        throw top.Missing("duration", "the simulated time to run, e.g. " + example);
    }
    h.duration = top.Duration("duration", ns3::Time(), ns3::NanoSeconds(1));
    return h;
}

Experiment
LoadExperiment(const ConfigDocument& doc)
{
    ExpectOnlyKeys(doc, doc.Root(), "", LoaderKeys("experiment"));
    Experiment x;
    x.file = doc.Origin();
    const RunHeader header = LoadRunHeader(doc, "experiment", "20us");
    x.name = header.name;
    x.description = header.description;
    x.seed = header.seed;
    x.duration = header.duration;

    const YAML::Node links = Child(doc.Root(), "links");
    x.links = BuildExperimentLinks(doc, links, "links", DirectoryOf(doc.Origin()), nullptr, {"classes"});
    x.links.ApplyTo(x.fabric.protocol.Photonics());
    // A topology's cable length defaults to the link description's fibre length.
    ns3::DoubleValue fibreLengthM;
    x.links.link->GetAttribute("FibreLengthM", fibreLengthM);
    LoadTopology(doc, x, fibreLengthM.Get());
    LoadLinkClasses(doc, x, Child(links, "classes"));
    LoadProtocol(doc, x);
    LoadWorkloads(doc, x);
    x.faults = LoadFaults(doc, Child(doc.Root(), "faults"), x.graph);
    LoadController(doc, x);
    LoadOcs(doc, x);
    LoadOutputs(doc, x);
    LoadRunSettings(doc, x);
    return x;
}

YAML::Node
Experiment::Resolved() const
{
    YAML::Node out(YAML::NodeType::Map);
    out["name"] = name;
    if (!description.empty())
    {
        out["description"] = description;
    }
    out["seed"] = seed;
    out["duration"] = FormatTime(duration);
    out["topology"] = resolvedTopology;
    YAML::Node resolvedLinks = links.Resolved();
    resolvedLinks.remove("name"); // the link file's label, not a key of an experiment's links section
    for (const auto& [name, spec] : linkClasses)
    {
        YAML::Node c = spec.Resolved();
        c.remove("name");
        resolvedLinks["classes"][name] = c;
    }
    out["links"] = resolvedLinks;
    out["protocol"] = resolvedProtocol;
    YAML::Node wl(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < workloads.size(); ++i)
    {
        wl.push_back(ResolvedModel("type", workloadTypes[i], *workloads[i]));
    }
    out["workloads"] = wl;
    if (!faults.Empty())
    {
        out["faults"] = faults.resolved;
    }
    if (controller)
    {
        out["controller"] = resolvedController;
    }
    if (resolvedOcs.IsDefined() && !resolvedOcs.IsNull())
    {
        out["ocs"] = resolvedOcs;
    }
    YAML::Node o(YAML::NodeType::Map);
    o["trace"] = outputs.trace;
    o["summary_json"] = outputs.summaryJson;
    o["throughput_bin"] = FormatTime(outputs.throughputBin);
    o["recovery_window"] = FormatTime(outputs.recoveryWindow);
    o["recovery_reference"] = FormatTime(outputs.recoveryReference);
    o["stall_timeout"] = FormatTime(outputs.stallTimeout);
    o["trace_flush"] = FormatTime(outputs.traceFlush);
    o["transaction_sample"] = outputs.transactionSample;
    o["flows"] = outputs.flows;
    out["outputs"] = o;
    YAML::Node run(YAML::NodeType::Map);
    if (threads == 0)
    {
        run["threads"] = "sequential";
    }
    else
    {
        run["threads"] = threads;
    }
    out["run"] = run;
    return out;
}

} // namespace ofab
