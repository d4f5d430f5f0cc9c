// The local policy on its own: the two ends of a cut switch their entries to loop-free alternates
// at detection + switch-over, and from then on traffic that used the cut link goes around it.

#include "support/controller-test-util.h"

#include "ofab/foundation/kernel/parallel-simulator-impl.h"

#include <catch2/catch.hpp>

#include <functional>
#include <set>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

// 4 x 4 torus under uniform 256 B writes, a(1,1)-a(2,1) cut at 10 us and never repaired; the ends
// detect it 700 ns later and switch over 150 ns after that, at 10.85 us.
const char* kYaml = "duration: 20us\nseed: 3\n"
                    "topology: {kind: torus, dims: [4, 4]}\n"
                    "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                    "protocol: {endpoint: {completion_timeout: 5us}}\n"
                    "workloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 256, load: 0.2}\n"
                    "faults:\n  events:\n    - {at: 10us, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}\n"
                    "controller: {policy: local, detection_delay: 700ns, switch_over_time: 150ns}\n";

const ns3::Time kSwitchOver = ns3::NanoSeconds(10850);

struct Watch
{
    uint32_t link = 0;
    std::vector<std::pair<uint32_t, uint16_t>> ends;  ///< (node, router port of the cut link)
    std::set<std::pair<uint16_t, uint16_t>> crossing; ///< (src, dst) whose route crossed the link
    std::vector<uint32_t> usingBefore;                ///< per end: entries on the cut port just before
    std::vector<uint32_t> usingAfter;                 ///< and just after the switch-over
    std::vector<uint32_t> changed;                    ///< entries that differ from the fault-free ones
    std::vector<std::vector<ForwardingChoice>> initial;
    uint64_t failedAfter = 0;    ///< transactions issued after the switch-over that failed
    uint64_t failedBefore = 0;   ///< and issued before it
    uint64_t crossingAfter = 0;  ///< completed, issued after it, between a pair that crossed the link
    uint64_t crossingBefore = 0; ///< same pairs, completed, issued before the cut

    uint32_t OnPort(const Fabric& f, std::size_t e) const
    {
        uint32_t n = 0;
        for (uint32_t d = 0; d < f.AcceleratorCount(); ++d)
        {
            for (const auto& c : f.Router(ends[e].first)->GetRoute(static_cast<uint16_t>(d)))
            {
                n += c.port == ends[e].second;
            }
        }
        return n;
    }
};

