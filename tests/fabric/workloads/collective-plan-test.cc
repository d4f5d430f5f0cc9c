// Collective plans and the collectives built on them beyond the ring: every algorithm's steps send
// the bytes its definition says between the pairs it says (alltoall: every ordered pair once;
// broadcast and reduce: each chunk forwarded only after it arrived); alltoall, broadcast and reduce
// against their alpha-beta times on a switched pod.

#include "collective-test-util.h"
#include "workload-test-util.h"

#include "ofab/fabric/workloads/collective-plan.h"
#include "ofab/fabric/workloads/collective-workload.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

using namespace ofab;
using namespace ns3;
using test::AlphaBeta;
using test::MakeCollective;
using test::Model;
using test::Run;

namespace
{

/// Bytes each ordered pair (from, to) exchanges over a plan.
std::map<std::pair<uint32_t, uint32_t>, uint64_t>
PairBytes(const CollectivePlan& p)
{
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> out;
    for (uint32_t r = 0; r < p.Ranks(); ++r)
    {
        for (uint32_t s = 0; s < p.Steps(); ++s)
        {
            if (p.Target(r, s) != CollectivePlan::kNone)
            {
                out[{r, static_cast<uint32_t>(p.Target(r, s))}] += p.Bytes(r, s);
            }
        }
    }
    return out;
}

/// Every step's incoming writes are what the senders of that step write.
void
CheckExpectedIn(const CollectivePlan& p)
{
    for (uint32_t s = 0; s < p.Steps(); ++s)
    {
        std::vector<uint32_t> in(p.Ranks(), 0);
        for (uint32_t r = 0; r < p.Ranks(); ++r)
        {
            if (p.Target(r, s) != CollectivePlan::kNone)
            {
                in[p.Target(r, s)] += p.Writes(r, s);
            }
        }
        for (uint32_t r = 0; r < p.Ranks(); ++r)
        {
            CHECK(p.ExpectedIn(r, s) == in[r]);
        }
    }
}

/// Broadcast (from the root) and reduce (into it): the chain passes each of C chunks once along
/// every hop, and a rank forwards the k-th chunk only in a step after the one it received it in.
void
CheckChain(CollectiveAlgorithms::Algorithm a, uint32_t n, uint32_t root, uint32_t chunks)
{
    const CollectivePlan p(a, n, 1 << 20, root, chunks);
    CHECK(p.Steps() == chunks + n - 2);
    CheckExpectedIn(p);
    const uint32_t first = a == CollectiveAlgorithms::BROADCAST ? root : (root + 1) % n;
    const auto pairs = PairBytes(p);
    CHECK(pairs.size() == n - 1); // one hop per neighbour along the chain
    for (uint32_t k = 0; k + 1 < n; ++k)
    {
        const uint32_t from = (first + k) % n;
        const uint32_t to = (first + k + 1) % n;
        CHECK(pairs.at({from, to}) == uint64_t{chunks} * p.StepBytes(0));
    }
    for (uint32_t r = 0; r < n; ++r)
    {
        std::vector<uint32_t> received;
        std::vector<uint32_t> sent;
        for (uint32_t s = 0; s < p.Steps(); ++s)
        {
            if (p.ExpectedIn(r, s) > 0)
            {
                received.push_back(s);
            }
            if (p.Target(r, s) != CollectivePlan::kNone)
            {
                sent.push_back(s);
            }
        }
        if (r == first)
        {
            CHECK(received.empty());
            CHECK(sent.size() == chunks);
            continue;
        }
        REQUIRE(received.size() == chunks); // every rank but the first gets every chunk
        CHECK(sent.size() == (r == (first + n - 1) % n ? 0u : chunks));
        for (std::size_t k = 0; k < sent.size(); ++k)
        {
            CHECK(sent[k] > received[k]);
        }
    }
}

/// A pipelined chain of C chunks over N ranks on a one-switch pod: every step moves at most one step's
/// bytes per port direction, as a ring step does, and a rank paces itself on its own writes'
/// completions (beta + alpha a step, beta = step bytes / B) but forwards a chunk as soon as it
/// landed (beta + one way after its sender started it). Rank p sends chunk k at p (beta + one way)
/// + k (beta + alpha); the last writer's last response ends it:
/// T = C (beta + alpha) + (N - 2)(beta + one way) = steps x (beta + alpha) - (N - 2)(alpha - one way).
void
CheckStepsTime(CollectiveWorkload::Algorithm a, uint32_t n, uint64_t s, uint32_t root)
{
    auto f = test::MakePod(n, 1);
    const AlphaBeta m = Model(f, true);
    auto w = MakeCollective(a, s);
    w->SetAttribute("Root", UintegerValue(root));
    auto res = Run(f, w);
    REQUIRE(res.size() == 1);
    REQUIRE(res[0].completed);
    const double t = res[0].Duration().GetSeconds();
    const double predicted =
        w->GetStepCount() * (w->GetStepBytes(0) * 8.0 / m.B() + m.alpha) - (n - 2) * (m.alpha - m.oneWay);
    WARN(CollectiveWorkload::AlgorithmName(a)
         << " N=" << n << " S=" << s << " (" << w->GetStepCount() << " steps): measured " << t * 1e6
         << " us, predicted " << predicted * 1e6 << " us (" << (t / predicted - 1) * 100 << " %)");
    CHECK(t == Approx(predicted).epsilon(0.02));
    CHECK(res[0].busbwGbps == Approx(res[0].algbwGbps)); // nccl-tests: factor 1
    Simulator::Destroy();
}

/**
 * The step rule of a pairwise exchange (step s: rank r writes M[r][r+s+1]) on a non-blocking switch,
 * as a fluid model: a flow drains at B shared equally with the other flows into its receiver (the
 * switch's output port arbitrates round robin; a sender has one flow at a time), lands one way
 * after it drained and completes alpha after; rank r starts step s + 1 once its own flow of step s
 * completed and the flow into it landed. Out of lock step two senders can meet at one receiver (the hot one of a skewed exchange):
 * the shared port is what a per-flow alpha-beta sum misses. Seconds to the last end.
 */
double
PairwiseExchangeSeconds(const std::vector<std::vector<uint64_t>>& m, double bitsPerSecond, double alpha, double oneWay)
{
    const auto n = static_cast<uint32_t>(m.size());
    const uint32_t steps = n - 1;
    std::vector<uint32_t> step(n, 0);    // the rank's current step (steps: done)
    std::vector<double> startAt(n, 0.0); // when it starts
    std::vector<double> bitsLeft(n, -1); // its flow's bits not drained yet; < 0: not started
    std::vector<std::vector<double>> endsAt(n, std::vector<double>(steps, -1));  // drained + alpha
    std::vector<std::vector<double>> landsAt(n, std::vector<double>(steps, -1)); // drained + one way
    double now = 0;
    while (true)
    {
        std::vector<uint32_t> into(n, 0); // flows draining into each rank
        double next = 1e9;
        for (uint32_t r = 0; r < n; ++r)
        {
            if (step[r] < steps && bitsLeft[r] < 0 && startAt[r] <= now && endsAt[r][step[r]] < 0)
            {
                bitsLeft[r] = m[r][(r + step[r] + 1) % n] * 8.0;
            }
            if (step[r] < steps && bitsLeft[r] >= 0)
            {
                ++into[(r + step[r] + 1) % n];
            }
        }
        for (uint32_t r = 0; r < n; ++r)
        {
            if (step[r] < steps && bitsLeft[r] >= 0)
            {
                next = std::min(next, now + bitsLeft[r] * into[(r + step[r] + 1) % n] / bitsPerSecond);
            }
            else if (step[r] < steps && endsAt[r][step[r]] < 0)
            {
                next = std::min(next, startAt[r]);
            }
        }
        for (uint32_t r = 0; r < n; ++r)
        {
            if (step[r] < steps && bitsLeft[r] >= 0)
            {
                bitsLeft[r] -= (next - now) * bitsPerSecond / into[(r + step[r] + 1) % n];
                if (bitsLeft[r] <= 1e-3)
                {
                    bitsLeft[r] = -1;
                    endsAt[r][step[r]] = next + alpha;
                    landsAt[r][step[r]] = next + oneWay;
                }
            }
        }
        now = next;
        bool moved = true;
        while (moved) // a rank moves on once its own flow completed and the flow into it landed
        {
            moved = false;
            for (uint32_t r = 0; r < n; ++r)
            {
                const uint32_t s = step[r];
                if (s < steps && endsAt[r][s] >= 0 && landsAt[(r + n - s - 1) % n][s] >= 0)
                {
                    startAt[r] = std::max(endsAt[r][s], landsAt[(r + n - s - 1) % n][s]);
                    ++step[r];
                    moved = true;
                }
            }
        }
        if (std::all_of(step.begin(), step.end(), [&](uint32_t s) { return s == steps; }))
        {
            return *std::max_element(startAt.begin(), startAt.end());
        }
    }
}

/// The pairwise exchange's step rule with every flow at B (no port shared): rank r starts step s + 1
/// at the later of its own flow's completion (alpha + bytes / B after its step start) and the
/// landing of the flow into it (one way + bytes / B after its sender's).
double
ExchangeWithoutSharing(const std::vector<std::vector<uint64_t>>& m, double bitsPerSecond, double alpha, double oneWay)
{
    const auto n = static_cast<uint32_t>(m.size());
    std::vector<double> start(n, 0.0);
    for (uint32_t step = 0; step + 1 < n; ++step)
    {
        std::vector<double> next(n);
        for (uint32_t r = 0; r < n; ++r)
        {
            const uint32_t to = (r + step + 1) % n, from = (r + n - step - 1) % n;
            next[r] = std::max(start[r] + alpha + m[r][to] * 8.0 / bitsPerSecond,
                               start[from] + oneWay + m[from][r] * 8.0 / bitsPerSecond);
        }
        start = next;
    }
    return *std::max_element(start.begin(), start.end());
}

} // namespace

