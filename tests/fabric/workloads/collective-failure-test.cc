// Collectives meeting failures: a failed write ends the operation instead of hanging, the other
// ranks hear of it one notice later, retries send a write again, a write landing twice counts once.

#include "collective-test-util.h"
#include "workload-test-util.h"

#include "ofab/fabric/workloads/collective-workload.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <vector>

using namespace ofab;
using namespace ns3;
using test::MakeCollective;
using test::Run;

TEST_CASE("a failed write fails the operation, the next repetition still runs", "[collective][failure]")
{
    auto f = test::MakePod(4);
    auto w = MakeCollective(CollectiveWorkload::RING_ALLREDUCE, 1 << 20, 2);
    w->SetAttribute("Gap", TimeValue(MicroSeconds(10)));
    // Rank 2 answers Isolate between 3 and 4 us: writes into it fail.
    Simulator::Schedule(MicroSeconds(3), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], true);
    Simulator::Schedule(MicroSeconds(4), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], false);
    std::vector<Time> finished;
    w->TraceConnectWithoutContext(
        "OperationFinished",
        MakeBoundCallback(
            +[](std::vector<Time>* v, const Workload::CollectiveResult&) { v->push_back(Simulator::Now()); },
            &finished));
    auto res = Run(f, w);
    REQUIRE(res.size() == 2);
    CHECK_FALSE(res[0].completed);
    CHECK(res[0].status == CollectiveStatus::Failed);
    CHECK(res[0].failure == TransactionStatus::Isolate);
    CHECK(res[0].end > MicroSeconds(3));
    CHECK(res[0].end < MicroSeconds(5));
    CHECK(res[0].algbwGbps == 0);
    CHECK(res[1].start == res[0].end + MicroSeconds(10));
    CHECK(res[1].completed);
    CHECK(finished.size() == 2);
    Simulator::Destroy();
}

TEST_CASE("a failure stops the failing rank at once and the others one notice later, the next repetition too",
          "[collective][failure]")
{
    // Rank 2 is isolated from 3 to 4 us: writes into it and its own fail. With a notice of 30 us (in
    // a run, the fabric's smallest link latency; long here, so that the others start a step before
    // they hear), the failing rank issues nothing after its failure, the others go on issuing until
    // the notice and not after, and the next repetition starts notice + gap after the end. 2 MiB
    // steps (twice the window of writes a rank keeps in flight) keep every rank issuing as its
    // writes complete.
    auto f = test::MakePod(4);
    auto w = MakeCollective(CollectiveWorkload::RING_ALLREDUCE, 8 << 20, 2);
    w->SetAttribute("Gap", TimeValue(MicroSeconds(10)));
    Simulator::Schedule(MicroSeconds(3), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], true);
    Simulator::Schedule(MicroSeconds(4), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], false);
    std::vector<TransactionRecord> issued;
    std::vector<TransactionRecord> failures;
    for (auto& e : f.endpoints)
    {
        e->TraceConnectWithoutContext(
            "TransactionIssued",
            MakeBoundCallback(
                +[](std::vector<TransactionRecord>* v, const TransactionRecord& r) { v->push_back(r); }, &issued));
        e->TraceConnectWithoutContext(
            "TransactionFailed",
            MakeBoundCallback(
                +[](std::vector<TransactionRecord>* v, const TransactionRecord& r) { v->push_back(r); }, &failures));
    }
    struct Started
    {
        uint32_t repetition;
        Time at;
    };
    std::vector<Started> started; // every StepStarted
    w->TraceConnectWithoutContext("StepStarted", MakeBoundCallback(
                                                     +[](std::vector<Started>* v, uint32_t rep, uint32_t, uint32_t) {
                                                         v->push_back({rep, Simulator::Now()});
                                                     },
                                                     &started));
    WorkloadContext ctx = MakeWorkloadContext(f.endpoints, MilliSeconds(1));
    const Time notice = MicroSeconds(30);
    ctx.rankNotice = notice;
    w->Install(ctx);
    Simulator::Stop(MilliSeconds(1));
    Simulator::Run();
    const auto res = w->GetCollectiveResults();
    REQUIRE(res.size() == 2);
    REQUIRE(res[0].status == CollectiveStatus::Failed);
    REQUIRE(!failures.empty());
    const Time failed = res[0].end;
    const uint32_t failing = failures.front().src; // the first failure (no retries) ends the operation
    CHECK(failures.front().endTime == failed);
    std::vector<Time> last(4, Time(0));
    for (const auto& r : issued)
    {
        if (r.operation == 1)
        {
            last[r.src] = std::max(last[r.src], r.issueTime);
        }
    }
    CHECK(last[failing] <= failed); // the failing rank stops at once
    for (uint32_t rank = 0; rank < 4; ++rank)
    {
        if (rank != failing)
        {
            INFO("rank " << rank << ", rank " << failing << " failed");
            CHECK(last[rank] > failed);           // it had not heard yet
            CHECK(last[rank] <= failed + notice); // and stopped when it did
        }
    }
    CHECK(res[1].start == failed + notice + MicroSeconds(10));
    CHECK(res[1].completed);
    // Steps the others started after the failure, before they heard of it, are the failed
    // repetition's, though the workload already counts the next.
    uint32_t late = 0;
    for (const auto& s : started)
    {
        CHECK(s.repetition == (s.at < res[1].start ? 0u : 1u));
        late += s.repetition == 0 && s.at > failed ? 1 : 0;
    }
    CHECK(late > 0);
    Simulator::Destroy();
}

