// Synthetic traffic patterns: offered vs accepted load, destination rules, arrival statistics,
// determinism and validation.

#include "workload-test-util.h"

#include "ofab/fabric/workloads/traffic-pattern.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <numeric>
#include <tuple>

using namespace ofab;
using namespace ns3;

namespace
{

struct Send
{
    Time at;
    uint16_t src;
    uint16_t dst;
};

Ptr<TrafficPattern>
MakePattern(TrafficPattern::Pattern pattern, double load, TrafficPattern::Arrival arrival = TrafficPattern::POISSON)
{
    auto w = CreateObject<TrafficPattern>();
    w->SetAttribute("Pattern", EnumValue(pattern));
    w->SetAttribute("Load", DoubleValue(load));
    w->SetAttribute("Arrival", EnumValue(arrival));
    w->SetAttribute("Start", TimeValue(MicroSeconds(1)));
    return w;
}

/// Installs `w` on `f` with the run ending at `stop`, records every send, runs until drained.
std::vector<Send>
Run(const test::TestFabric& f, Ptr<TrafficPattern> w, Time stop, int64_t stream = 1)
{
    std::vector<Send> sends;
    w->TraceConnectWithoutContext("Send", MakeBoundCallback(
                                              +[](std::vector<Send>* v, uint16_t s, uint16_t d, uint64_t) {
                                                  v->push_back(Send{Simulator::Now(), s, d});
                                              },
                                              &sends));
    w->Install(MakeWorkloadContext(f.endpoints, stop));
    w->AssignStreams(stream);
    Simulator::Run(); // the pattern stops issuing at `stop`; the run ends when the fabric drains
    return sends;
}

std::vector<std::vector<uint64_t>>
CountPairs(const std::vector<Send>& sends, uint32_t n)
{
    std::vector<std::vector<uint64_t>> c(n, std::vector<uint64_t>(n, 0));
    for (const Send& s : sends)
    {
        c[s.src][s.dst]++;
    }
    return c;
}

/// Mean and coefficient of variation of the gaps between one source's sends.
std::pair<double, double>
GapStats(const std::vector<Send>& sends, uint16_t src)
{
    std::vector<double> gaps;
    Time last = Time(-1);
    for (const Send& s : sends)
    {
        if (s.src == src)
        {
            if (!last.IsNegative())
            {
                gaps.push_back((s.at - last).GetSeconds());
            }
            last = s.at;
        }
    }
    const double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / gaps.size();
    double var = 0;
    for (double g : gaps)
    {
        var += (g - mean) * (g - mean);
    }
    var /= gaps.size() - 1;
    return {mean, std::sqrt(var) / mean};
}

} // namespace

TEST_CASE("Load counts one port's rate by default, all ports on request", "[traffic]")
{
    const double load = 0.25;
    const Time t1 = MicroSeconds(40);
    for (int reference : {TrafficPattern::ONE_PORT, TrafficPattern::ALL_PORTS})
    {
        auto f = test::MakePod(4, 2); // two x4 ports per accelerator: 800 Gb/s each
        auto w = MakePattern(TrafficPattern::UNIFORM, load);
        w->SetAttribute("LoadReference", EnumValue(reference));
        Run(f, w, t1);
        const double seconds = (t1 - w->GetStart()).GetSeconds();
        const double rate = reference == TrafficPattern::ONE_PORT ? 800e9 : 1600e9;
        for (uint32_t s = 0; s < 4; ++s)
        {
            const double offered = w->GetIssuedBytes(s) * 8.0 / seconds;
            INFO("source " << s << " reference " << reference);
            CHECK(offered == Approx(load * rate).epsilon(0.06)); // Poisson: >= 3800 messages, 1.6 % sd
        }
        Simulator::Destroy();
    }
}