TEST_CASE("collective plans: each algorithm exchanges what its definition says", "[collective][plan]")
{
    const uint64_t s = 1 << 20;
    for (uint32_t n : {2u, 3u, 5u, 8u})
    {
        const uint64_t chunk = (s / n + 63) / 64 * 64;
        const CollectivePlan ring(CollectiveAlgorithms::RING_ALLREDUCE, n, s);
        CheckExpectedIn(ring);
        for (const auto& [pair, bytes] : PairBytes(ring))
        {
            CHECK(pair.second == (pair.first + 1) % n);
            CHECK(bytes == 2 * (n - 1) * chunk);
        }
        const CollectivePlan a2a(CollectiveAlgorithms::ALLTOALL, n, s);
        CheckExpectedIn(a2a);
        const auto pairs = PairBytes(a2a);
        CHECK(pairs.size() == n * (n - 1)); // every ordered pair of distinct ranks ...
        for (const auto& [pair, bytes] : pairs)
        {
            CHECK(pair.first != pair.second);
            CHECK(bytes == chunk); // ... exactly once, S/N
        }
        CheckChain(CollectiveAlgorithms::BROADCAST, n, n - 1, 4);
        CheckChain(CollectiveAlgorithms::REDUCE, n, 1 % n, 3);
        CheckChain(CollectiveAlgorithms::BROADCAST, n, 0, 1);
    }
    const CollectivePlan hd(CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE, 8, s);
    CheckExpectedIn(hd);
    uint64_t perRank = 0;
    for (const auto& [pair, bytes] : PairBytes(hd))
    {
        perRank += pair.first == 0 ? bytes : 0;
    }
    CHECK(perRank == 2 * s * 7 / 8); // 2 S (N-1)/N per rank
    const CollectivePlan send(CollectiveAlgorithms::SEND, 2, 1000);
    CHECK(send.Steps() == 1);
    CHECK(PairBytes(send) == std::map<std::pair<uint32_t, uint32_t>, uint64_t>{{{0, 1}, 1024}}); // 64 B beats
    CHECK(send.ExpectedIn(1, 0) == 4);
}

