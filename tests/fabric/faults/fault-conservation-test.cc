// Conservation under random fault schedules: whatever fails and whenever, every transaction ends
// completed, failed with a reason, or is still in flight at the end; and every run reaches its end,
// with or without a reroute controller (any policy) healing the fabric meanwhile.

#include "support/faults-test-util.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>
#include <sstream>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

const Shape kShapes[] = {
    {"{kind: torus, dims: [3, 3]}", 18, 9, false},
    {"{kind: ring, accelerators: 4}", 4, 4, false},
    {"{kind: switched_pod, accelerators: 4, planes: 2}", 8, 4, true},
    {"{kind: full_mesh, accelerators: 4}", 6, 4, false},
};

/// One random experiment: a small fabric, traffic, and 1 to 5 faults of any kind (some repaired,
/// some flapping, some stochastic), each on its own element so the schedule is valid.
std::string
RandomExperiment(std::mt19937& rng, std::size_t* explicitFaults)
{
    auto pick = [&](uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng); };
    const Shape& s = kShapes[pick(4)];
    std::ostringstream y;
    y << "duration: 4us\nseed: " << pick(1000) + 1 << "\n"
      << "links: {file: experiments/links/cpo-8lambda.yaml, laser: {port_count: " << (pick(2) ? 2 : 1) << "}}\n"
      << "topology: " << s.topology << "\n"
      << "protocol: {endpoint: {completion_timeout: " << Ns(500 + pick(1000)) << "}}\n"
      << "workloads:\n  - {type: traffic, pattern: uniform, operation: " << (pick(2) ? "write" : "read")
      << ", bytes: " << (pick(2) ? 64 : 256) << ", load: 0." << 1 + pick(5) << "}\n"
      << "faults:\n  groups: {g: {links: [" << pick(s.links) << "]}}\n  events:\n";
    std::vector<uint32_t> links(s.links);
    std::iota(links.begin(), links.end(), 0);
    std::shuffle(links.begin(), links.end(), rng);
    const uint32_t n = 1 + pick(5);
    *explicitFaults = n;
    for (uint32_t i = 0; i < n; ++i)
    {
        const uint32_t at = 200 + pick(3000);
        y << "    - {at: " << Ns(at);
        const std::string repair = pick(2) ? ", repair_at: " + Ns(at + 100 + pick(2000)) : "";
        const uint32_t link = links[i % links.size()];
        switch (pick(8))
        {
        case 0:
            y << ", kind: fibre_cut, link: " << link << repair;
            break;
        case 1:
            y << ", kind: laser_line, link: " << link << ", line: " << i << (pick(2) ? ", power_drop_db: 20" : "")
              << repair;
            break;
        case 2:
            y << ", kind: flap, link: " << link << ", period: " << Ns(200 + pick(500)) << ", count: " << 1 + pick(4);
            break;
        case 3:
            y << ", kind: laser_source, source: {node: " << s.accelerators - 1 - i << ", index: 0}" << repair;
            break;
        case 4:
            y << ", kind: group, group: g" << repair;
            i = n; // one group fault per run: the group is one element
            break;
        case 5:
            if (s.switches)
            {
                y << ", kind: switch, node: sw.p" << i % 2 << repair;
                i = n; // a second switch failure could name the same plane
                break;
            }
            [[fallthrough]];
        default:
            y << ", kind: accelerator, node: " << pick(s.accelerators) << repair;
            i = n; // one accelerator per run: the next one could be the same node
            break;
        }
        y << "}\n";
    }
    if (pick(3) == 0)
    {
        y << "  stochastic: {links: {mttf: " << Ns(2000 + pick(4000)) << ", mttr: " << Ns(200 + pick(800))
          << "}, laser_lines: {mttf: 20us, mttr: 1us}}\n";
    }
    if (pick(4) != 0) // three runs in four heal with a reroute controller, of any policy
    {
        const char* policies[] = {"oracle", "local", "global", "hybrid"};
        y << "controller: {policy: " << policies[pick(4)] << ", detection_delay: " << Ns(50 + pick(400))
          << ", control_latency: " << Ns(50 + pick(300)) << ", compute_time: " << Ns(100 + pick(800))
          << ", install_time: 50ns, wait_to_restore: " << Ns(100 + pick(800)) << ", stall_timeout: 1us}\n";
    }
    return y.str();
}

} // namespace