TEST_CASE("uniform at load 0.3: accepted = offered, destinations uniform, never to self", "[traffic]")
{
    const uint32_t n = 8;
    const double load = 0.3;
    const Time t0 = MicroSeconds(11); // after 10 us of warm-up
    const Time t1 = MicroSeconds(81);
    auto f = test::MakePod(n, 2);
    // Accepted: payload bytes of transactions completing inside [t0, t1), per source.
    std::vector<uint64_t> accepted(n, 0);
    const std::array<Time, 2> window{t0, t1};
    for (auto& e : f.endpoints)
    {
        e->TraceConnectWithoutContext("TransactionCompleted",
                                      MakeBoundCallback(
                                          +[](std::vector<uint64_t>* a, const Time* w, const TransactionRecord& r) {
                                              if (r.endTime >= w[0] && r.endTime < w[1])
                                              {
                                                  (*a)[r.src] += r.bytes;
                                              }
                                          },
                                          &accepted, window.data()));
    }
    auto w = MakePattern(TrafficPattern::UNIFORM, load);
    w->SetAttribute("LoadReference", EnumValue(TrafficPattern::ALL_PORTS));
    auto sends = Run(f, w, t1);
    const double seconds = (t1 - t0).GetSeconds();
    double offeredTotal = 0;
    double acceptedTotal = 0;
    for (uint32_t s = 0; s < n; ++s)
    {
        const double offered = load * 1600e9; // two x4 ports
        const double got = accepted[s] * 8.0 / seconds;
        CHECK(got == Approx(offered).epsilon(0.05));
        offeredTotal += offered;
        acceptedTotal += got;
        CHECK(f.endpoints[s]->GetFailedCount() == 0);
        CHECK(f.endpoints[s]->GetInFlightCount() == 0);
        CHECK(f.endpoints[s]->GetCompletedCount() == w->GetIssuedCount(s));
        CHECK(w->GetIssuedBytes(s) == w->GetIssuedCount(s) * 256);
    }
    WARN("uniform load 0.3: accepted / offered = " << acceptedTotal / offeredTotal);
    CHECK(acceptedTotal == Approx(offeredTotal).epsilon(0.02));

    // Destinations: chi-square over every source's 7 destinations (8 x 6 = 48 degrees of freedom;
    // 84 is the 0.1 % critical value), and no message to its own source.
    auto c = CountPairs(sends, n);
    double chi2 = 0;
    for (uint32_t s = 0; s < n; ++s)
    {
        CHECK(c[s][s] == 0);
        const uint64_t total = std::accumulate(c[s].begin(), c[s].end(), uint64_t{0});
        const double expected = total / double(n - 1);
        for (uint32_t d = 0; d < n; ++d)
        {
            if (d != s)
            {
                chi2 += (c[s][d] - expected) * (c[s][d] - expected) / expected;
            }
        }
    }
    WARN("uniform destinations: chi-square " << chi2 << " (48 dof)");
    CHECK(chi2 < 84.0);
    Simulator::Destroy();
}

TEST_CASE("reads count the requested bytes as load and bring the payload back", "[traffic]")
{
    const uint32_t n = 4;
    auto f = test::MakePod(n);
    auto w = MakePattern(TrafficPattern::UNIFORM, 0.2);
    w->SetAttribute("Operation", StringValue("read"));
    w->SetAttribute("Bytes", UintegerValue(128));
    const Time stop = MicroSeconds(41);
    Run(f, w, stop);
    uint64_t issued = 0;
    uint64_t read = 0;
    for (uint32_t s = 0; s < n; ++s)
    {
        issued += w->GetIssuedBytes(s);
        read += f.endpoints[s]->GetCompleterStats().payloadBytesRead;
        CHECK(f.endpoints[s]->GetFailedCount() == 0);
    }
    CHECK(read == issued);
    CHECK(issued * 8.0 / 40e-6 == Approx(n * 0.2 * 800e9).epsilon(0.05));
    Simulator::Destroy();
}