TEST_CASE("alltoall on a switched pod: N-1 pairwise steps, alpha-beta time within 2 %", "[collective][alphabeta]")
{
    // Each step is a permutation: every rank's port sends S/N and carries the responses of the S/N
    // written into it, as a ring step on the pod does, so T = (N-1) x (S/N / B + alpha) with the
    // pod's B and alpha (Model()), half a ring all-reduce's 2(N-1) steps.
    for (const auto& [n, s] : std::vector<std::pair<uint32_t, uint64_t>>{{4, 1 << 20}, {8, 1 << 20}})
    {
        auto f = test::MakePod(n, 1);
        const AlphaBeta m = Model(f, true);
        auto res = Run(f, MakeCollective(CollectiveWorkload::ALLTOALL, s));
        REQUIRE(res.size() == 1);
        REQUIRE(res[0].completed);
        const double t = res[0].Duration().GetSeconds();
        const double predicted = (n - 1) * (double(s) / n * 8.0 / m.B() + m.alpha);
        WARN("alltoall N=" << n << " S=" << s << ": measured " << t * 1e6 << " us, predicted " << predicted * 1e6
                           << " us (" << (t / predicted - 1) * 100 << " %)");
        CHECK(t == Approx(predicted).epsilon(0.02));
        // Every rank wrote S/N to each of the N-1 others, in 256 B writes.
        uint64_t sent = 0;
        for (const auto& e : f.endpoints)
        {
            sent += e->GetIssuedCount();
        }
        CHECK(sent == uint64_t{n} * (n - 1) * (s / n / 256));
        Simulator::Destroy();
    }
}

