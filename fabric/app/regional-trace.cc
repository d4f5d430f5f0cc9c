#include "ofab/fabric/app/regional-trace.h"

#include <cmath>
#include <limits>

namespace ofab
{

namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double
Or(const std::optional<double>& v)
{
    return v ? *v : kNaN;
}

int32_t
Nic(const std::optional<uint32_t>& nic)
{
    return nic ? static_cast<int32_t>(*nic) : -1;
}

uint32_t
SiteIndexOf(const RegionalExperiment& x, uint32_t meshNode)
{
    for (std::size_t s = 0; s < x.sites.size(); ++s)
    {
        if (x.sites[s].meshNode == meshNode)
        {
            return static_cast<uint32_t>(s);
        }
    }
    return UINT32_MAX;
}

void
AddLightpaths(std::vector<RegionLightpathRow>& rows, const std::vector<LightpathReport>& reports, uint8_t when)
{
    for (const LightpathReport& l : reports)
    {
        RegionLightpathRow row{};
        row.when = when;
        row.id = l.id;
        SetText(row.label, l.label);
        row.up = l.up ? 1 : 0;
        SetText(row.state, l.state);
        SetText(row.path, l.working.path);
        row.wavelength = l.working.wavelength ? static_cast<int32_t>(*l.working.wavelength) : -1;
        row.km = l.working.budget.lengthKm;
        row.osnrDb = l.working.budget.osnrDb;
        row.marginDb = l.working.budget.marginDb;
        row.latencyMs = l.working.budget.latencyMs;
        rows.push_back(row);
    }
}

std::string
Lightpaths(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " lightpath" : " lightpaths");
}

/// A failure's row, and an /events row per healing step that happened.
void
AddFailure(RegionTraceContent& c, const WanFailureRecord& f, const std::string& element,
           const std::optional<double>& recover95)
{
    RegionFailureRow row{};
    row.id = f.id;
    SetText(row.kind, f.kind);
    SetText(row.element, element);
    row.atNs = f.atNs;
    row.detectNs = Or(f.detectNs);
    row.protectNs = Or(f.protectNs);
    row.restoreNs = Or(f.restoreNs);
    row.rerouteNs = Or(f.rerouteNs);
    row.recover95Ns = Or(recover95);
    row.lightpathsDown = static_cast<uint32_t>(f.down.size());
    row.switchedToProtection = static_cast<uint32_t>(f.switchedToProtection.size());
    row.lostBytes = f.lostBytes;
    c.failures.push_back(row);
    const auto event = [&](uint8_t kind, std::optional<double> after, const std::string& detail) {
        if (!after)
        {
            return;
        }
        EventRow e{};
        e.timeNs = f.atNs + *after;
        e.kind = kind;
        SetText(e.element, element);
        SetText(e.detail, detail);
        c.events.push_back(e);
    };
    event(0, 0.0,
          Lightpaths(f.down.size()) + " down, " + std::to_string(f.switchedToProtection.size()) +
              " switched to protection");
    event(1, f.detectNs, "loss of light detected");
    event(2, f.protectNs, Lightpaths(f.switchedToProtection.size()) + " on their protection path");
    std::size_t restored = 0;
    for (const auto& o : f.restoration)
    {
        restored += o.restored ? 1 : 0;
    }
    event(3, f.restoreNs, std::to_string(restored) + " of " + std::to_string(f.restoration.size()) + " restored");
    event(4, f.rerouteNs, "gateways' routes recomputed");
}

} // namespace