TEST_CASE("permutation is a derangement and each source only sends to its partner", "[traffic]")
{
    const uint32_t n = 8;
    auto f = test::MakePod(n);
    auto w = MakePattern(TrafficPattern::PERMUTATION, 0.2);
    auto sends = Run(f, w, MicroSeconds(6));
    const auto p = w->GetFixedDestinations();
    REQUIRE(p.size() == n);
    std::vector<int> seen(n, 0);
    for (uint32_t s = 0; s < n; ++s)
    {
        REQUIRE(p[s] >= 0);
        REQUIRE(p[s] < int32_t(n));
        CHECK(p[s] != int32_t(s));
        seen[p[s]]++;
    }
    CHECK(std::count(seen.begin(), seen.end(), 1) == int(n)); // a bijection
    std::vector<uint64_t> perSource(n, 0);
    for (const Send& s : sends)
    {
        CHECK(s.dst == p[s.src]);
        perSource[s.src]++;
    }
    CHECK(std::count(perSource.begin(), perSource.end(), 0) == 0);
    Simulator::Destroy();
}

TEST_CASE("transpose on 16 = 4 x 4 maps (x, y) to (y, x) and the diagonal sends nothing", "[traffic]")
{
    const uint32_t n = 16;
    auto f = test::MakePod(n);
    auto w = MakePattern(TrafficPattern::TRANSPOSE, 0.2);
    auto sends = Run(f, w, MicroSeconds(4));
    const auto c = CountPairs(sends, n);
    for (uint32_t s = 0; s < n; ++s)
    {
        const uint32_t x = s / 4;
        const uint32_t y = s % 4;
        const uint32_t t = y * 4 + x;
        const uint64_t total = std::accumulate(c[s].begin(), c[s].end(), uint64_t{0});
        if (x == y)
        {
            CHECK(total == 0);
            CHECK(w->GetFixedDestinations()[s] == -1);
        }
        else
        {
            CHECK(total > 0);
            CHECK(c[s][t] == total);
        }
    }
    Simulator::Destroy();
}

TEST_CASE("hotspot: HotspotFraction of the traffic goes to the hotspot, the rest uniformly", "[traffic]")
{
    const uint32_t n = 8;
    const uint32_t hot = 3;
    auto f = test::MakePod(n);
    auto w = MakePattern(TrafficPattern::HOTSPOT, 0.1);
    w->SetAttribute("HotspotNode", UintegerValue(hot));
    w->SetAttribute("HotspotFraction", DoubleValue(0.4));
    auto sends = Run(f, w, MicroSeconds(61));
    const auto c = CountPairs(sends, n);
    uint64_t toHot = 0;
    uint64_t fromOthers = 0;
    std::vector<uint64_t> toRest(n, 0);
    for (uint32_t s = 0; s < n; ++s)
    {
        CHECK(c[s][s] == 0);
        if (s == hot)
        {
            continue;
        }
        fromOthers += std::accumulate(c[s].begin(), c[s].end(), uint64_t{0});
        toHot += c[s][hot];
        for (uint32_t d = 0; d < n; ++d)
        {
            toRest[d] += d == hot ? 0 : c[s][d];
        }
    }
    WARN("hotspot share " << double(toHot) / fromOthers << " of " << fromOthers << " messages");
    CHECK(double(toHot) / fromOthers == Approx(0.4).margin(0.02));
    // Each non-hotspot destination receives from 6 of the 7 other sources: 0.6 / 6 of their sends.
    for (uint32_t d = 0; d < n; ++d)
    {
        if (d != hot)
        {
            CHECK(double(toRest[d]) / fromOthers == Approx(0.6 * 6 / 7 / 6).margin(0.01));
        }
    }
    // The hotspot node itself sends uniformly to the 7 others.
    const uint64_t hotTotal = std::accumulate(c[hot].begin(), c[hot].end(), uint64_t{0});
    for (uint32_t d = 0; d < n; ++d)
    {
        if (d != hot)
        {
            CHECK(double(c[hot][d]) / hotTotal == Approx(1.0 / 7).margin(0.03));
        }
    }
    Simulator::Destroy();
}