TEST_CASE("alltoallv plans: every ordered pair exchanges its entry of the skewed matrix", "[collective][plan]")
{
    const uint64_t s = 1 << 20;
    const uint32_t n = 8;
    // Skew 0 is alltoall, pair for pair.
    CHECK(PairBytes(CollectivePlan(CollectiveAlgorithms::ALLTOALLV, n, s)) ==
          PairBytes(CollectivePlan(CollectiveAlgorithms::ALLTOALL, n, s)));
    for (double skew : {1.0, -1.0, 2.5})
    {
        const CollectivePlan p(CollectiveAlgorithms::ALLTOALLV, n, s, 0, 1, 0, skew);
        CheckExpectedIn(p);
        const auto m = CollectivePlan::AllToAllVSizes(n, s, skew);
        const auto pairs = PairBytes(p);
        CHECK(pairs.size() == n * (n - 1));
        for (const auto& [pair, bytes] : pairs)
        {
            CHECK(bytes == m[pair.first][pair.second]);
        }
        // Zipf weights (k + 1)^-|skew| over all N ranks, the diagonal kept local.
        double w = 0;
        for (uint32_t k = 0; k < n; ++k)
        {
            w += std::pow(k + 1.0, -std::abs(skew));
        }
        const uint32_t hot = 0, cold = n - 1;
        const double hotShare = s / w, coldShare = s * std::pow(double(n), -std::abs(skew)) / w;
        if (skew > 0) // every rank sends the hot rank the most
        {
            CHECK(double(m[cold][hot]) == Approx(hotShare).margin(64));
            CHECK(double(m[hot][cold]) == Approx(coldShare).margin(64));
        }
        else // the transpose: the hot rank sends everyone the most
        {
            CHECK(double(m[hot][cold]) == Approx(hotShare).margin(64));
            CHECK(double(m[cold][hot]) == Approx(coldShare).margin(64));
        }
    }
}

