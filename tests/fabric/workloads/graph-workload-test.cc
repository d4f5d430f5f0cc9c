// Workload graphs: compute on one stream per rank, collectives that start when their last member
// reaches them and take exactly what the same collective takes alone, transfers against their
// alpha-beta time, overlap (exposed communication), the critical path adding up to the iteration,
// failures that end an iteration, and graphs that cannot run refused with where and why.

#include "collective-test-util.h"
#include "workload-test-util.h"

#include "ofab/fabric/workloads/graph-workload.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ns3;
using test::AlphaBeta;
using test::MakeCollective;
using test::Model;

namespace
{

GraphOp
Compute(uint64_t id, const std::string& name, Time d, std::vector<uint64_t> deps = {})
{
    GraphOp op;
    op.id = id;
    op.name = name;
    op.duration = d;
    op.deps = std::move(deps);
    return op;
}

GraphOp
Coll(uint64_t id, const std::string& name, CollectiveAlgorithms::Algorithm a, uint64_t bytes, uint32_t group,
     std::vector<uint64_t> deps = {})
{
    GraphOp op;
    op.id = id;
    op.name = name;
    op.kind = GraphOp::Kind::Collective;
    op.algorithm = a;
    op.bytes = bytes;
    op.group = group;
    op.deps = std::move(deps);
    return op;
}

GraphOp
P2p(GraphOp::Kind kind, uint64_t id, const std::string& name, uint32_t peer, uint64_t bytes,
    std::vector<uint64_t> deps = {})
{
    GraphOp op;
    op.id = id;
    op.name = name;
    op.kind = kind;
    op.peer = peer;
    op.bytes = bytes;
    op.deps = std::move(deps);
    return op;
}

Ptr<GraphWorkload>
RunGraph(const test::TestFabric& f, WorkloadGraph g, uint32_t iterations = 1, Time stop = MilliSeconds(1))
{
    auto w = CreateObject<GraphWorkload>();
    w->SetAttribute("Iterations", UintegerValue(iterations));
    w->SetAttribute("Start", TimeValue(MicroSeconds(1)));
    w->SetGraph(std::move(g));
    w->Install(MakeWorkloadContext(f.endpoints, stop));
    Simulator::Stop(stop);
    Simulator::Run();
    return w;
}

} // namespace

TEST_CASE("graph: compute runs on one stream per rank, the critical path is the longest chain", "[graph]")
{
    auto f = test::MakePod(2);
    WorkloadGraph g;
    // Rank 0: a (10 us) and b (5 us) both reachable at once: one stream, so 15 us; then c (2 us).
    // Rank 1: d (7 us).
    g.ranks = {
        {Compute(1, "a", MicroSeconds(10)), Compute(2, "b", MicroSeconds(5)), Compute(3, "c", MicroSeconds(2), {1, 2})},
        {Compute(1, "d", MicroSeconds(7))}};
    auto w = RunGraph(f, g, 2);
    const auto it = w->GetIterationResults();
    REQUIRE(it.size() == 2);
    for (uint32_t k = 0; k < 2; ++k)
    {
        CHECK(it[k].status == CollectiveStatus::Completed);
        CHECK(it[k].Duration() == MicroSeconds(17));
        CHECK(it[k].computeNs == Approx(17000));
        CHECK(it[k].exposedCommNs == 0);
        CHECK(it[k].criticalComputeNs == Approx(17000));
        CHECK(it[k].criticalCommNs == 0);
        CHECK(it[k].criticalPath == std::vector<std::string>{"r0 a", "r0 b", "r0 c"}); // b waited for a's stream
        CHECK(it[k].operations == 4);
        CHECK(it[k].ended == 4);
    }
    CHECK(it[0].start == MicroSeconds(1));
    CHECK(it[1].start == it[0].end); // Gap 0: back to back
    Simulator::Destroy();
}