TEST_CASE("all_to_all visits every other destination equally, in turn", "[traffic]")
{
    const uint32_t n = 8;
    auto f = test::MakePod(n);
    auto w = MakePattern(TrafficPattern::ALL_TO_ALL, 0.3);
    auto sends = Run(f, w, MicroSeconds(6));
    const auto c = CountPairs(sends, n);
    std::vector<int> next(n, -1);
    for (const Send& s : sends)
    {
        const int expected = next[s.src] < 0 ? (s.src + 1) % n : next[s.src];
        CHECK(s.dst == expected);
        next[s.src] = (s.dst + 1) % n == s.src ? (s.dst + 2) % n : (s.dst + 1) % n;
    }
    for (uint32_t s = 0; s < n; ++s)
    {
        uint64_t lo = UINT64_MAX;
        uint64_t hi = 0;
        for (uint32_t d = 0; d < n; ++d)
        {
            if (d != s)
            {
                lo = std::min(lo, c[s][d]);
                hi = std::max(hi, c[s][d]);
            }
        }
        CHECK(c[s][s] == 0);
        CHECK(lo > 0);
        CHECK(hi - lo <= 1);
    }
    Simulator::Destroy();
}

TEST_CASE("Poisson gaps: mean = message time / Load and CV ~ 1, Bernoulli: whole slots and CV < 1", "[traffic]")
{
    const uint32_t n = 4;
    const double load = 0.3;
    SECTION("poisson")
    {
        auto f = test::MakePod(n);
        auto w = MakePattern(TrafficPattern::UNIFORM, load, TrafficPattern::POISSON);
        auto sends = Run(f, w, MicroSeconds(81));
        const double expectedMean = 256 * 8 / 800e9 / load;
        CHECK(w->GetMeanInterval(0).GetSeconds() == Approx(expectedMean).epsilon(1e-4)); // ps rounding
        for (uint16_t s = 0; s < n; ++s)
        {
            auto [mean, cv] = GapStats(sends, s);
            WARN("poisson source " << s << ": mean gap " << mean * 1e9 << " ns (expected " << expectedMean * 1e9
                                   << "), CV " << cv);
            CHECK(mean == Approx(expectedMean).epsilon(0.05));
            CHECK(cv == Approx(1.0).margin(0.06));
        }
        Simulator::Destroy();
    }
    SECTION("bernoulli")
    {
        auto f = test::MakePod(n);
        auto w = MakePattern(TrafficPattern::UNIFORM, load, TrafficPattern::BERNOULLI);
        auto sends = Run(f, w, MicroSeconds(81));
        const Time slot = PicoSeconds(2560); // 256 B at 800 Gb/s
        for (const Send& s : sends)
        {
            CHECK((s.at - MicroSeconds(1)).GetTimeStep() % slot.GetTimeStep() == 0);
        }
        for (uint16_t s = 0; s < n; ++s)
        {
            auto [mean, cv] = GapStats(sends, s);
            WARN("bernoulli source " << s << ": mean gap " << mean * 1e9 << " ns, CV " << cv
                                     << " (sqrt(1 - Load) = " << std::sqrt(1 - load) << ")");
            CHECK(mean == Approx(slot.GetSeconds() / load).epsilon(0.05));
            CHECK(cv < 0.95);
            CHECK(cv == Approx(std::sqrt(1 - load)).margin(0.05)); // geometric gaps
        }
        Simulator::Destroy();
    }
}

TEST_CASE("the same stream gives the same issue sequence, another stream a different one", "[traffic]")
{
    auto once = [](int64_t stream) {
        auto f = test::MakePod(8);
        auto w = MakePattern(TrafficPattern::HOTSPOT, 0.2);
        w->SetAttribute("HotspotNode", UintegerValue(5));
        auto sends = Run(f, w, MicroSeconds(5), stream);
        Simulator::Destroy();
        std::vector<std::tuple<int64_t, uint16_t, uint16_t>> seq;
        for (const Send& s : sends)
        {
            seq.emplace_back(s.at.GetTimeStep(), s.src, s.dst);
        }
        return seq;
    };
    const auto a = once(7);
    const auto b = once(7);
    const auto c = once(8);
    REQUIRE(a.size() > 100);
    CHECK(a == b);
    CHECK(a != c);
}

