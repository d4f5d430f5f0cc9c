#include "ofab/fabric/experiment/regional-experiment.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/fabric/regional/wan-config.h"
#include "ofab/foundation/unit-text.h"

#include <algorithm>

namespace ofab
{

namespace
{

const char* kSize = "a size in bytes (64MiB, 4096)";
const char* kTime = "a time with a unit (10ms)";

/// The names of a section's keys, for ExpectOnlyKeys.
std::vector<std::string>
KeysOf(const std::string& section)
{
    return KeyNames(FindSection(RegionalSections(), section));
}

uint64_t
Size(const SectionReader& r, const std::string& key)
{
    if (!r.Has(key))
    {
        throw r.Missing(key, "a size in bytes, e.g. 64MiB");
    }
    const std::string text = r.Text(key, "");
    uint64_t v = 0;
    if (!ParseSizeText(text, v) || v == 0)
    {
        throw r.ErrorAt(key, "expected a size of at least 1 B, e.g. 64MiB, got '" + text + "'");
    }
    return v;
}

std::size_t
SiteIndex(const SectionReader& r, const std::string& key, const std::vector<RegionalSite>& sites)
{
    if (!r.Has(key))
    {
        throw r.Missing(key, "a site's name");
    }
    const std::string name = r.Text(key, "");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < sites.size(); ++i)
    {
        if (sites[i].name == name)
        {
            return i;
        }
        names.push_back(sites[i].name);
    }
    throw r.ErrorAt(key, "unknown site '" + name + "': expected one of " + ListNames(names));
}

std::vector<RegionalSite>
LoadSites(const ConfigDocument& doc, const OpticalMeshSpec& mesh)
{
    const YAML::Node list = Child(doc.Root(), "sites");
    if (!list.IsSequence() || list.size() < 2)
    {
        throw doc.ErrorAt("sites", list.Mark(),
                          "expected a list of at least two sites, e.g. [{name: west, experiment: sites/pod.yaml, "
                          "gateway: 0}]");
    }
    std::vector<RegionalSite> sites;
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        const std::string path = "sites." + std::to_string(i);
        ExpectOnlyKeys(doc, list[i], path, KeysOf("sites"));
        SectionReader r(doc, list[i], path);
        RegionalSite s;
        s.name = r.Text("name", "");
        if (s.name.empty())
        {
            throw r.Missing("name", "the site's name, a node of optical_mesh");
        }
        for (const RegionalSite& other : sites)
        {
            if (other.name == s.name)
            {
                throw r.ErrorAt("name", "site '" + s.name + "' is listed twice");
            }
        }
        const auto node = mesh.mesh.FindNode(s.name);
        if (!node)
        {
            throw r.ErrorAt("name", "site '" + s.name + "' is not a node of optical_mesh");
        }
        s.meshNode = *node;
        if (!r.Has("experiment"))
        {
            throw r.Missing("experiment", "the site's experiment file (its topology, links, protocol, workloads)");
        }
        s.file = PathFrom(doc.Origin(), r.Text("experiment", ""));
        const ConfigDocument siteDoc = ConfigDocument::Load(s.file); // its own errors name its own file
        s.experiment = std::make_shared<Experiment>(LoadExperiment(siteDoc));
        const auto accelerators = static_cast<uint64_t>(s.experiment->graph.NumAccelerators());
        s.gateway = static_cast<uint32_t>(r.Unsigned("gateway", 0, 0, accelerators - 1));
        const uint64_t maxNics = std::min<uint64_t>(accelerators, 254);
        s.nics = static_cast<uint32_t>(r.Unsigned("nics", maxNics, 0, maxNics));
        sites.push_back(std::move(s));
    }
    return sites;
}

