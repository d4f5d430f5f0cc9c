#include "ofab/fabric/app/link-budget-command.h"

#include "ofab/fabric/app/mesh-budget-output.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/link-spec.h"
#include "ofab/fabric/regional/mesh-config.h"
#include "ofab/fabric/regional/mesh-planner.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <ostream>

namespace ofab
{

namespace
{

/// The frame the protocol layer sends: one 640-byte DL flit (one RS(544,514) codeword).
constexpr uint32_t kDlFlitBytes = 640;

std::string
Format(const char* fmt, double v)
{
    if (std::isinf(v))
    {
        return v < 0 ? "-inf" : "inf";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

const char*
LineState(const LineBudget& b)
{
    if (!b.lit)
    {
        return "dark (laser line off)";
    }
    if (!b.locked)
    {
        return "lost (ring unlocked)";
    }
    if (!b.usable)
    {
        return "lost (BER above threshold)";
    }
    return "usable";
}

/// JSON numbers cannot be infinite: a dark line's powers become null.
nlohmann::json
Number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

void
PrintTable(const LinkSpec& spec, const std::string& file, std::ostream& out)
{
    const PhotonicLink& link = *spec.link;
    const YAML::Node resolved = spec.Resolved();
    out << "Link budget: " << (spec.name.empty() ? file : spec.name + " (" + file + ")") << "\n";
    out << "  " << resolved["link"]["modulation"].Scalar() << ", " << link.GetLineCount() << " lines x "
        << Format("%g", link.GetLineRateBps() / 1e9) << " Gb/s, FEC "
        << (link.IsFecEnabled() ? "RS(544,514) on, " + Format("%g", link.GetFecLatency().GetNanoSeconds()) + " ns"
                                : std::string("off"))
        << ", fibre " << resolved["link"]["fibre_length_m"].Scalar() << " m ("
        << Format("%g", link.GetPropagationDelay().GetNanoSeconds()) << " ns)\n\n";

    out << " line  freq THz  laser dBm  loss dB  Rx avg dBm  OMA dBm  xtalk dBm        Q  pre-FEC BER  "
           "codeword err  margin dB  state\n";
    for (const LineBudget& b : link.GetLineBudgets())
    {
        char row[256];
        std::snprintf(row, sizeof row, " %4u  %8.3f  %9s  %7.2f  %10s  %7s  %9s  %7s  %11s  %12s  %9s  %s\n", b.line,
                      b.frequencyHz / 1e12, Format("%.2f", b.laserPowerDbm).c_str(), b.chainLossDb,
                      Format("%.2f", b.rxPowerDbm).c_str(), Format("%.2f", b.omaDbm).c_str(),
                      Format("%.1f", b.crosstalkDbm).c_str(), Format("%.2f", b.q).c_str(),
                      Format("%.2e", b.preFecBer).c_str(), Format("%.2e", b.codewordErrorProb).c_str(),
                      Format("%.2f", b.marginDb).c_str(), LineState(b));
        out << row;
    }
    out << "\n";
    out << "  capacity      " << Format("%g", link.GetCapacityBps() / 1e9) << " Gb/s (" << link.GetUsableLineCount()
        << " of " << link.GetLineCount() << " lines usable)\n";
    out << "  frame error   " << Format("%.2e", link.GetFrameErrorProbability(kDlFlitBytes)) << " per " << kDlFlitBytes
        << "-byte DL flit\n";
    if (link.GetUsableLineCount() > 0)
    {
        out << "  DL flit time  " << Format("%.3f", link.GetSerializationTime(kDlFlitBytes).ToDouble(ns3::Time::NS))
            << " ns\n";
        out << "  energy        " << Format("%.2f", link.GetEnergyPerBitPj()) << " pJ/bit\n";
    }
    else
    {
        out << "  link down     no usable line: nothing can be sent\n";
    }
}

nlohmann::ordered_json
ToJson(const LinkSpec& spec, const std::string& file)
{
    const PhotonicLink& link = *spec.link;
    nlohmann::ordered_json j;
    j["file"] = file;
    j["name"] = spec.name;
    j["line_count"] = link.GetLineCount();
    j["usable_lines"] = link.GetUsableLineCount();
    j["line_rate_gbps"] = link.GetLineRateBps() / 1e9;
    j["capacity_gbps"] = link.GetCapacityBps() / 1e9;
    j["fec_enabled"] = link.IsFecEnabled();
    j["fec_latency_ns"] = link.GetFecLatency().ToDouble(ns3::Time::NS);
    j["propagation_delay_ns"] = link.GetPropagationDelay().ToDouble(ns3::Time::NS);
    j["dl_flit_bytes"] = kDlFlitBytes;
    j["dl_flit_time_ns"] = link.GetUsableLineCount() > 0
                               ? nlohmann::ordered_json(link.GetSerializationTime(kDlFlitBytes).ToDouble(ns3::Time::NS))
                               : nlohmann::ordered_json(nullptr);
    j["frame_error_probability"] = link.GetFrameErrorProbability(kDlFlitBytes);
    j["energy_pj_per_bit"] = Number(link.GetEnergyPerBitPj());
    auto& lines = j["lines"] = nlohmann::ordered_json::array();
    for (const LineBudget& b : link.GetLineBudgets())
    {
        lines.push_back({{"line", b.line},
                         {"frequency_thz", b.frequencyHz / 1e12},
                         {"state", LineState(b)},
                         {"usable", b.usable},
                         {"laser_power_dbm", Number(b.laserPowerDbm)},
                         {"chain_loss_db", b.chainLossDb},
                         {"rx_power_dbm", Number(b.rxPowerDbm)},
                         {"oma_dbm", Number(b.omaDbm)},
                         {"crosstalk_dbm", Number(b.crosstalkDbm)},
                         {"q", Number(b.q)},
                         {"pre_fec_ber", b.preFecBer},
                         {"codeword_error_probability", b.codewordErrorProb},
                         {"margin_db", Number(b.marginDb)}});
    }
    return j;
}

void
RunMeshBudget(const ConfigDocument& doc, const YAML::Node& section, const LinkBudgetOptions& options, std::ostream& out)
{
    const MeshPlanner planner(LoadOpticalMesh(doc, section));
    const YAML::Node nameNode = Child(doc.Root(), "name");
    const std::string name = nameNode.IsScalar() ? nameNode.Scalar() : "";
    YAML::Node resolved;
    resolved["optical_mesh"] = ResolvedOpticalMesh(planner.Spec());
    YAML::Emitter e;
    e << resolved;
    if (options.json)
    {
        auto j = MeshBudgetJson(planner, options.file, name);
        if (options.resolved)
        {
            j["resolved_config_yaml"] = e.c_str();
        }
        out << j.dump(2) << "\n";
        return;
    }
    PrintMeshBudget(planner, name.empty() ? options.file : name + " (" + options.file + ")", out);
    if (options.resolved)
    {
        out << "\nResolved configuration:\n" << e.c_str() << "\n";
    }
}

} // namespace

void
RunLinkBudget(const LinkBudgetOptions& options, std::ostream& out)
{
    ConfigDocument doc = ConfigDocument::Load(options.file);
    for (const auto& o : options.overrides)
    {
        doc.ApplyOverride(o);
    }
    const YAML::Node mesh = Child(doc.Root(), "optical_mesh");
    if (mesh.IsDefined() && !mesh.IsNull())
    {
        // A mesh file, or an experiment with a mesh: the lightpaths; the file's other keys are not ours.
        RunMeshBudget(doc, mesh, options, out);
        return;
    }
    const LinkSpec spec = BuildLinkSpec(doc, doc.Root(), "");
    if (options.json)
    {
        auto j = ToJson(spec, options.file);
        if (options.resolved)
        {
            YAML::Emitter e;
            e << spec.Resolved();
            j["resolved_config_yaml"] = e.c_str();
        }
        out << j.dump(2) << "\n";
        return;
    }
    PrintTable(spec, options.file, out);
    if (options.resolved)
    {
        YAML::Emitter e;
        e << spec.Resolved();
        out << "\nResolved configuration:\n" << e.c_str() << "\n";
    }
}

} // namespace ofab