void
Setup(Watch& w, ExperimentRunner& runner)
{
    const Fabric& f = runner.GetFabric();
    const topo::Graph& g = f.Graph();
    for (const FabricLink& l : f.Links())
    {
        const std::set<std::string> names{g.GetNode(l.a).name, g.GetNode(l.b).name};
        if (names == std::set<std::string>{"a(1,1)", "a(2,1)"})
        {
            w.link = l.id;
            w.ends = {{l.a, l.portA->GetIndex()}, {l.b, l.portB->GetIndex()}};
        }
    }
    REQUIRE(w.ends.size() == 2);
    // The pairs one of whose fault-free routes crosses the link (dimension order: one choice per
    // entry, two ways round on a tie).
    const auto portLink = RouterPortLinks(f);
    std::function<bool(uint32_t, uint32_t, uint32_t)> crosses = [&](uint32_t node, uint32_t d, uint32_t hops) {
        if (node == g.AcceleratorNode(d) || hops == 16)
        {
            return false;
        }
        const auto entry = f.Router(node)->GetRoute(static_cast<uint16_t>(d));
        REQUIRE((entry.size() == 1 || entry.size() == 2));
        bool any = false;
        for (const ForwardingChoice& c : entry)
        {
            const uint32_t link = portLink[node][c.port];
            any = any || link == w.link || crosses(g.Other(link, node), d, hops + 1);
        }
        return any;
    };
    for (uint32_t s = 0; s < f.AcceleratorCount(); ++s)
    {
        for (uint32_t d = 0; d < f.AcceleratorCount(); ++d)
        {
            if (crosses(g.AcceleratorNode(s), d, 0))
            {
                w.crossing.insert({static_cast<uint16_t>(s), static_cast<uint16_t>(d)});
            }
        }
    }
    for (const auto& [node, port] : w.ends)
    {
        for (uint32_t d = 0; d < f.AcceleratorCount(); ++d)
        {
            w.initial.push_back(f.Router(node)->GetRoute(static_cast<uint16_t>(d)));
        }
    }
    const Fabric* fp = &f;
    ns3::Simulator::Schedule(kSwitchOver - ns3::NanoSeconds(1), [&w, fp] {
        w.usingBefore = {w.OnPort(*fp, 0), w.OnPort(*fp, 1)};
    });
    ns3::Simulator::Schedule(kSwitchOver + ns3::NanoSeconds(1), [&w, fp] {
        w.usingAfter = {w.OnPort(*fp, 0), w.OnPort(*fp, 1)};
        std::size_t k = 0;
        w.changed = {0, 0};
        for (std::size_t e = 0; e < 2; ++e)
        {
            for (uint32_t d = 0; d < fp->AcceleratorCount(); ++d, ++k)
            {
                w.changed[e] += !(fp->Router(w.ends[e].first)->GetRoute(static_cast<uint16_t>(d)) == w.initial[k]);
            }
        }
    });
    // Through RunSerially: on the parallel core (the suite's second run) the endpoints of many
    // threads report here.
    auto onEnd = +[](Watch* w, const TransactionRecord& r) {
        RunSerially([w, r] {
            const bool after = r.issueTime > kSwitchOver;
            if (r.status != TransactionStatus::Okay)
            {
                (after ? w->failedAfter : w->failedBefore)++;
            }
            else if (w->crossing.count({r.src, r.dst}))
            {
                w->crossingAfter += after;
                w->crossingBefore += r.issueTime < ns3::MicroSeconds(10);
            }
        });
    };
    for (const auto& e : f.Endpoints())
    {
        e->TraceConnectWithoutContext("TransactionCompleted", ns3::MakeBoundCallback(onEnd, &w));
        e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeBoundCallback(onEnd, &w));
    }
}

} // namespace

TEST_CASE("local repair: the cut's two ends switch over at detection + switch-over, and traffic goes around",
          "[controller][local]")
{
    Watch w;
    const RunResult r = RunYaml(kYaml, [&](ExperimentRunner& runner) { Setup(w, runner); });
    const RunSummary& s = r.summary;
    INFO("failed before the switch-over " << w.failedBefore << ", after " << w.failedAfter);

    // Some pairs' fault-free routes (dimension order, walked from the tables at the start) cross the
    // cut link: those are the ones local repair has to carry around it.
    REQUIRE_FALSE(w.crossing.empty());
    // The tables: both ends still send over the dead port until the switch-over instant, none after.
    REQUIRE(w.usingBefore.size() == 2);
    REQUIRE(w.usingAfter.size() == 2);
    CHECK(w.usingBefore[0] > 0);
    CHECK(w.usingBefore[1] > 0);
    CHECK(w.usingAfter == std::vector<uint32_t>{0, 0});
    // Exactly the entries that used the port were rewritten.
    CHECK(w.changed == w.usingBefore);

    // Traffic: every pair that crossed the link still completes writes issued after the switch-over
    // (over the alternates), and nothing issued after it fails. What fails is what the cut caught in
    // flight or issued into the dead port before the ends knew.
    CHECK(w.crossingBefore > 0);
    CHECK(w.crossingAfter > 0);
    CHECK(w.failedAfter == 0);
    CHECK(w.failedBefore > 0);
    CHECK(s.failed == w.failedBefore);
    CHECK(s.issued == s.completed + s.failed + s.inFlight);
}