CrossSiteJob
LoadJob(const ConfigDocument& doc, const YAML::Node& item, const std::string& path,
        const std::vector<RegionalSite>& sites)
{
    SectionReader r(doc, item, path);
    CrossSiteJob j;
    if (!r.Has("type"))
    {
        throw r.Missing("type", "hierarchical_allreduce, checkpoint or requests");
    }
    const std::string type = r.Choice("type", "", {"hierarchical_allreduce", "checkpoint", "requests"});
    j.name = r.Text("name", type);
    j.bytes = Size(r, "bytes");
    j.start = r.Duration("start", ns3::Time(), ns3::Time());
    if (type == "hierarchical_allreduce")
    {
        ExpectOnlyKeys(doc, item, path, KeysOf("cross_site:hierarchical_allreduce"));
        j.kind = CrossSiteJob::Kind::HierarchicalAllReduce;
        j.iterations = static_cast<uint32_t>(r.Unsigned("iterations", 1, 1, 1000000));
        j.gap = r.Duration("gap", ns3::Time(), ns3::Time());
        const bool sharded = r.Choice("algorithm", "sharded", {"sharded", "funnel"}) == "sharded";
        j.algorithm = sharded ? HierarchicalAllReduce::Algorithm::Sharded : HierarchicalAllReduce::Algorithm::Funnel;
        const uint32_t first = static_cast<uint32_t>(sites[0].experiment->graph.NumAccelerators());
        for (const RegionalSite& s : sites)
        {
            const uint32_t n = static_cast<uint32_t>(s.experiment->graph.NumAccelerators());
            if (sharded && (n != first || s.nics < n))
            {
                throw r.ErrorAt(r.Has("algorithm") ? "algorithm" : "type",
                                "sharded (the default) needs every site to have the same number of accelerators, "
                                "each with a NIC: site " +
                                    s.name + " has " + std::to_string(n) + " accelerators and " +
                                    std::to_string(s.nics) + " NICs, site " + sites[0].name + " " +
                                    std::to_string(first) + " accelerators (algorithm: funnel needs neither)");
            }
        }
        return j;
    }
    j.from = SiteIndex(r, "from", sites);
    j.to = SiteIndex(r, "to", sites);
    if (j.from == j.to)
    {
        throw r.ErrorAt("to", "a job between sites goes to another site than it comes from");
    }
    if (type == "checkpoint")
    {
        ExpectOnlyKeys(doc, item, path, KeysOf("cross_site:checkpoint"));
        j.kind = CrossSiteJob::Kind::Checkpoint;
        return j;
    }
    ExpectOnlyKeys(doc, item, path, KeysOf("cross_site:requests"));
    j.kind = CrossSiteJob::Kind::Requests;
    j.interval = r.Duration("interval", ns3::MilliSeconds(1), ns3::NanoSeconds(1));
    j.iterations = static_cast<uint32_t>(r.Unsigned("count", 100, 1, 10000000));
    return j;
}

RegionalFault
LoadFault(const ConfigDocument& doc, const YAML::Node& item, const std::string& path, const RegionalExperiment& x)
{
    SectionReader r(doc, item, path);
    RegionalFault f;
    if (!r.Has("at"))
    {
        throw r.Missing("at", "when it happens, e.g. 20ms");
    }
    f.at = r.Duration("at", ns3::Time(), ns3::Time());
    if (f.at >= x.duration)
    {
        throw r.ErrorAt("at", "at or after the end of the run (duration " + FormatTime(x.duration) + ")");
    }
    if (!r.Has("kind"))
    {
        throw r.Missing("kind", "duct_cut, amplifier, roadm, site_loss or gateway");
    }
    const std::string kind = r.Choice("kind", "", {"duct_cut", "amplifier", "roadm", "site_loss", "gateway"});
    const topo::OpticalMesh& mesh = x.mesh->mesh;
    if (kind == "duct_cut")
    {
        ExpectOnlyKeys(doc, item, path, {"at", "kind", "duct"});
        f.kind = RegionalFault::Kind::DuctCut;
        f.duct = r.Text("duct", "");
        const auto ducts = mesh.Ducts();
        if (std::find(ducts.begin(), ducts.end(), f.duct) == ducts.end())
        {
            throw r.ErrorAt("duct", "unknown duct '" + f.duct + "': expected one of " + ListNames(ducts));
        }
        f.element = "duct " + f.duct;
    }
    else if (kind == "amplifier")
    {
        ExpectOnlyKeys(doc, item, path, {"at", "kind", "route"});
        f.kind = RegionalFault::Kind::Amplifier;
        f.route = static_cast<uint32_t>(r.Unsigned("route", 0, 0, mesh.GetRoutes().size() - 1));
        f.element = "route " + std::to_string(f.route);
    }
    else if (kind == "roadm")
    {
        ExpectOnlyKeys(doc, item, path, {"at", "kind", "node"});
        f.kind = RegionalFault::Kind::Roadm;
        const std::string node = r.Text("node", "");
        const auto id = mesh.FindNode(node);
        if (!id)
        {
            throw r.ErrorAt("node", "unknown mesh node '" + node + "'");
        }
        f.meshNode = *id;
        f.element = "roadm " + node;
    }
    else
    {
        ExpectOnlyKeys(doc, item, path, {"at", "kind", "site"});
        f.kind = kind == "site_loss" ? RegionalFault::Kind::SiteLoss : RegionalFault::Kind::Gateway;
        f.site = SiteIndex(r, "site", x.sites);
        f.meshNode = x.sites[f.site].meshNode;
        f.element = (kind == "site_loss" ? "site " : "gateway of ") + x.sites[f.site].name;
    }
    return f;
}

} // namespace

