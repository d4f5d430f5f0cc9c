#include "ofab/fabric/app/ocs-output.h"

#include <cstdio>

namespace ofab
{

void
AddOcsJson(nlohmann::ordered_json& summary, const std::optional<OcsSummary>& maybe)
{
    if (!maybe)
    {
        return;
    }
    const OcsSummary& ocs = *maybe;
    nlohmann::ordered_json& j = summary["ocs"];
    j["cube_dims"] = ocs.cubeDims;
    j["slice"] = ocs.sliceCubes;
    j["cubes"] = ocs.cubeCount;
    auto& configurations = j["configurations"] = nlohmann::ordered_json::array();
    for (const OcsConfigurationFacts& c : ocs.configurations)
    {
        configurations.push_back({{"cubes", c.cubes},
                                  {"circuits", c.circuits},
                                  {"dims", c.dims},
                                  {"diameter", c.diameter},
                                  {"bisection_links", c.bisectionLinks}});
    }
    auto& moves = j["reconfigurations"] = nlohmann::ordered_json::array();
    const nlohmann::ordered_json null(nullptr);
    for (const OcsReconfigurationFigures& r : ocs.reconfigurations)
    {
        const bool ready = r.readyNs >= 0;
        moves.push_back({{"from", r.from},
                         {"to", r.to},
                         {"reason", r.reason},
                         {"start_ns", r.startNs},
                         {"lit_ns", r.litNs >= 0 ? nlohmann::ordered_json(r.litNs) : null},
                         {"ready_ns", ready ? nlohmann::ordered_json(r.readyNs) : null},
                         {"recovered_after_ns", ready ? nlohmann::ordered_json(r.readyNs - r.startNs) : null},
                         {"circuits_darkened", r.circuitsDarkened},
                         {"circuits_lit", r.circuitsLit},
                         {"dark_min_ns", r.darkMinNs},
                         {"dark_max_ns", r.darkMaxNs},
                         {"throughput_before_gbps", r.throughputBeforeGbps},
                         {"throughput_recovered_ns",
                          r.throughputRecoveredNs >= 0 ? nlohmann::ordered_json(r.throughputRecoveredNs) : null},
                         {"failed_transactions", r.failed},
                         {"delayed_transactions", r.delayed},
                         {"slice_connected", ready ? nlohmann::ordered_json(r.sliceConnected) : null},
                         {"slice_diameter", ready ? nlohmann::ordered_json(r.sliceDiameter) : null},
                         {"slice_is_torus", ready ? nlohmann::ordered_json(r.sliceIsTorus) : null}});
    }
    j["final_configuration"] = ocs.finalConfiguration;
}

void
PrintOcsMoves(const std::optional<OcsSummary>& ocs)
{
    if (!ocs)
    {
        return;
    }
    for (const OcsReconfigurationFigures& r : ocs->reconfigurations)
    {
        std::printf("  ocs move      at %.0f ns, configuration %zu -> %zu (%s): %u circuits down, %u lit after "
                    "%.0f-%.0f ns dark; ",
                    r.startNs, r.from, r.to, r.reason.c_str(), r.circuitsDarkened, r.circuitsLit, r.darkMinNs,
                    r.darkMaxNs);
        if (r.readyNs >= 0)
        {
            std::printf("slice ready after %.0f ns (%s, diameter %u); ", r.readyNs - r.startNs,
                        r.sliceIsTorus ? "the declared torus" : "NOT the declared torus", r.sliceDiameter);
        }
        else
        {
            std::printf("slice NOT ready by the end; ");
        }
        if (r.throughputRecoveredNs >= 0)
        {
            std::printf("throughput back to 95 %% of before after %.0f ns; ", r.throughputRecoveredNs);
        }
        else
        {
            std::printf("throughput NOT back to 95 %% of before by the end; ");
        }
        std::printf("%llu transactions failed, %llu delayed\n", (unsigned long long)r.failed,
                    (unsigned long long)r.delayed);
    }
}

} // namespace ofab
