#include "ofab/fabric/app/mesh-budget-output.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace ofab
{

namespace
{

/// One format for the header and the rows, so the columns line up.
constexpr const char* kRowFormat = " %4s  %-14s  %-20s  %6s  %5s  %4s  %7s  %6s  %11s  %9s  %6s  %10s  %s\n";

std::string
Fixed(const char* fmt, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

void
PrintRow(std::ostream& out, const std::string& id, const std::string& label, const ChannelReport& c,
         const std::string& state)
{
    const LightpathBudget& b = c.budget;
    const bool known = !c.path.empty();
    char row[512];
    std::snprintf(row, sizeof row, kRowFormat, id.c_str(), label.c_str(), known ? c.path.c_str() : "-",
                  known ? Fixed("%.0f", b.lengthKm).c_str() : "-", known ? std::to_string(b.spans).c_str() : "-",
                  c.wavelength ? std::to_string(*c.wavelength).c_str() : "-",
                  known ? Fixed("%.2f", b.osnrDb).c_str() : "-", known ? Fixed("%.2f", b.snrDb).c_str() : "-",
                  known ? Fixed("%.2e", b.ber).c_str() : "-", known ? Fixed("%+.2f", b.marginDb).c_str() : "-",
                  known ? (b.closes ? "yes" : "no") : "-", known ? Fixed("%.3f", b.latencyMs).c_str() : "-",
                  state.c_str());
    out << row;
}

nlohmann::ordered_json
ChannelJson(const ChannelReport& c)
{
    if (c.path.empty())
    {
        return nullptr;
    }
    const LightpathBudget& b = c.budget;
    return {{"path", c.path},
            {"wavelength", c.wavelength ? nlohmann::ordered_json(*c.wavelength) : nlohmann::ordered_json(nullptr)},
            {"length_km", b.lengthKm},
            {"spans", b.spans},
            {"roadm_passes", b.roadmPasses},
            {"osnr_db", b.osnrDb},
            {"snr_db", b.snrDb},
            {"pre_fec_ber", b.ber},
            {"required_osnr_db", b.requiredOsnrDb},
            {"margin_db", b.marginDb},
            {"closes", b.closes},
            {"latency_ms", b.latencyMs}};
}

} // namespace

void
PrintMeshBudget(const MeshPlanner& planner, const std::string& title, std::ostream& out)
{
    const OpticalMeshSpec& s = planner.Spec();
    const TransceiverSpec& t = s.transceiver;
    out << "Lightpath budget: " << title << "\n";
    out << "  " << t.kind << ": " << ToString(t.modulation) << " " << Fixed("%g", t.symbolRateGbaud) << " GBd, "
        << Fixed("%g", t.rateGbps) << " Gb/s, " << Fixed("%g", t.slotWidthGhz) << " GHz slots ("
        << t.MaxWavelengthsPerFibre() << " per fibre), launch " << Fixed("%g", t.launchPowerDbm)
        << " dBm, pre-FEC BER threshold " << Fixed("%.2e", t.preFecBerThreshold) << ": needs OSNR "
        << Fixed("%.2f", t.RequiredOsnrDb()) << " dB (0.1 nm, implementation penalty "
        << Fixed("%g", t.implementationPenaltyDb) << " dB)\n";
    out << "  fibre " << Fixed("%g", s.line.fibreLossDbPerKm) << " dB/km, amplifiers every "
        << Fixed("%g", s.line.amplifierSpacingKm) << " km (NF " << Fixed("%g", s.line.amplifierNoiseFigureDb)
        << " dB), ROADM pass " << Fixed("%g", s.line.roadmPassLossDb) << " dB; " << s.mesh.NumNodes() << " nodes, "
        << s.mesh.NumRoutes() << " routes, " << s.mesh.Ducts().size() << " ducts\n\n";
    char header[256];
    std::snprintf(header, sizeof header, kRowFormat, "id", "lightpath", "path", "km", "spans", "wave", "OSNR dB",
                  "SNR dB", "pre-FEC BER", "margin dB", "closes", "latency ms", "state");
    out << header;
    unsigned up = 0;
    const std::vector<LightpathReport> rows = planner.Report();
    for (const LightpathReport& r : rows)
    {
        up += r.up ? 1 : 0;
        PrintRow(out, std::to_string(r.id), r.label, r.working, r.state);
        if (r.protection)
        {
            PrintRow(out, "", "  1+1", *r.protection, r.protectionState);
        }
        else if (!r.protectionState.empty())
        {
            PrintRow(out, "", "  1+1", ChannelReport{}, "no protection: " + r.protectionState);
        }
    }
    out << "\n  lightpaths    " << up << " of " << rows.size() << " up, " << Fixed("%g", up * t.rateGbps) << " Gb/s\n";
    for (const auto& [duct, ids] : planner.Plan().SharedRiskGroups())
    {
        if (ids.empty())
        {
            continue;
        }
        std::string labels;
        for (uint32_t id : ids)
        {
            labels += (labels.empty() ? "" : ", ") + rows[id].label;
        }
        out << "  shared risk   duct " << duct << ": " << labels << "\n";
    }
}

nlohmann::ordered_json
MeshBudgetJson(const MeshPlanner& planner, const std::string& file, const std::string& name)
{
    const TransceiverSpec& t = planner.Spec().transceiver;
    nlohmann::ordered_json j;
    j["file"] = file;
    j["name"] = name;
    j["transceiver"] = {{"kind", t.kind},
                        {"modulation", ToString(t.modulation)},
                        {"rate_gbps", t.rateGbps},
                        {"symbol_rate_gbaud", t.symbolRateGbaud},
                        {"slot_width_ghz", t.slotWidthGhz},
                        {"wavelengths_per_fibre", t.MaxWavelengthsPerFibre()},
                        {"launch_power_dbm", t.launchPowerDbm},
                        {"pre_fec_ber_threshold", t.preFecBerThreshold},
                        {"implementation_penalty_db", t.implementationPenaltyDb},
                        {"required_osnr_db", t.RequiredOsnrDb()}};
    auto& lps = j["lightpaths"] = nlohmann::ordered_json::array();
    const std::vector<LightpathReport> rows = planner.Report();
    for (const LightpathReport& r : rows)
    {
        nlohmann::ordered_json lp = {{"id", r.id}, {"label", r.label}, {"up", r.up}, {"state", r.state}};
        lp["working"] = ChannelJson(r.working);
        lp["protection"] = r.protection ? ChannelJson(*r.protection) : nlohmann::ordered_json(nullptr);
        lp["protection_state"] = r.protectionState;
        lps.push_back(lp);
    }
    auto& srg = j["shared_risk_groups"] = nlohmann::ordered_json::object();
    for (const auto& [duct, ids] : planner.Plan().SharedRiskGroups())
    {
        auto& list = srg[duct] = nlohmann::ordered_json::array();
        for (uint32_t id : ids)
        {
            list.push_back(rows[id].label);
        }
    }
    return j;
}

} // namespace ofab