TEST_CASE("under 100 random fault schedules every transaction is accounted for and every run ends",
          "[faults][conservation]")
{
    std::mt19937 rng(20261122);
    uint64_t totalIssued = 0, totalFailed = 0, totalFaults = 0, controlled = 0, incidents = 0, stalls = 0;
    std::map<std::string, uint64_t> reasons;
    for (int run = 0; run < 100; ++run)
    {
        std::size_t explicitFaults = 0;
        const std::string yaml = RandomExperiment(rng, &explicitFaults);
        INFO("run " << run << ":\n" << yaml);
        uint64_t faults = 0, inFlightRecords = 0;
        RunResult r;
        REQUIRE_NOTHROW(r = RunYaml(yaml, nullptr, [&](ExperimentRunner& runner, const RunResult&) {
                            faults = runner.GetFaultInjector()->GetFaultCount();
                            if (runner.GetController())
                            {
                                ++controlled;
                                incidents += runner.GetIncidents().size();
                                for (const auto& i : runner.GetIncidents())
                                {
                                    // A reroute never precedes its detection, unless nothing needed rerouting (0).
                                    CHECK((!i.rerouteNs || !i.detectNs || *i.rerouteNs >= *i.detectNs ||
                                           *i.rerouteNs == 0 || i.repair));
                                }
                            }
                            for (const auto& e : runner.GetFabric().Endpoints())
                            {
                                inFlightRecords += e->GetInFlightTransactions().size();
                            }
                            // Receive buffers are released exactly once per message that took them, whatever went
                            // down meanwhile: no count below zero (it would wrap past the size), none over the size.
                            const Fabric& fabric = runner.GetFabric();
                            for (uint32_t node = 0; node < fabric.Graph().NumNodes(); ++node)
                            {
                                for (uint32_t p = 0; p < fabric.Router(node)->GetNPorts(); ++p)
                                {
                                    const auto port = fabric.Router(node)->GetPort(p);
                                    CHECK(port->GetStats().bufferOverflows == 0);
                                    for (uint8_t vc = 0; vc < ualink::kVcCount; ++vc)
                                    {
                                        for (uint32_t c = 0; c < kCreditClassCount; ++c)
                                        {
                                            const auto cls = static_cast<CreditClass>(c);
                                            INFO(fabric.Graph().GetNode(node).name << " port " << p << " vc " << int(vc)
                                                                                   << " class " << c);
                                            CHECK(port->GetRxBuffers().Occupied(vc, cls) <=
                                                  port->GetRxBuffers().Sizes().Of(cls));
                                        }
                                    }
                                }
                            }
                        }));
        const RunSummary& s = r.summary;
        CHECK(r.simTimeNs == 4000); // reached its end: nothing stalled the simulator
        CHECK(s.issued > 0);
        CHECK(s.issued == s.completed + s.failed + s.inFlight);
        CHECK(inFlightRecords == s.inFlight);
        uint64_t byReason = 0;
        for (const auto& [reason, count] : s.failedByReason)
        {
            CHECK(reason != "OKAY");
            CHECK(reason != "?");
            byReason += count;
            reasons[reason] += count;
        }
        CHECK(byReason == s.failed);
        CHECK(faults >= 1); // every explicit fault lands inside the run
        stalls += s.stalls;
        totalIssued += s.issued;
        totalFailed += s.failed;
        totalFaults += faults;
    }
    WARN("100 runs: " << totalIssued << " transactions, " << totalFailed << " failed, " << totalFaults
                      << " faults injected; reasons: LinkDown " << reasons["LinkDown"] << ", CompletionTimeout "
                      << reasons["CompletionTimeout"] << ", Isolate " << reasons["Isolate"] << "; " << controlled
                      << " runs with a reroute controller, " << incidents << " link incidents, " << stalls
                      << " stalls reported");
    // Every stall these schedules ever showed was a receive buffer freed twice after a link went
    // down (credits advertised that did not exist, then none at all): none is left.
    CHECK(stalls == 0);
    CHECK(controlled > 50);
    CHECK(incidents > controlled);
    CHECK(reasons["LinkDown"] > 0);
    CHECK(reasons["CompletionTimeout"] > 0);
    CHECK(reasons["Isolate"] > 0);
}
