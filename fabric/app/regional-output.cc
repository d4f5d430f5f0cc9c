#include "ofab/fabric/app/regional-output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace ofab
{

namespace
{

template <class T>
nlohmann::ordered_json
Optional(const std::optional<T>& v)
{
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json
Lightpaths(const std::vector<LightpathReport>& reports)
{
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const LightpathReport& l : reports)
    {
        out.push_back({{"id", l.id},
                       {"label", l.label},
                       {"up", l.up},
                       {"state", l.state},
                       {"path", l.working.path},
                       {"wavelength", l.working.wavelength ? nlohmann::ordered_json(*l.working.wavelength) : nullptr},
                       {"km", l.working.budget.lengthKm},
                       {"osnr_db", l.working.budget.osnrDb},
                       {"margin_db", l.working.budget.marginDb},
                       {"latency_ms", l.working.budget.latencyMs},
                       {"protection", l.protection ? nlohmann::ordered_json(l.protection->path) : nullptr},
                       {"protection_state", l.protectionState}});
    }
    return out;
}

/// Messages and transfers by label stem ("grads #3 step 1" -> "grads"), for the tables.
std::string
Stem(const std::string& label)
{
    const auto hash = label.find(" #");
    return hash == std::string::npos ? label : label.substr(0, hash);
}

std::string
SiteName(const RegionalExperiment& x, uint32_t meshNode)
{
    for (const RegionalSite& s : x.sites)
    {
        if (s.meshNode == meshNode)
        {
            return s.name;
        }
    }
    return "node " + std::to_string(meshNode);
}

void
PrintIteration(const HierarchicalResult& h)
{
    std::printf("  all-reduce    %s #%u (%s, %llu B over %u sites): %s", h.name.c_str(), h.iteration,
                h.algorithm.c_str(), (unsigned long long)h.bytes, h.sites, ToString(h.status));
    if (h.status == CollectiveStatus::Completed)
    {
        const bool sharded = h.algorithm == "sharded";
        std::printf(", %.3f ms (%s %.3f, wide area %.3f, %s %.3f)", (h.endNs - h.startNs) / 1e6,
                    sharded ? "reduce-scatter" : "reduce", (h.reducedNs - h.startNs) / 1e6,
                    (h.exchangedNs - h.reducedNs) / 1e6, sharded ? "all-gather" : "broadcast",
                    (h.endNs - h.exchangedNs) / 1e6);
    }
    else if (!h.failure.empty())
    {
        std::printf(" after %.3f ms: %s", (h.endNs - h.startNs) / 1e6, h.failure.c_str());
    }
    std::printf("\n");
}

/// Many iterations: per job and number of sites, the completed ones' times; the failures by reason.
void
PrintIterationsSummary(const std::vector<HierarchicalResult>& all)
{
    struct Tally
    {
        uint64_t completed = 0, unfinished = 0;
        double sum = 0, min = 0, max = 0, first = 0, last = 0;
        std::map<std::string, uint64_t> failed;
    };
    std::map<std::pair<std::string, uint32_t>, Tally> by;
    std::map<std::string, std::string> algorithm;
    for (const HierarchicalResult& h : all)
    {
        algorithm[h.name] = h.algorithm;
        Tally& t = by[{h.name, h.sites}];
        const double ms = (h.endNs - h.startNs) / 1e6;
        if (t.completed + t.unfinished + t.failed.size() == 0)
        {
            t.first = h.startNs / 1e6;
        }
        t.last = h.endNs / 1e6;
        if (h.status == CollectiveStatus::Completed)
        {
            t.min = t.completed == 0 ? ms : std::min(t.min, ms);
            t.max = t.completed == 0 ? ms : std::max(t.max, ms);
            t.sum += ms;
            ++t.completed;
        }
        else if (h.status == CollectiveStatus::Failed)
        {
            ++t.failed[h.failure];
        }
        else
        {
            ++t.unfinished;
        }
    }
    for (const auto& [key, t] : by)
    {
        std::printf("  all-reduce    %s (%s) over %u sites (%.1f to %.1f ms): %llu completed", key.first.c_str(),
                    algorithm[key.first].c_str(), key.second, t.first, t.last, (unsigned long long)t.completed);
        if (t.completed)
        {
            std::printf(" (mean %.3f ms, min %.3f, max %.3f)", t.sum / t.completed, t.min, t.max);
        }
        std::printf(", %llu unfinished\n", (unsigned long long)t.unfinished);
        for (const auto& [why, n] : t.failed)
        {
            std::printf("                %llu failed: %s\n", (unsigned long long)n, why.c_str());
        }
    }
}

} // namespace

nlohmann::ordered_json
RegionalSummaryJson(const RegionalExperiment& x, const RegionalRunResult& r)
{
    nlohmann::ordered_json j;
    j["experiment"] = x.name;
    j["file"] = x.file;
    j["seed"] = x.seed;
    nlohmann::ordered_json sites = nlohmann::ordered_json::array();
    for (const RegionalSiteFigures& s : r.sites)
    {
        sites.push_back({{"name", s.name},
                         {"topology", s.topology},
                         {"accelerators", s.accelerators},
                         {"gateway", s.gateway},
                         {"nics", s.nics},
                         {"lost", s.lost},
                         {"faults", s.faults},
                         {"repairs", s.repairs},
                         {"controller", s.controller.empty() ? nlohmann::ordered_json(nullptr)
                                                             : nlohmann::ordered_json(s.controller)},
                         {"transactions",
                          {{"issued", s.transactionsIssued},
                           {"completed", s.transactionsCompleted},
                           {"failed", s.transactionsFailed}}}});
    }
    j["sites"] = sites;
    const topo::OpticalMesh& mesh = x.mesh->mesh;
    nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
    for (uint32_t n = 0; n < mesh.NumNodes(); ++n)
    {
        nodes.push_back(mesh.NodeName(n));
    }
    nlohmann::ordered_json routes = nlohmann::ordered_json::array();
    for (const topo::MeshRoute& route : mesh.GetRoutes())
    {
        routes.push_back({{"id", route.id},
                          {"a", mesh.NodeName(route.a)},
                          {"b", mesh.NodeName(route.b)},
                          {"km", route.lengthKm},
                          {"duct", route.duct},
                          {"wavelengths", route.wavelengths}});
    }
    j["mesh"] = {{"nodes", nodes}, {"routes", routes}};
    j["lightpaths_before"] = Lightpaths(r.lightpathsBefore);
    j["lightpaths_after"] = Lightpaths(r.lightpathsAfter);
    nlohmann::ordered_json failures = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < r.failures.size(); ++i)
    {
        const WanFailureRecord& f = r.failures[i];
        nlohmann::ordered_json restored = nlohmann::ordered_json::array();
        for (const auto& o : f.restoration)
        {
            restored.push_back({{"lightpath", o.lightpath},
                                {"restored", o.restored},
                                {"path", o.restored ? x.mesh->mesh.Describe(o.channel.path) : ""},
                                {"km", o.restored ? o.channel.path.lengthKm : 0.0},
                                {"wavelength", o.restored ? nlohmann::ordered_json(o.channel.wavelength) : nullptr},
                                {"reason", o.restored ? "" : ToString(o.reason)}});
        }
        failures.push_back({{"fault", i < r.faultElements.size() ? r.faultElements[i] : f.kind + " " + f.element},
                            {"at_ns", f.atNs},
                            {"lightpaths_down", f.down},
                            {"switched_to_protection", f.switchedToProtection},
                            {"t_detect_ns", Optional(f.detectNs)},
                            {"t_protect_ns", Optional(f.protectNs)},
                            {"t_restore_ns", Optional(f.restoreNs)},
                            {"restoration", restored},
                            {"t_reroute_ns", Optional(f.rerouteNs)},
                            {"t_recover95_ns", i < r.recovery.size() ? Optional(r.recovery[i].recover95Ns) : nullptr},
                            {"throughput_before_gbps", i < r.recovery.size() ? r.recovery[i].preFaultGbps : 0.0},
                            {"degraded_to", i < r.recovery.size() ? Optional(r.recovery[i].degradedTo) : nullptr},
                            {"lost_bytes", f.lostBytes}});
    }
    j["failures"] = failures;
    nlohmann::ordered_json partitions = nlohmann::ordered_json::array();
    for (const RegionalPartition& p : r.partitions)
    {
        partitions.push_back({{"a", p.a}, {"b", p.b}, {"partitioned_ns", p.ns}});
    }
    j["partitions"] = partitions;
    nlohmann::ordered_json allReduce = nlohmann::ordered_json::array();
    for (const HierarchicalResult& h : r.allReduce)
    {
        allReduce.push_back({{"name", h.name},
                             {"iteration", h.iteration},
                             {"algorithm", h.algorithm},
                             {"sites", h.sites},
                             {"bytes", h.bytes},
                             {"status", ToString(h.status)},
                             {"start_ns", h.startNs},
                             {"reduced_ns", h.reducedNs},
                             {"exchanged_ns", h.exchangedNs},
                             {"end_ns", h.endNs},
                             {"time_ns", h.endNs - h.startNs},
                             {"failure", h.failure}});
    }
    j["hierarchical_allreduce"] = allReduce;
    nlohmann::ordered_json transfers = nlohmann::ordered_json::array();
    for (const TransferRecord& t : r.transfers)
    {
        transfers.push_back({{"id", t.id},
                             {"label", t.label},
                             {"from", SiteName(x, t.fromSite)},
                             {"to", SiteName(x, t.toSite)},
                             {"from_nic", Optional(t.fromNic)},
                             {"to_nic", Optional(t.toNic)},
                             {"bytes", t.bytes},
                             {"status", ToString(t.status)},
                             {"start_ns", t.startNs},
                             {"end_ns", Optional(t.endNs)},
                             {"delivered_bytes", t.deliveredBytes},
                             {"retransmitted_bytes", t.retransmittedBytes},
                             {"reason", t.reason}});
    }
    j["transfers"] = transfers;
    j["cross_site_throughput_gbps"] = {{"bin_ns", r.binNs}, {"series", r.crossSiteGbps}};
    j["lost_bytes"] = r.lostBytes;
    j["retransmitted_bytes"] = r.retransmittedBytes;
    j["events"] = r.events;
    j["wall_s"] = r.wallS;
    j["sim_time_ns"] = r.simTimeNs;
    return j;
}