RegionTraceContent
RegionalTrace(const RegionalExperiment& x, const RegionalRunResult& r, const std::string& configYaml,
              const nlohmann::ordered_json& summary)
{
    RegionTraceContent c;
    c.metaText = {
        {"ofab_version", OFAB_VERSION}, {"ns3_version", "3.37"}, {"experiment", x.name}, {"config_yaml", configYaml}};
    c.metaIntegers = {{"seed", static_cast<int64_t>(x.seed)}};
    c.metaNumbers = {{"wall_time_s", r.wallS}};
    for (const RegionalSiteFigures& s : r.sites)
    {
        RegionSiteRow row{};
        SetText(row.name, s.name);
        SetText(row.topology, s.topology);
        row.accelerators = s.accelerators;
        row.gateway = s.gateway;
        row.nics = s.nics;
        row.lost = s.lost ? 1 : 0;
        row.issued = s.transactionsIssued;
        row.completed = s.transactionsCompleted;
        row.failed = s.transactionsFailed;
        row.faults = s.faults;
        SetText(row.controller, s.controller);
        c.sites.push_back(row);
    }
    AddLightpaths(c.lightpaths, r.lightpathsBefore, 0);
    AddLightpaths(c.lightpaths, r.lightpathsAfter, 1);
    for (std::size_t i = 0; i < r.failures.size(); ++i)
    {
        const std::string element = i < r.faultElements.size() ? r.faultElements[i] : r.failures[i].element;
        AddFailure(c, r.failures[i], element, i < r.recovery.size() ? r.recovery[i].recover95Ns : std::nullopt);
    }
    std::stable_sort(c.events.begin(), c.events.end(),
                     [](const EventRow& a, const EventRow& b) { return a.timeNs < b.timeNs; });
    for (const TransferRecord& t : r.transfers)
    {
        RegionTransferRow row{};
        row.id = t.id;
        SetText(row.label, t.label);
        row.kind = t.kind == TransferKind::Message ? 1 : 0;
        row.status = static_cast<uint8_t>(t.status); // in_flight, completed, failed: the enum's order
        row.fromSite = SiteIndexOf(x, t.fromSite);
        row.fromNic = Nic(t.fromNic);
        row.toSite = SiteIndexOf(x, t.toSite);
        row.toNic = Nic(t.toNic);
        row.bytes = t.bytes;
        row.startNs = t.startNs;
        row.firstByteNs = Or(t.firstByteNs);
        row.endNs = t.status == TransferStatus::InFlight ? kNaN : Or(t.endNs);
        row.deliveredBytes = t.deliveredBytes;
        row.retransmittedBytes = t.retransmittedBytes;
        SetText(row.reason, t.reason);
        c.transfers.push_back(row);
    }
    for (const HierarchicalResult& h : r.allReduce)
    {
        RegionAllReduceRow row{};
        SetText(row.name, h.name);
        row.iteration = h.iteration;
        SetText(row.algorithm, h.algorithm);
        row.sites = h.sites;
        row.bytes = h.bytes;
        row.startNs = h.startNs;
        row.reducedNs = h.reducedNs < 0 ? kNaN : h.reducedNs;
        row.exchangedNs = h.exchangedNs < 0 ? kNaN : h.exchangedNs;
        row.endNs = h.status == CollectiveStatus::Unfinished ? kNaN : h.endNs;
        row.status = static_cast<uint8_t>(h.status); // completed, failed, unfinished: the enum's order
        SetText(row.failure, h.failure);
        c.allReduce.push_back(row);
    }
    c.binNs = r.binNs;
    c.pairs = r.pairNames;
    c.throughput = r.pairGbps;
    uint64_t completed = 0;
    for (const HierarchicalResult& h : r.allReduce)
    {
        completed += h.status == CollectiveStatus::Completed ? 1 : 0;
    }
    c.summaryFigures = {{"lost_bytes", static_cast<double>(r.lostBytes)},
                        {"retransmitted_bytes", static_cast<double>(r.retransmittedBytes)},
                        {"failures", static_cast<double>(r.failures.size())},
                        {"allreduce_completed", static_cast<double>(completed)},
                        {"transfers", static_cast<double>(r.transfers.size())}};
    c.summaryJson = summary.dump();
    return c;
}

} // namespace ofab