TEST_CASE("graph: a collective starts when its last member reaches it and takes what it takes alone",
          "[graph][alphabeta]")
{
    const uint64_t s = 256 << 10;
    Time alone;
    {
        auto f = test::MakePod(4);
        auto res = test::Run(f, MakeCollective(CollectiveWorkload::RING_ALLREDUCE, s));
        REQUIRE(res.size() == 1);
        alone = res[0].Duration();
        Simulator::Destroy();
    }
    auto f = test::MakePod(4);
    WorkloadGraph g;
    g.groups = {{0, 1, 2, 3}};
    g.ranks = {
        {Compute(1, "fwd", MicroSeconds(10)), Coll(2, "grad-ar", CollectiveAlgorithms::RING_ALLREDUCE, s, 0, {1})},
        {Compute(1, "fwd", MicroSeconds(3)), Coll(2, "grad-ar", CollectiveAlgorithms::RING_ALLREDUCE, s, 0, {1})},
        {Coll(2, "grad-ar", CollectiveAlgorithms::RING_ALLREDUCE, s, 0)},
        {Coll(2, "grad-ar", CollectiveAlgorithms::RING_ALLREDUCE, s, 0)}};
    auto w = RunGraph(f, g);
    const auto c = w->GetCollectiveResults();
    REQUIRE(c.size() == 1);
    CHECK(c[0].name == "grad-ar");
    CHECK(c[0].ranks == 4);
    CHECK(c[0].start == MicroSeconds(11)); // rank 0 reaches it last, after 10 us of compute
    CHECK(c[0].Duration() == alone);       // the same writes on an idle fabric: exactly the same time
    const auto it = w->GetIterationResults();
    REQUIRE(it.size() == 1);
    CHECK(it[0].Duration() == MicroSeconds(10) + alone);
    CHECK(it[0].exposedCommNs == Approx(alone.ToDouble(Time::NS))); // nothing computes meanwhile
    CHECK(it[0].criticalComputeNs == Approx(10000));
    CHECK(it[0].criticalCommNs == Approx(alone.ToDouble(Time::NS)));
    CHECK(it[0].criticalPath == std::vector<std::string>{"r0 fwd", "r0 grad-ar"});
    Simulator::Destroy();
}

TEST_CASE("graph: communication overlapping compute is not exposed", "[graph]")
{
    auto f = test::MakePod(4);
    WorkloadGraph g;
    g.groups = {{0, 1, 2, 3}};
    for (uint32_t r = 0; r < 4; ++r)
    {
        // The all-reduce (a few us) runs beside 30 us of compute; the step waits for both.
        g.ranks.push_back({Compute(1, "bwd", MicroSeconds(30)),
                           Coll(2, "ar", CollectiveAlgorithms::RING_ALLREDUCE, 64 << 10, 0),
                           Compute(3, "opt", MicroSeconds(1), {1, 2})});
    }
    auto w = RunGraph(f, g);
    const auto it = w->GetIterationResults();
    REQUIRE(it.size() == 1);
    CHECK(it[0].Duration() == MicroSeconds(31));
    CHECK(it[0].exposedCommNs == 0);
    CHECK(it[0].criticalCommNs == 0);
    CHECK(it[0].criticalComputeNs == Approx(31000));
    Simulator::Destroy();
}

TEST_CASE("graph: a transfer takes its alpha-beta time, disjoint groups run side by side", "[graph][alphabeta]")
{
    const uint64_t s = 1 << 20;
    auto f = test::MakePod(8);
    const AlphaBeta m = Model(f, true);
    WorkloadGraph g;
    g.groups = {{0, 1, 2, 3}, {4, 5, 6, 7}};
    for (uint32_t r = 0; r < 8; ++r)
    {
        g.ranks.push_back({Coll(1, r < 4 ? "ar-a" : "ar-b", CollectiveAlgorithms::RING_ALLREDUCE, s, r < 4 ? 0 : 1)});
    }
    // Then rank 0 sends 1 MiB to rank 4.
    g.ranks[0].push_back(P2p(GraphOp::Kind::Send, 2, "act", 4, s, {1}));
    g.ranks[4].push_back(P2p(GraphOp::Kind::Recv, 2, "act", 0, s, {1}));
    auto w = RunGraph(f, g);
    const auto c = w->GetCollectiveResults();
    REQUIRE(c.size() == 3);
    const double ring = m.Predict(4, s);
    CHECK(c[0].Duration().GetSeconds() == Approx(ring).epsilon(0.05)); // a 1-switch pod: no interference
    CHECK(c[1].Duration().GetSeconds() == Approx(ring).epsilon(0.05));
    CHECK(c[0].start == c[1].start);
    CHECK(c[2].algorithm == "send");
    // One step: the bytes at B plus one round trip (the responses share the port: the pod's B).
    CHECK(c[2].Duration().GetSeconds() == Approx(s * 8.0 / m.B() + m.alpha).epsilon(0.02));
    CHECK(c[2].start == std::max(c[0].end, c[1].end));
    Simulator::Destroy();
}

