// The parallel core under random fault schedules: small fabrics where every node is a partition of
// its own, faults, repairs, flaps and stochastic failures at arbitrary instants (each cuts the
// window it falls in), and three runs in four healed by a reroute controller of any policy. Every
// schedule gives the same results at 1, 2 and 3 threads, down to each port's counters and each
// incident's figures, and every transaction is accounted for across the partitions.

#include "support/random-faults.h"

#include <catch2/catch.hpp>

#include <random>
#include <sstream>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

/// Everything a run's results hold that could tell two thread counts apart, as text (17 digits).
std::string
Fingerprint(ExperimentRunner& runner, const RunResult& r)
{
    std::ostringstream f;
    f.precision(17);
    const RunSummary& s = r.summary;
    f << "events " << r.events << " end " << r.simTimeNs << " issued " << s.issued << " completed " << s.completed
      << " failed " << s.failed << " in_flight " << s.inFlight << " latency " << s.latencyP50Ns << ' ' << s.latencyP99Ns
      << ' ' << s.latencyMaxNs << ' ' << s.latencyMeanNs << " payload " << s.payloadBytes << " flit_hops " << s.flitHops
      << " replayed " << s.flitsReplayed << " hops " << s.meanRequestHops << " faults " << s.faultsInjected << '/'
      << s.repairs << " stalls " << s.stalls << '\n';
    for (const auto& [reason, count] : s.failedByReason)
    {
        f << reason << ' ' << count << '\n';
    }
    auto opt = [](const std::optional<double>& v) { return v ? std::to_string(*v) : std::string("-"); };
    for (const FaultRecovery& fr : s.recovery)
    {
        f << "fault " << fr.faultNs << ' ' << fr.kind << ' ' << fr.element << ' ' << fr.preFaultGbps << ' '
          << opt(fr.recover95Ns) << ' ' << opt(fr.settledNs) << ' ' << fr.failedTransactions << ' ' << opt(fr.detectNs)
          << ' ' << opt(fr.rerouteNs) << ' ' << fr.routersUpdated << '\n';
    }
    for (const IncidentRecord& i : runner.GetIncidents())
    {
        f << "incident " << i.timeNs << ' ' << i.links.size() << ' ' << opt(i.detectNs) << ' ' << opt(i.rerouteNs)
          << ' ' << opt(i.optimisedNs) << ' ' << i.routersUpdated << ' ' << i.partitionedPairs << ' ' << i.unprotected
          << '\n';
    }
    const Fabric& fabric = runner.GetFabric();
    for (uint32_t node = 0; node < fabric.Graph().NumNodes(); ++node)
    {
        for (uint32_t p = 0; p < fabric.Router(node)->GetNPorts(); ++p)
        {
            const UalinkPort::Stats& st = fabric.Router(node)->GetPort(p)->GetStats();
            f << node << '.' << p << ' ' << st.flitsSent << ' ' << st.flitsReplayed << ' ' << st.controlFlitsSent << ' '
              << st.flitsAccepted << ' ' << st.messagesReceived << ' ' << st.payloadBytesReceived << ' '
              << st.creditStalls << ' ' << st.lostInFlight << ' ' << st.linkDowns << '\n';
        }
    }
    return f.str();
}

} // namespace

TEST_CASE("on the parallel core 100 random fault schedules give the same results at 1, 2 and 3 threads",
          "[faults][parallel]")
{
    std::mt19937 rng(20261205);
    uint64_t controlled = 0, faults = 0, windows = 0, incidents = 0;
    for (int run = 0; run < 100; ++run)
    {
        std::size_t explicitFaults = 0;
        const std::string yaml = RandomFaultExperiment(rng, &explicitFaults);
        INFO("run " << run << ":\n" << yaml);
        std::string reference;
        for (uint32_t threads : {1u, 2u, 3u})
        {
            INFO("threads " << threads);
            std::string print;
            uint32_t nodes = 0;
            RunResult r;
            REQUIRE_NOTHROW(r = RunYaml(yaml + "run: {threads: " + std::to_string(threads) + "}\n", nullptr,
                                        [&](ExperimentRunner& runner, const RunResult& result) {
                                            print = Fingerprint(runner, result);
                                            nodes = static_cast<uint32_t>(runner.GetFabric().Graph().NumNodes());
                                            if (threads == 1)
                                            {
                                                controlled += runner.GetController() ? 1 : 0;
                                                faults += runner.GetFaultInjector()->GetFaultCount();
                                                incidents += runner.GetIncidents().size();
                                            }
                                        }));
            const RunSummary& s = r.summary;
            CHECK(r.threads == threads);
            CHECK(r.partitions == nodes); // every node a partition of its own
            CHECK(s.issued > 0);
            CHECK(s.issued == s.completed + s.failed + s.inFlight);
            CHECK(r.simTimeNs == 4000);
            if (threads == 1)
            {
                reference = print;
                windows += r.windows;
            }
            else
            {
                CHECK(print == reference);
            }
        }
    }
    WARN("100 schedules: " << faults << " faults, " << controlled << " with a reroute controller, " << incidents
                           << " incidents, " << windows << " windows at 1 thread");
    CHECK(controlled > 50);
    CHECK(incidents > controlled);
    CHECK(windows > 100 * 20);
}
