// When a collective ends: at its last rank's last completion, with every rank finished, and not a
// moment before, checked against the endpoints' own transaction records (and, for the writes into
// a rank, where they landed) on runs whose ranks finish at different times.

#include "workload-test-util.h"

#include "ofab/fabric/workloads/collective-workload.h"

#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace ofab;
using namespace ns3;

namespace
{

struct Record
{
    struct Done
    {
        Time time;
        uint16_t src;
        uint16_t dst;
        uint32_t operation;
    };
    std::vector<Done> completions;                      ///< every completed write, in order
    std::vector<Done> landings;                         ///< every write served by its completer
    std::map<uint32_t, std::map<uint32_t, Time>> ranks; ///< repetition -> rank -> RankFinished time
    std::map<uint32_t, uint32_t> finishedAtEnd;         ///< repetition -> ranks finished when it ended
    uint32_t finishedTwice = 0;

    void Attach(const test::TestFabric& f, const Ptr<CollectiveWorkload>& w)
    {
        for (const auto& e : f.endpoints)
        {
            e->TraceConnectWithoutContext("TransactionCompleted",
                                          MakeBoundCallback(
                                              +[](Record* r, const TransactionRecord& t) {
                                                  r->completions.push_back({t.endTime, t.src, t.dst, t.operation});
                                              },
                                              this));
            e->TraceConnectWithoutContext("RequestServed",
                                          MakeBoundCallback(
                                              +[](Record* r, const TlMessage& m) {
                                                  r->landings.push_back({Simulator::Now(), m.src, m.dst, m.operation});
                                              },
                                              this));
        }
        w->TraceConnectWithoutContext("RankFinished", MakeBoundCallback(
                                                          +[](Record* r, uint32_t rep, uint32_t rank) {
                                                              r->finishedTwice += r->ranks[rep].count(rank);
                                                              r->ranks[rep][rank] = Simulator::Now();
                                                          },
                                                          this));
        w->TraceConnectWithoutContext("OperationFinished",
                                      MakeBoundCallback(
                                          +[](Record* r, const Workload::CollectiveResult& res) {
                                              r->finishedAtEnd[res.repetition] =
                                                  static_cast<uint32_t>(r->ranks[res.repetition].size());
                                          },
                                          this));
    }
};

/// Checks one finished repetition against the writes issued during it.
void
CheckEnd(const Record& rec, const Workload::CollectiveResult& res, uint32_t n)
{
    INFO("repetition " << res.repetition);
    REQUIRE(res.status == CollectiveStatus::Completed);
    // Every rank's last write event: the last completion of its own writes or the last landing of
    // the writes into it.
    std::vector<Time> last(n, Time(0));
    Time lastWrite(0);
    for (const auto& c : rec.completions)
    {
        if (c.operation == res.operation)
        {
            last[c.src] = std::max(last[c.src], c.time);
            lastWrite = std::max(lastWrite, c.time);
        }
    }
    for (const auto& l : rec.landings)
    {
        if (l.operation == res.operation)
        {
            last[l.dst] = std::max(last[l.dst], l.time);
        }
    }
    REQUIRE(rec.ranks.count(res.repetition) == 1);
    const auto& finished = rec.ranks.at(res.repetition);
    CHECK(finished.size() == n); // every rank finished its last step
    CHECK(rec.finishedAtEnd.at(res.repetition) == n);
    std::set<Time> times;
    Time lastRank(0);
    for (const auto& [rank, t] : finished)
    {
        INFO("rank " << rank);
        CHECK(t == last[rank]); // a rank finishes at its last write's completion or landing, not later
        times.insert(t);
        lastRank = std::max(lastRank, t);
    }
    // The run tells the ranks apart: they do not all finish at one instant.
    CHECK(times.size() >= 2);
    // The operation ends when the last rank finishes, which is the last completion of its writes.
    CHECK(res.end == lastRank);
    CHECK(res.end == lastWrite);
}

} // namespace

TEST_CASE("a ring all-reduce ends at its last rank's last completion, every rank finished", "[collective][end]")
{
    const uint32_t n = 4;
    auto f = test::MakePod(n);
    // Rank 2 answers late: the writes into it complete late, so its neighbours finish after the rest.
    f.endpoints[2]->SetAttribute("CompleterLatency", TimeValue(NanoSeconds(700)));
    auto w = CreateObject<CollectiveWorkload>();
    w->SetAttribute("Algorithm", EnumValue(CollectiveWorkload::RING_ALLREDUCE));
    w->SetAttribute("Bytes", UintegerValue(64 << 10));
    w->SetAttribute("Repetitions", UintegerValue(2));
    w->SetAttribute("Gap", TimeValue(MicroSeconds(1)));
    w->SetAttribute("Start", TimeValue(MicroSeconds(1)));
    Record rec;
    rec.Attach(f, w);
    w->Install(MakeWorkloadContext(f.endpoints, MilliSeconds(1)));
    Simulator::Stop(MilliSeconds(1));
    Simulator::Run();
    const auto results = w->GetCollectiveResults();
    REQUIRE(results.size() == 2);
    for (const auto& res : results)
    {
        CheckEnd(rec, res, n);
    }
    CHECK(rec.finishedTwice == 0);
    Simulator::Destroy();
}

TEST_CASE("a halving-doubling all-reduce ends at its last rank's last completion, every rank finished",
          "[collective][end]")
{
    const uint32_t n = 8;
    auto f = test::MakePod(n);
    f.endpoints[5]->SetAttribute("CompleterLatency", TimeValue(NanoSeconds(900)));
    auto w = CreateObject<CollectiveWorkload>();
    w->SetAttribute("Algorithm", EnumValue(CollectiveWorkload::HALVING_DOUBLING_ALLREDUCE));
    w->SetAttribute("Bytes", UintegerValue(64 << 10));
    w->SetAttribute("Start", TimeValue(MicroSeconds(1)));
    Record rec;
    rec.Attach(f, w);
    w->Install(MakeWorkloadContext(f.endpoints, MilliSeconds(1)));
    Simulator::Stop(MilliSeconds(1));
    Simulator::Run();
    const auto results = w->GetCollectiveResults();
    REQUIRE(results.size() == 1);
    CheckEnd(rec, results[0], n);
    CHECK(rec.finishedTwice == 0);
    Simulator::Destroy();
}