TEST_CASE("alltoallv on a switched pod: within its contention bounds, even load at alltoall's alpha-beta time",
          "[collective][alphabeta]")
{
    // Even load: T = (N-1)(S/N / B + alpha) within 2 %, as alltoall. Skewed: out of lock step, two
    // senders can meet at one receiver (the hot one when tokens go to hot experts), so no per-flow sum
    // is exact; the time lies between (a) the larger of the step recurrence without sharing
    // (ExchangeWithoutSharing) and the hot port's bytes at B plus alpha, and (b) the fluid model with
    // the receiver's port shared equally (PairwiseExchangeSeconds), each with 2 % of slack.
    const uint32_t n = 8;
    const uint64_t s = 1 << 20;
    for (double skew : {0.0, 1.0, -1.0, 2.0})
    {
        auto f = test::MakePod(n, 1);
        const AlphaBeta model = Model(f, true);
        auto w = MakeCollective(CollectiveWorkload::ALLTOALLV, s);
        w->SetAttribute("Skew", DoubleValue(skew));
        auto res = Run(f, w);
        REQUIRE(res.size() == 1);
        REQUIRE(res[0].completed);
        const auto m = CollectivePlan::AllToAllVSizes(n, s, skew);
        const double t = res[0].Duration().GetSeconds();
        const double shared = PairwiseExchangeSeconds(m, model.B(), model.alpha, model.oneWay);
        double hotPort = 0;
        for (uint32_t r = 0; r < n; ++r)
        {
            uint64_t in = 0, out = 0;
            for (uint32_t j = 0; j < n; ++j)
            {
                in += m[j][r];
                out += m[r][j];
            }
            hotPort = std::max(hotPort, std::max(in, out) * 8.0 / model.B() + model.alpha);
        }
        const double lower = std::max(ExchangeWithoutSharing(m, model.B(), model.alpha, model.oneWay), hotPort);
        WARN("alltoallv N=" << n << " skew " << skew << ": measured " << t * 1e6 << " us, bounds " << lower * 1e6
                            << " .. " << shared * 1e6 << " us");
        CHECK(t >= lower * 0.98);
        CHECK(t <= shared * 1.02);
        if (skew == 0)
        {
            CHECK(t == Approx((n - 1) * (double(s) / n * 8.0 / model.B() + model.alpha)).epsilon(0.02));
        }
        Simulator::Destroy();
    }
}

TEST_CASE("gather and scatter on a switched pod: an incast and a sequence from the root, within 2 %",
          "[collective][alphabeta]")
{
    // Gather: the N-1 others write S/N to the root at once and share its port: (N-1) S/N / B + alpha.
    // Scatter: the root writes S/N to one rank per step: (N-1) (S/N / B + alpha).
    const uint32_t n = 8, root = 5;
    const uint64_t s = 1 << 20;
    for (auto a : {CollectiveWorkload::GATHER, CollectiveWorkload::SCATTER})
    {
        const CollectivePlan plan(a, n, s, root);
        CheckExpectedIn(plan);
        const auto pairs = PairBytes(plan);
        CHECK(pairs.size() == n - 1);
        for (const auto& [pair, bytes] : pairs)
        {
            CHECK((a == CollectiveWorkload::GATHER ? pair.second : pair.first) == root);
            CHECK(bytes == s / n);
        }
        auto f = test::MakePod(n, 1);
        const AlphaBeta m = Model(f, true);
        auto w = MakeCollective(a, s);
        w->SetAttribute("Root", UintegerValue(root));
        auto res = Run(f, w);
        REQUIRE(res.size() == 1);
        REQUIRE(res[0].completed);
        const double chunk = double(s) / n * 8.0 / m.B();
        const double predicted =
            a == CollectiveWorkload::GATHER ? (n - 1) * chunk + m.alpha : (n - 1) * (chunk + m.alpha);
        const double t = res[0].Duration().GetSeconds();
        WARN(CollectiveWorkload::AlgorithmName(a) << " N=" << n << ": measured " << t * 1e6 << " us, predicted "
                                                  << predicted * 1e6 << " us (" << (t / predicted - 1) * 100 << " %)");
        CHECK(t == Approx(predicted).epsilon(0.02));
        CHECK(res[0].busbwGbps == Approx(res[0].algbwGbps * (n - 1) / n));
        Simulator::Destroy();
    }
}

