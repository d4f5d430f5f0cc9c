// Conservation under random fault schedules: whatever fails and whenever, every transaction ends
// completed, failed with a reason, or is still in flight at the end; and every run reaches its end,
// with or without a reroute controller (any policy) healing the fabric meanwhile.

#include "support/random-faults.h"

#include <catch2/catch.hpp>

#include <random>

using namespace ofab;
using namespace ofab::faultstest;

TEST_CASE("under 100 random fault schedules every transaction is accounted for and every run ends",
          "[faults][conservation]")
{
    std::mt19937 rng(20261122);
    uint64_t totalIssued = 0, totalFailed = 0, totalFaults = 0, controlled = 0, incidents = 0, stalls = 0;
    std::map<std::string, uint64_t> reasons;
    for (int run = 0; run < 100; ++run)
    {
        std::size_t explicitFaults = 0;
        const std::string yaml = RandomFaultExperiment(rng, &explicitFaults);
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

TEST_CASE("two schedules that once had a reroute credited before its detection", "[faults][conservation]")
{
    // Found by the random schedules above (the first on the sequential core, the second on the
    // parallel one): a laser line's degradation credited when a later cut of its link left the tables
    // clean, and cuts credited by an older plan whose unreachable destinations happened to avoid them.
    const char* common = "duration: 4us\n"
                         "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: ";
    const std::string schedules[] = {
        std::string(common) +
            "0.5}\nseed: 469\nlinks: {file: experiments/links/cpo-8lambda.yaml, laser: {port_count: 1}}\n"
            "topology: {kind: full_mesh, accelerators: 4}\nprotocol: {endpoint: {completion_timeout: 975ns}}\n"
            "faults:\n  groups: {g: {links: [4]}}\n  events:\n"
            "    - {at: 919ns, kind: laser_source, source: {node: 3, index: 0}}\n"
            "  stochastic: {links: {mttf: 2906ns, mttr: 545ns}, laser_lines: {mttf: 20us, mttr: 1us}}\n"
            "controller: {policy: hybrid, detection_delay: 133ns, control_latency: 337ns, compute_time: 308ns, "
            "install_time: 50ns, wait_to_restore: 594ns, stall_timeout: 1us}\n",
        std::string(common) +
            "0.1}\nseed: 94\nlinks: {file: experiments/links/cpo-8lambda.yaml, laser: {port_count: 2}}\n"
            "topology: {kind: ring, accelerators: 4}\nprotocol: {endpoint: {completion_timeout: 1279ns}}\n"
            "faults:\n  groups: {g: {links: [2]}}\n  events:\n"
            "    - {at: 2772ns, kind: flap, link: 0, period: 334ns, count: 1}\n"
            "    - {at: 1405ns, kind: accelerator, node: 2, repair_at: 2962ns}\n"
            "  stochastic: {links: {mttf: 3287ns, mttr: 685ns}, laser_lines: {mttf: 20us, mttr: 1us}}\n"
            "controller: {policy: global, detection_delay: 407ns, control_latency: 53ns, compute_time: 826ns, "
            "install_time: 50ns, wait_to_restore: 113ns, stall_timeout: 1us}\nrun: {threads: 1}\n",
    };
    for (const std::string& yaml : schedules)
    {
        INFO(yaml);
        uint32_t rerouted = 0;
        RunYaml(yaml, nullptr, [&](ExperimentRunner& runner, const RunResult&) {
            for (const auto& i : runner.GetIncidents())
            {
                if (i.rerouteNs && *i.rerouteNs > 0 && !i.repair)
                {
                    ++rerouted;
                    CHECK(i.detectNs);
                    CHECK(*i.rerouteNs >= i.detectNs.value_or(0));
                }
            }
        });
        CHECK(rerouted >= 3); // the controller did reroute: the check above had work to do
    }
}