const std::vector<SectionDoc>&
RegionalSections()
{
    static const std::vector<SectionDoc> sections{
        {"region",
         "A file with `sites:` runs several sites over an optical mesh (fabric/sites/README.md).",
         {
             {"name", "regional", "text", "The experiment's name."},
             {"description", "", "text", "What it is for."},
             {"seed", "1", "a whole number from 1", "ns-3's random seed."},
             {"duration", "", kTime, "Simulated time (required)."},
             {"sites", "", "a list of at least 2 sites", "The sites: `ofab keys sites`."},
             {"optical_mesh", "", "a section",
              "The long-haul mesh, its nodes including every site: `ofab keys optical_mesh`."},
             {"wide_area", "", "a section", "The gateways' packet layer: `ofab keys wide_area`."},
             {"cross_site", "", "a list of jobs", "Jobs between sites: `ofab keys cross_site:<type>`."},
             {"faults", "", "a list of faults", "Failures of the region: `ofab keys region_faults`."},
             {"outputs", "", "summary_json, trace: paths",
              "Where the summary JSON and the HDF5 trace (docs/trace-format.md) go; absent: not written."},
         }},
        {"sites",
         "An item of `sites:`: a scale-up fabric as an experiment file builds it (its own workloads, faults "
         "and controller run in it).",
         {
             {"name", "", "a node of optical_mesh", "The site, and its ROADM."},
             {"experiment", "", "a path, relative to the file",
              "The site's experiment file (topology, links, protocol, workloads)."},
             {"gateway", "0", "an accelerator id of the site", "The accelerator that hosts the site's gateway."},
             {"nics", "the site's accelerators (at most 254)", "a whole number",
              "Scale-out NICs behind the gateway: accelerators 0 .. nics - 1 have one each (0: none)."},
         }},
        {"cross_site:hierarchical_allreduce",
         "An all-reduce over every site's accelerators: in each site, between the sites over the wide area, in each "
         "site.",
         {
             {"type", "", "hierarchical_allreduce", "Picks the job."},
             {"name", "hierarchical_allreduce", "text", "Its name in results."},
             {"bytes", "", kSize, "S, the buffer reduced (required)."},
             {"start", "0ns", kTime, "First iteration."},
             {"iterations", "1", "a whole number from 1", "Iterations, one after the other."},
             {"gap", "0ns", kTime, "From the end of one iteration to the start of the next."},
             {"algorithm", "sharded", "sharded or funnel",
              "sharded: reduce-scatter in each site, N ring all-reduces of S/N between the NICs r of the "
              "sites, all-gather (every site the same N, a NIC each); funnel: reduce into the gateway "
              "accelerator, one ring between the gateways, broadcast."},
         }},
        {"cross_site:checkpoint",
         "One bulk copy between two gateways on a connection of its own.",
         {
             {"type", "", "checkpoint", "Picks the job."},
             {"name", "checkpoint", "text", "Its name in results."},
             {"bytes", "", kSize, "What is copied (required)."},
             {"start", "0ns", kTime, "When the copy starts."},
             {"from", "", "a site", "Where it comes from."},
             {"to", "", "another site", "Where it goes."},
         }},
        {"cross_site:requests",
         "Messages at a fixed interval between two gateways, on their long-lived connection.",
         {
             {"type", "", "requests", "Picks the job."},
             {"name", "requests", "text", "Its name in results."},
             {"bytes", "", kSize, "Each request (required)."},
             {"start", "0ns", kTime, "The first request."},
             {"from", "", "a site", "The sender."},
             {"to", "", "another site", "The receiver."},
             {"interval", "1ms", kTime, "Between requests."},
             {"count", "100", "a whole number from 1", "Requests sent."},
         }},
        {"region_faults",
         "An item of `faults:` in a file with sites: `at`, `kind` and the element its kind names.",
         {
             {"at", "", kTime, "When it happens (before the end)."},
             {"kind", "", "duct_cut, amplifier, roadm, site_loss or gateway", "What fails."},
             {"duct", "", "a duct of optical_mesh", "duct_cut: every route in it."},
             {"route", "", "a route index of optical_mesh", "amplifier: that route."},
             {"node", "", "a node of optical_mesh", "roadm: every lightpath through it."},
             {"site", "", "a site", "site_loss (ROADM, gateway, every accelerator), gateway (the gateway alone)."},
         }},
    };
    return sections;
}

