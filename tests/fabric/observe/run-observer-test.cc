// What the run summary reports against the transactions themselves, counted from the endpoints'
// own trace sources: delivered payload is the bytes of completed transactions, never of failed ones.

#include "support/faults-test-util.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

struct Ends
{
    uint64_t completed = 0;
    uint64_t completedBytes = 0;
    uint64_t failed = 0;
    uint64_t failedBytes = 0;

    static void OnCompleted(Ends* e, const TransactionRecord& r)
    {
        ++e->completed;
        e->completedBytes += r.bytes;
    }
    static void OnFailed(Ends* e, const TransactionRecord& r)
    {
        ++e->failed;
        e->failedBytes += r.bytes;
    }
};

} // namespace

TEST_CASE("delivered payload is the bytes of completed transactions, on a run where a cut fails many",
          "[observe][summary]")
{
    // A ring of 4 under uniform 256 B writes; its link a(1)-a(2) is cut at 2 us and nothing reroutes:
    // every transaction routed over it from then on fails (link_down), and those on the fibre end
    // by completion_timeout.
    const std::string yaml = "duration: 6us\nseed: 5\n"
                             "topology: {kind: ring, accelerators: 4}\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                             "protocol: {endpoint: {completion_timeout: 1us}}\n"
                             "workloads:\n  - {type: traffic, pattern: uniform, operation: write_full, bytes: 256, "
                             "load: 0.3}\n"
                             "faults:\n  - {at: 2us, kind: fibre_cut, between: [\"a(1)\", \"a(2)\"]}\n";
    Ends ends;
    const RunResult r = RunYaml(yaml, [&](ExperimentRunner& runner) {
        for (const auto& e : runner.GetFabric().Endpoints())
        {
            e->TraceConnectWithoutContext("TransactionCompleted", ns3::MakeBoundCallback(&Ends::OnCompleted, &ends));
            e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeBoundCallback(&Ends::OnFailed, &ends));
        }
    });
    const RunSummary& s = r.summary;
    INFO("completed " << ends.completed << " (" << ends.completedBytes << " B), failed " << ends.failed << " ("
                      << ends.failedBytes << " B)");

    // The run is one that tells the two apart: many writes failed, each carrying 256 B.
    REQUIRE(ends.failed > 100);
    CHECK(ends.failedBytes == 256 * ends.failed);
    CHECK(s.completed == ends.completed);
    CHECK(s.failed == ends.failed);

    CHECK(s.payloadBytes == ends.completedBytes);
    CHECK(s.payloadBytes == 256 * s.completed);
    // throughput_gbps = payload x 8 / simulated time (6 us).
    CHECK(r.simTimeNs == Approx(6000.0));
    CHECK(s.throughputGbps == Approx(ends.completedBytes * 8.0 / 6e-6 / 1e9).epsilon(1e-12));
}