namespace
{

/// Four ranks compute 1 us, then all-reduce 1 MiB; rank 2 answers Isolate between 3 and 4 us, so
/// the first iteration's all-reduce fails (writes into it fail) and later ones complete.
WorkloadGraph
AllReduceFailingOnce(const test::TestFabric& f)
{
    WorkloadGraph g;
    g.groups = {{0, 1, 2, 3}};
    for (uint32_t r = 0; r < 4; ++r)
    {
        g.ranks.push_back(
            {Compute(1, "c", MicroSeconds(1)), Coll(2, "ar", CollectiveAlgorithms::RING_ALLREDUCE, 1 << 20, 0, {1})});
    }
    Simulator::Schedule(MicroSeconds(3), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], true);
    Simulator::Schedule(MicroSeconds(4), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], false);
    return g;
}

} // namespace

TEST_CASE("graph: a failed operation fails its iteration, the next one runs", "[graph][failure]")
{
    auto f = test::MakePod(4);
    auto w = RunGraph(f, AllReduceFailingOnce(f), 2);
    const auto it = w->GetIterationResults();
    REQUIRE(it.size() == 2);
    CHECK(it[0].status == CollectiveStatus::Failed);
    CHECK(it[0].failure == TransactionStatus::Isolate);
    CHECK(it[0].end > MicroSeconds(3));
    CHECK(it[0].end < MicroSeconds(5));
    CHECK(it[0].ended == 4); // the four compute phases
    CHECK(it[1].status == CollectiveStatus::Completed);
    CHECK(it[1].start == it[0].end);
    const auto c = w->GetCollectiveResults();
    REQUIRE(c.size() == 2);
    CHECK(c[0].status == CollectiveStatus::Failed);
    CHECK(c[1].status == CollectiveStatus::Completed);
    CHECK(c[1].repetition == 1);
    Simulator::Destroy();
}

TEST_CASE("graph: a failed iteration is followed RestartDelay later, a completed one Gap later", "[graph][failure]")
{
    auto f = test::MakePod(4);
    auto w = CreateObject<GraphWorkload>();
    w->SetAttribute("Iterations", UintegerValue(3));
    w->SetAttribute("Start", TimeValue(MicroSeconds(1)));
    w->SetAttribute("Gap", TimeValue(MicroSeconds(2)));
    w->SetAttribute("RestartDelay", TimeValue(MicroSeconds(7)));
    w->SetGraph(AllReduceFailingOnce(f));
    w->Install(MakeWorkloadContext(f.endpoints, MilliSeconds(1)));
    Simulator::Stop(MilliSeconds(1));
    Simulator::Run();
    const auto it = w->GetIterationResults();
    REQUIRE(it.size() == 3);
    CHECK(it[0].status == CollectiveStatus::Failed);
    CHECK(it[1].status == CollectiveStatus::Completed);
    CHECK(it[2].status == CollectiveStatus::Completed);
    CHECK(it[1].start == it[0].end + MicroSeconds(7)); // the restart
    CHECK(it[2].start == it[1].end + MicroSeconds(2)); // the gap
    Simulator::Destroy();
}

TEST_CASE("graph: an iteration still running at the end of the run is unfinished", "[graph]")
{
    auto f = test::MakePod(2);
    WorkloadGraph g;
    g.ranks = {{Compute(1, "long", MicroSeconds(50))}, {Compute(1, "short", MicroSeconds(1))}};
    auto w = RunGraph(f, g, 1, MicroSeconds(20));
    const auto it = w->GetIterationResults();
    REQUIRE(it.size() == 1);
    CHECK(it[0].status == CollectiveStatus::Unfinished);
    CHECK(it[0].ended == 1);
    Simulator::Destroy();
}

