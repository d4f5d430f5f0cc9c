// Conservation under a fibre cut: a torus under uniform traffic loses one link mid-run (no reroute
// controller: routes keep pointing at it). Every transaction must still end exactly once or be
// reported in flight, issued = completed + failed + in_flight, and every failure carries its reason:
//   - LinkDown: requests on the cut link or queued for it (router policy), and new requests whose
//     only route is the dead link (they fail at once at the originator or at the transit node);
//   - CompletionTimeout: transactions whose response was on, or routed over, the dead link (dropped).

#include "validation-util.h"

#include "ofab/photonics/model/optical-channel.h"

#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace ofab;

namespace
{

const char* kCutYaml = R"(
name: torus-link-cut
seed: 9
duration: 8us
topology:
  kind: torus
  dims: [4, 4]
links:
  file: experiments/links/cpo-8lambda.yaml
protocol:
  endpoint:
    completion_timeout: 2us        # short, so dropped responses time out inside the run
workloads:
  - type: traffic
    pattern: uniform
    operation: write_full
    bytes: 256
    load: 0.4
    load_reference: port
)";

constexpr double kCutNs = 3000;

/// The cut run on one core (threads 0: sequential; N: the parallel core on N threads), checked;
/// returns every ended transaction (validation::Describe).
std::string
CheckCut(uint32_t threads)
{
    validation::TransactionLog log;
    uint64_t inFlightRecords = 0;
    std::set<TransactionState> inFlightStates;
    uint32_t cutLink = 0;
    const RunResult r = validation::RunYaml(
        kCutYaml, "torus-link-cut.yaml", validation::OnCore({}, threads),
        [&](ExperimentRunner& runner) {
            log.Attach(runner);
            // A link between accelerators 0 and 1 (first dimension), cut in both directions.
            const auto& links = runner.GetFabric().Links();
            for (const FabricLink& l : links)
            {
                if ((l.a == 0 && l.b == 1) || (l.a == 1 && l.b == 0))
                {
                    cutLink = l.id;
                }
            }
            ns3::Simulator::Schedule(ns3::NanoSeconds(kCutNs), &OpticalChannel::Cut, links.at(cutLink).channel);
        },
        [&](ExperimentRunner& runner, const RunResult&) {
            for (const auto& e : runner.GetFabric().Endpoints())
            {
                for (const TransactionRecord& t : e->GetInFlightTransactions())
                {
                    ++inFlightRecords;
                    inFlightStates.insert(t.state);
                }
            }
        });
    const RunSummary& s = r.summary;
    std::map<std::string, uint64_t> reasons;
    double firstFailureNs = 1e300;
    for (const auto& t : log.failed)
    {
        reasons[ToString(t.status)]++;
        firstFailureNs = std::min(firstFailureNs, t.endTime.ToDouble(ns3::Time::NS));
        CHECK(t.status != TransactionStatus::Okay);
        CHECK(t.state == TransactionState::Failed);
    }
    uint64_t byReason = 0;
    for (const auto& [reason, n] : s.failedByReason)
    {
        byReason += n;
    }
    WARN("link cut" << (threads > 0 ? " (parallel core)" : "") << " (link " << cutLink << " at " << kCutNs
                    << " ns): issued " << s.issued << ", completed " << s.completed << ", failed " << s.failed
                    << " (LinkDown " << (reasons.count("LinkDown") ? reasons["LinkDown"] : 0) << ", CompletionTimeout "
                    << (reasons.count("CompletionTimeout") ? reasons["CompletionTimeout"] : 0) << "), in flight "
                    << s.inFlight);

    // Conservation, from the summary and independently from the endpoints' trace sources.
    CHECK(s.issued == s.completed + s.failed + s.inFlight);
    CHECK(log.issued == s.issued);
    CHECK(log.completed.size() == s.completed);
    CHECK(log.failed.size() == s.failed);
    CHECK(inFlightRecords == s.inFlight);
    for (TransactionState st : inFlightStates)
    {
        CHECK((st == TransactionState::Outstanding || st == TransactionState::WaitingForTag));
    }
    // The cut did something, and only after it happened.
    CHECK(s.issued > 5000);
    CHECK(s.failed > 0);
    CHECK(firstFailureNs >= kCutNs);
    // Every failure carries a reason, the summary's tally agrees with the records, and both kinds occur.
    CHECK(byReason == s.failed);
    CHECK(s.failedByReason == reasons);
    CHECK(reasons.count("LinkDown") == 1);
    CHECK(reasons.count("CompletionTimeout") == 1);
    CHECK(reasons.count("?") == 0);
    return validation::Describe(log.completed) + validation::Describe(log.failed);
}

} // namespace

TEST_CASE("a fibre cut mid-run: issued = completed + failed + in flight, every failure has a reason",
          "[validation][conservation]")
{
    CheckCut(0);
}

TEST_CASE("a fibre cut mid-run on the parallel core: the same transactions at 1 and 2 threads, all accounted for",
          "[validation][conservation][parallel]")
{
    CHECK(CheckCut(2) == CheckCut(1));
}