TEST_CASE("broadcast and reduce on a switched pod: pipelined chains, alpha-beta time within 2 %",
          "[collective][alphabeta]")
{
    // 1 MiB in 64 KiB pieces: 16 chunks, 16 + N - 2 steps of one chunk each.
    CheckStepsTime(CollectiveWorkload::BROADCAST, 4, 1 << 20, 0);
    CheckStepsTime(CollectiveWorkload::BROADCAST, 8, 1 << 20, 5);
    CheckStepsTime(CollectiveWorkload::REDUCE, 8, 1 << 20, 3);
}

TEST_CASE("torus2d_allreduce: rows, then columns of the row's shard, then rows, alpha-beta on a torus within 2 %",
          "[collective][plan][alphabeta]")
{
    const uint64_t s = 1 << 20;
    const CollectivePlan p(CollectiveAlgorithms::TORUS_2D_ALLREDUCE, 12, s, 0, 1, 4); // 3 rows of 4
    CHECK(p.Steps() == 3 + 4 + 3);
    CheckExpectedIn(p);
    const uint64_t rowShard = s / 4;
    const uint64_t columnShard = (rowShard / 3 + 63) / 64 * 64;
    for (const auto& [pair, bytes] : PairBytes(p))
    {
        const bool rowNext = pair.second == pair.first / 4 * 4 + (pair.first % 4 + 1) % 4;
        const bool columnNext = pair.second == (pair.first + 4) % 12;
        CHECK((rowNext || columnNext)); // neighbours only
        CHECK(bytes == (rowNext ? 2 * 3 * rowShard : 2 * 2 * columnShard));
    }
    CHECK(CollectivePlan::GridColumns(16) == 4);
    CHECK(CollectivePlan::GridColumns(12) == 4);
    CHECK(CollectivePlan::GridColumns(7) == 7);

    // On a 4 x 4 torus every step is one hop: T = 2 (C-1) (S/C / B + alpha) + 2 (R-1) (S/(C R) / B + alpha)
    // with the directly linked B and alpha (Model(), responses on the reverse direction).
    auto f = test::MakeTorus2D(4, 4);
    const AlphaBeta m = Model(f, false);
    auto w = MakeCollective(CollectiveWorkload::TORUS_2D_ALLREDUCE, s);
    auto res = test::Run(f, w);
    REQUIRE(res.size() == 1);
    REQUIRE(res[0].completed);
    const double predicted = 2 * 3 * (s / 4 * 8.0 / m.B() + m.alpha) + 2 * 3 * (s / 16 * 8.0 / m.B() + m.alpha);
    const double t = res[0].Duration().GetSeconds();
    WARN("torus2d_allreduce 4 x 4, 1 MiB: measured " << t * 1e6 << " us, predicted " << predicted * 1e6 << " us");
    CHECK(t == Approx(predicted).epsilon(0.02));
    CHECK(res[0].busbwGbps / res[0].algbwGbps == Approx(2.0 * 15 / 16));
    Simulator::Destroy();
}

TEST_CASE("broadcast and reduce refuse a root outside the ranks", "[collective][validate]")
{
    auto w = MakeCollective(CollectiveWorkload::BROADCAST, 4096);
    w->SetAttribute("Ranks", UintegerValue(4));
    w->SetAttribute("Root", UintegerValue(4));
    CHECK_THROWS_AS(w->Validate(), ParameterError);
    auto f = test::MakePod(4);
    auto v = MakeCollective(CollectiveWorkload::REDUCE, 4096);
    v->SetAttribute("Root", UintegerValue(6));
    CHECK_THROWS_WITH(v->Install(MakeWorkloadContext(f.endpoints, MilliSeconds(1))),
                      Catch::Contains("Root") || Catch::Contains("rank 6 of 4"));
    Simulator::Destroy();
}