TEST_CASE("graph: graphs that cannot run are refused naming the rank, the op and why", "[graph][validate]")
{
    auto refuse = [](WorkloadGraph g, const std::string& why) {
        auto f = test::MakePod(4);
        auto w = CreateObject<GraphWorkload>();
        w->SetGraph(std::move(g));
        CHECK_THROWS_WITH(w->Install(MakeWorkloadContext(f.endpoints, MilliSeconds(1))), Catch::Contains(why));
        Simulator::Destroy();
    };
    WorkloadGraph g;
    g.groups = {{0, 1}};
    g.ranks = {{Compute(1, "a", MicroSeconds(1), {7})}, {}};
    refuse(g, "rank 0, op 1 (a): depends on op 7");
    // Rank 0 waits for the all-reduce before sending; rank 1 waits for the message before joining it.
    g.ranks = {
        {Coll(1, "ar", CollectiveAlgorithms::RING_ALLREDUCE, 4096, 0), P2p(GraphOp::Kind::Send, 2, "x", 1, 64, {1})},
        {P2p(GraphOp::Kind::Recv, 1, "x", 0, 64), Coll(2, "ar", CollectiveAlgorithms::RING_ALLREDUCE, 4096, 0, {1})}};
    refuse(g, "waits for itself");
    g.ranks = {{Coll(1, "ar", CollectiveAlgorithms::RING_ALLREDUCE, 4096, 0)}, {}};
    refuse(g, "collective 1 on group 0 has no match on rank 1");
    g.ranks = {{Coll(1, "ar", CollectiveAlgorithms::RING_ALLREDUCE, 4096, 0)},
               {Coll(1, "ar", CollectiveAlgorithms::ALLGATHER, 4096, 0)}};
    refuse(g, "is allgather of 4096 B");
    g.ranks = {{P2p(GraphOp::Kind::Send, 1, "x", 1, 64)}, {}};
    refuse(g, "1 sends from rank 0 to rank 1 with tag 0 but 0 receives");
    g.groups = {{0, 9}};
    g.ranks = {{}, {}};
    refuse(g, "group 0: rank 9 does not exist");
    g.groups.clear();
    g.ranks.assign(6, {});
    refuse(g, "the graph has 6 ranks; the fabric has 4 accelerators");
}

TEST_CASE("graph: a 32 MiB transfer keeps a bounded window in flight and still takes its alpha-beta time",
          "[graph][alphabeta][window]")
{
    const uint64_t s = 32 << 20; // 131072 writes of 256 B
    auto f = test::MakePod(2);
    const AlphaBeta m = Model(f, true);
    WorkloadGraph g;
    g.ranks = {{P2p(GraphOp::Kind::Send, 1, "ckpt", 1, s)}, {P2p(GraphOp::Kind::Recv, 1, "ckpt", 0, s)}};
    uint64_t most = 0;
    auto watch = [](std::pair<AcceleratorEndpoint*, uint64_t*>* w, const TransactionRecord&) {
        *w->second = std::max(*w->second, w->first->GetInFlightCount());
    };
    std::pair<AcceleratorEndpoint*, uint64_t*> w{PeekPointer(f.endpoints[0]), &most};
    f.endpoints[0]->TraceConnectWithoutContext("TransactionIssued", MakeBoundCallback(+watch, &w));
    auto workload = RunGraph(f, g, 1, MilliSeconds(2));
    const auto c = workload->GetCollectiveResults();
    REQUIRE(c.size() == 1);
    REQUIRE(c[0].status == CollectiveStatus::Completed);
    CHECK(most == CollectiveOperation::kWindowWrites); // never more of the step in memory at once
    CHECK(c[0].Duration().GetSeconds() == Approx(s * 8.0 / m.B() + m.alpha).epsilon(0.02));
    Simulator::Destroy();
}