const char*
ToString(RegionalFault::Kind k)
{
    switch (k)
    {
    case RegionalFault::Kind::DuctCut:
        return "duct_cut";
    case RegionalFault::Kind::Amplifier:
        return "amplifier";
    case RegionalFault::Kind::Roadm:
        return "roadm";
    case RegionalFault::Kind::SiteLoss:
        return "site_loss";
    case RegionalFault::Kind::Gateway:
        return "gateway";
    }
    return "?";
}

bool
IsRegional(const ConfigDocument& doc)
{
    return !Child(doc.Root(), "sites").IsNull();
}

RegionalExperiment
LoadRegionalExperiment(const ConfigDocument& doc)
{
    ExpectOnlyKeys(doc, doc.Root(), "", KeysOf("region"));
    RegionalExperiment x;
    x.file = doc.Origin();
    const RunHeader header = LoadRunHeader(doc, "regional", "100ms");
    x.name = header.name;
    x.description = header.description;
    x.seed = header.seed;
    x.duration = header.duration;
    const YAML::Node meshNode = Child(doc.Root(), "optical_mesh");
    if (meshNode.IsNull())
    {
        throw doc.ErrorAt("optical_mesh", doc.Root().Mark(), "a file with sites needs the optical_mesh joining them");
    }
    x.mesh = std::make_shared<OpticalMeshSpec>(LoadOpticalMesh(doc, meshNode));
    x.sites = LoadSites(doc, *x.mesh);
    x.wideArea = LoadWideArea(doc, Child(doc.Root(), "wide_area"), "wide_area");
    const YAML::Node jobs = Child(doc.Root(), "cross_site");
    if (!jobs.IsNull() && !jobs.IsSequence())
    {
        throw doc.ErrorAt("cross_site", jobs.Mark(), "expected a list of jobs, each with a `type`");
    }
    for (std::size_t i = 0; jobs.IsSequence() && i < jobs.size(); ++i)
    {
        x.jobs.push_back(LoadJob(doc, jobs[i], "cross_site." + std::to_string(i), x.sites));
    }
    const YAML::Node faults = Child(doc.Root(), "faults");
    if (!faults.IsNull() && !faults.IsSequence())
    {
        throw doc.ErrorAt("faults", faults.Mark(), "expected a list of faults, each with `at` and `kind`");
    }
    for (std::size_t i = 0; faults.IsSequence() && i < faults.size(); ++i)
    {
        x.faults.push_back(LoadFault(doc, faults[i], "faults." + std::to_string(i), x));
    }
    const YAML::Node outputs = Child(doc.Root(), "outputs");
    ExpectOnlyKeys(doc, outputs, "outputs", {"summary_json", "trace"});
    x.summaryJson = SectionReader(doc, outputs, "outputs").Text("summary_json", "");
    x.trace = SectionReader(doc, outputs, "outputs").Text("trace", "");
    return x;
}

} // namespace ofab