void
PrintRegional(const RegionalExperiment& x, const RegionalRunResult& r)
{
    std::printf("\n  sites        ");
    for (const RegionalSiteFigures& s : r.sites)
    {
        std::string own;
        if (s.faults + s.repairs > 0)
        {
            own += ", " + std::to_string(s.faults) + " own faults, " + std::to_string(s.repairs) + " repairs";
        }
        if (!s.controller.empty())
        {
            own += ", controller " + s.controller;
        }
        std::printf(" %s (%s, %u accelerators, gateway a%u, %u NICs%s%s)", s.name.c_str(), s.topology.c_str(),
                    s.accelerators, s.gateway, s.nics, own.c_str(), s.lost ? ", LOST" : "");
    }
    std::printf("\n");
    for (std::size_t i = 0; i < r.lightpathsBefore.size() && i < r.lightpathsAfter.size(); ++i)
    {
        const LightpathReport& b = r.lightpathsBefore[i];
        const LightpathReport& a = r.lightpathsAfter[i];
        std::printf("  lightpath     %-16s %-28s %s", b.label.c_str(), (b.up ? b.working.path : "-").c_str(),
                    b.up ? "up" : b.state.c_str());
        if (a.working.path != b.working.path || a.up != b.up)
        {
            std::printf("  ->  %s %s", (a.up ? a.working.path : "-").c_str(), a.up ? "up" : a.state.c_str());
        }
        std::printf("\n");
    }
    for (std::size_t i = 0; i < r.failures.size(); ++i)
    {
        const WanFailureRecord& f = r.failures[i];
        const auto ms = [&](const std::optional<double>& v) {
            return v ? std::to_string(*v / 1e6).substr(0, 7) + " ms" : std::string("-");
        };
        std::uint64_t restored = 0;
        for (const auto& o : f.restoration)
        {
            restored += o.restored ? 1 : 0;
        }
        std::string recovered = "-";
        if (i < r.recovery.size())
        {
            const FaultRecovery& rec = r.recovery[i];
            recovered = rec.recover95Ns ? ms(rec.recover95Ns)
                        : rec.degradedTo
                            ? "not by the end (" + std::to_string(std::lround(100 * *rec.degradedTo)) + " %)"
                            : "not by the end";
        }
        std::printf("  failure at %.3f ms  %s: %zu lightpaths down, %zu switched to protection; T_detect %s, "
                    "T_protect %s, T_restore %s (%llu of %zu restored), T_reroute %s, T_recover95 %s; %llu B lost\n",
                    f.atNs / 1e6, i < r.faultElements.size() ? r.faultElements[i].c_str() : f.element.c_str(),
                    f.down.size(), f.switchedToProtection.size(), ms(f.detectNs).c_str(), ms(f.protectNs).c_str(),
                    ms(f.restoreNs).c_str(), (unsigned long long)restored, f.restoration.size(),
                    ms(f.rerouteNs).c_str(), recovered.c_str(), (unsigned long long)f.lostBytes);
    }
    for (const WanFailureRecord& f : r.failures)
    {
        for (const auto& o : f.restoration)
        {
            const std::string label = o.lightpath < r.lightpathsBefore.size() ? r.lightpathsBefore[o.lightpath].label
                                                                              : std::to_string(o.lightpath);
            if (o.restored)
            {
                std::printf("  restored      %s at %.3f ms over %s (%.0f km, wavelength %u)\n", label.c_str(),
                            (f.atNs + *f.restoreNs) / 1e6, x.mesh->mesh.Describe(o.channel.path).c_str(),
                            o.channel.path.lengthKm, o.channel.wavelength);
            }
            else
            {
                std::printf("  not restored  %s: %s\n", label.c_str(), ToString(o.reason));
            }
        }
    }
    for (const RegionalPartition& p : r.partitions)
    {
        if (p.ns > 0)
        {
            std::printf("  partition     %s - %s: %.3f ms without a lit path\n", p.a.c_str(), p.b.c_str(), p.ns / 1e6);
        }
    }
    if (r.allReduce.size() <= 24)
    {
        for (const HierarchicalResult& h : r.allReduce)
        {
            PrintIteration(h);
        }
    }
    else
    {
        PrintIterationsSummary(r.allReduce);
    }
    // Transfers by job (the all-reduce's own messages are in its lines above).
    struct Tally
    {
        uint64_t completed = 0, failed = 0, inFlight = 0, bytes = 0;
        std::vector<double> ms;
    };
    std::map<std::string, Tally> jobs;
    for (const TransferRecord& t : r.transfers)
    {
        Tally& tally = jobs[Stem(t.label)];
        tally.bytes += t.deliveredBytes;
        if (t.status == TransferStatus::Completed)
        {
            ++tally.completed;
            tally.ms.push_back((*t.endNs - t.startNs) / 1e6);
        }
        else
        {
            ++(t.status == TransferStatus::Failed ? tally.failed : tally.inFlight);
        }
    }
    for (auto& [name, t] : jobs)
    {
        std::sort(t.ms.begin(), t.ms.end());
        std::printf("  wide area     %s: %llu completed", name.c_str(), (unsigned long long)t.completed);
        if (!t.ms.empty())
        {
            std::printf(" (p50 %.3f ms, max %.3f ms)", t.ms[t.ms.size() / 2], t.ms.back());
        }
        std::printf(", %llu failed, %llu in flight; %.1f MB delivered\n", (unsigned long long)t.failed,
                    (unsigned long long)t.inFlight, t.bytes / 1e6);
    }
    std::printf("  wide area     %llu B lost on dark lightpaths, %llu B retransmitted\n",
                (unsigned long long)r.lostBytes, (unsigned long long)r.retransmittedBytes);
    std::printf("  simulation    %.1f ms simulated, %llu events in %.2f s wall\n", r.simTimeNs / 1e6,
                (unsigned long long)r.events, r.wallS);
}

} // namespace ofab