TEST_CASE("Validate rejects impossible parameters with the attribute's name", "[traffic][validate]")
{
    auto attributeOf = [](const std::function<void()>& fn) -> std::string {
        try
        {
            fn();
        }
        catch (const ParameterError& e)
        {
            return e.Attribute();
        }
        return "";
    };
    auto w = CreateObject<TrafficPattern>();
    CHECK_NOTHROW(w->Validate());
    w->SetAttribute("Load", DoubleValue(1.5));
    CHECK(attributeOf([&] { w->Validate(); }) == "Load");
    w->SetAttribute("Load", DoubleValue(0.0));
    CHECK(attributeOf([&] { w->Validate(); }) == "Load");
    w->SetAttribute("Load", DoubleValue(1.0));
    CHECK_NOTHROW(w->Validate());
    w->SetAttribute("Bytes", UintegerValue(0));
    CHECK(attributeOf([&] { w->Validate(); }) == "Bytes");
    w->SetAttribute("Bytes", UintegerValue(257));
    CHECK(attributeOf([&] { w->Validate(); }) == "Bytes");
    w->SetAttribute("Bytes", UintegerValue(100)); // write_full needs whole 64 B beats
    CHECK(attributeOf([&] { w->Validate(); }) == "Bytes");
    w->SetAttribute("Operation", StringValue("write"));
    CHECK_NOTHROW(w->Validate());
    w->SetAttribute("Operation", StringValue("atomic_r"));
    CHECK(attributeOf([&] { w->Validate(); }) == "Bytes");
    w->SetAttribute("Bytes", UintegerValue(8));
    CHECK_NOTHROW(w->Validate());
    w->SetAttribute("HotspotFraction", DoubleValue(1.2));
    CHECK(attributeOf([&] { w->Validate(); }) == "HotspotFraction");
    w->SetAttribute("HotspotFraction", DoubleValue(0.5));

    auto f = test::MakePod(8);
    const auto ctx = MakeWorkloadContext(f.endpoints, MicroSeconds(10));
    w->SetAttribute("Pattern", StringValue("transpose"));
    CHECK(attributeOf([&] { w->Install(ctx); }) == "Pattern");
    w->SetAttribute("Pattern", StringValue("hotspot"));
    w->SetAttribute("HotspotNode", UintegerValue(8));
    CHECK(attributeOf([&] { w->ValidateFor(ctx); }) == "HotspotNode");
    w->SetAttribute("HotspotNode", UintegerValue(7));
    CHECK_NOTHROW(w->ValidateFor(ctx));
    Simulator::Destroy();
}

TEST_CASE("a workload released before the end of the run leaves no dangling events", "[traffic]")
{
    auto f = test::MakePod(4);
    auto w = MakePattern(TrafficPattern::UNIFORM, 0.5);
    w->Install(MakeWorkloadContext(f.endpoints, MicroSeconds(20)));
    w->AssignStreams(1);
    uint64_t issuedAtRelease = 0;
    Simulator::Schedule(MicroSeconds(3), [&] {
        for (auto& e : f.endpoints)
        {
            issuedAtRelease += e->GetIssuedCount();
        }
        w = nullptr; // disposed: its pending sends are cancelled
    });
    Simulator::Run();
    CHECK(w == nullptr);
    uint64_t issued = 0;
    for (auto& e : f.endpoints)
    {
        issued += e->GetIssuedCount();
        CHECK(e->GetInFlightCount() == 0);
    }
    CHECK(issued == issuedAtRelease);
    CHECK(issued > 0);
    Simulator::Destroy();
}