TEST_CASE("with retries a failed write is sent again after the backoff and the operation completes",
          "[collective][failure]")
{
    // Rank 2 answers Isolate from 3 to 6 us. One retry 200 ns later lands in the outage again;
    // four retries 1, 2, 4, 8 us apart (cumulative 15 us) outlast it. The same with the ring
    // pipelined in 16 KiB slices: a retried write stays with its slice.
    for (const uint64_t slice : {uint64_t{0}, uint64_t{16 << 10}})
    {
        std::map<int, uint32_t> retriesByLimit;
        for (int limit : {1, 4})
        {
            auto f = test::MakePod(4);
            auto w = MakeCollective(CollectiveWorkload::RING_ALLREDUCE, 1 << 20, 1);
            w->SetAttribute("RingSliceBytes", UintegerValue(slice));
            w->SetAttribute("Retries", UintegerValue(limit));
            w->SetAttribute("RetryBackoff", TimeValue(limit == 1 ? NanoSeconds(200) : MicroSeconds(1)));
            Simulator::Schedule(MicroSeconds(3), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], true);
            Simulator::Schedule(MicroSeconds(6), &AcceleratorEndpoint::SetIsolated, f.endpoints[2], false);
            auto res = Run(f, w);
            REQUIRE(res.size() == 1);
            INFO("retries " << limit << ", slices of " << slice << " B");
            if (limit == 1)
            {
                CHECK(res[0].status == CollectiveStatus::Failed);
                CHECK(res[0].failure == TransactionStatus::Isolate);
                CHECK(res[0].end > MicroSeconds(3));
                CHECK(res[0].end < MicroSeconds(6));
            }
            else
            {
                CHECK(res[0].completed);
                CHECK(res[0].end > MicroSeconds(6)); // waited for its retries
            }
            CHECK(res[0].retries > 0);
            retriesByLimit[limit] = res[0].retries;
            Simulator::Destroy();
        }
        CHECK(retriesByLimit[4] >= retriesByLimit[1]);
    }
}

TEST_CASE("a write landing twice (its response was lost, it was sent again) counts once", "[collective][failure]")
{
    // From 3 to 3.05 us rank 2 answers 2.5 us late, past the 2 us completion timeout: the writes
    // that land in it meanwhile (and those whose answers queue behind theirs) time out at rank 1 and
    // are sent again, so they land twice. Counted twice,
    // rank 2's step would overshoot what it expects and never be done: the operation would hang.
    for (const uint64_t slice : {uint64_t{0}, uint64_t{16 << 10}})
    {
        INFO("slices of " << slice << " B");
        auto f = test::MakePod(4);
        for (auto& e : f.endpoints)
        {
            e->SetAttribute("CompletionTimeout", TimeValue(MicroSeconds(2)));
        }
        auto w = MakeCollective(CollectiveWorkload::RING_ALLREDUCE, 1 << 20, 1);
        w->SetAttribute("RingSliceBytes", UintegerValue(slice));
        w->SetAttribute("Retries", UintegerValue(6));
        w->SetAttribute("RetryBackoff", TimeValue(NanoSeconds(500)));
        const Ptr<AcceleratorEndpoint> late = f.endpoints[2];
        Simulator::Schedule(MicroSeconds(3),
                            [late] { late->SetAttribute("CompleterLatency", TimeValue(NanoSeconds(2500))); });
        Simulator::Schedule(NanoSeconds(3050), [late] { late->SetAttribute("CompleterLatency", TimeValue(Time(0))); });
        std::map<uint64_t, uint32_t> landings; // address in rank 2 -> times a write from rank 1 landed there
        late->TraceConnectWithoutContext(
            "RequestServed",
            MakeBoundCallback(
                +[](std::map<uint64_t, uint32_t>* l, const TlMessage& m) { ++(*l)[m.address]; }, &landings));
        auto res = Run(f, w);
        REQUIRE(res.size() == 1);
        INFO("status " << ToString(res[0].status) << " " << ToString(res[0].failure) << " end "
                       << res[0].end.As(Time::NS));
        CHECK(res[0].completed);
        CHECK(res[0].retries > 0);
        uint32_t twice = 0;
        for (const auto& [address, n] : landings)
        {
            twice += n > 1 ? 1 : 0;
        }
        CHECK(twice > 0);                                      // some writes did land twice
        CHECK(landings.size() == 2 * 3 * (1 << 20) / 4 / 256); // 2(N-1) steps of S/N, each write's slot once
        Simulator::Destroy();
    }
}

TEST_CASE("an originator failing at issue time ends the operation at once", "[collective][failure]")
{
    auto f = test::MakePod(4);
    f.endpoints[1]->SetIsolated(true); // its own requests fail inside Issue()
    auto w = MakeCollective(CollectiveWorkload::ALLGATHER, 64 << 10);
    auto res = Run(f, w);
    REQUIRE(res.size() == 1);
    CHECK(res[0].status == CollectiveStatus::Failed);
    CHECK(res[0].failure == TransactionStatus::Isolate);
    CHECK(res[0].end == res[0].start);
    Simulator::Destroy();
}
