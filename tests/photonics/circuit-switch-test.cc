// Optical circuit switch: the cross-connect map (a permutation of port pairs), the circuits a
// reconfiguration moves, and the reconfiguration-time distribution.

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/optical-circuit-switch.h"

#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

using namespace ofab;
using Pairs = std::vector<OpticalCircuitSwitch::CrossConnect>;
using ns3::MilliSeconds;
using ns3::TimeValue;

namespace
{
/// The ParameterError SetCrossConnects throws for `pairs`, as (attribute, message); ("", "") if none.
std::pair<std::string, std::string>
Refusal(OpticalCircuitSwitch& ocs, const Pairs& pairs)
{
    try
    {
        ocs.SetCrossConnects(pairs);
    }
    catch (const ParameterError& e)
    {
        return {e.Attribute(), e.Message()};
    }
    return {"", ""};
}

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::vector<double>
DrawsMs(OpticalCircuitSwitch& ocs, int n)
{
    std::vector<double> v;
    v.reserve(n);
    for (int i = 0; i < n; ++i)
    {
        v.push_back(ocs.DrawReconfigurationTime().GetSeconds() * 1e3);
    }
    return v;
}
} // namespace

TEST_CASE("OCS defaults are the MEMS switch's published figures and validate", "[ocs]")
{
    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    CHECK_NOTHROW(ocs->Validate());
    CHECK(ocs->GetPortCount() == 136);
    CHECK(ocs->GetInsertionLossDb() == 2.0);
    CHECK(ocs->GetCrosstalkDb() == -50.0);
    TimeValue median;
    TimeValue p99;
    ocs->GetAttribute("ReconfigurationTime", median);
    ocs->GetAttribute("ReconfigurationTimeP99", p99);
    CHECK(median.Get() == ns3::MicroSeconds(1200));
    CHECK(p99.Get() == MilliSeconds(3));
    CHECK(ocs->GetCrossConnects().empty());
    CHECK(ocs->GetPeer(0) == OpticalCircuitSwitch::kUnconnected);
    CHECK(ocs->GetPeer(135) == OpticalCircuitSwitch::kUnconnected);
    CHECK_THROWS_AS(ocs->GetPeer(136), std::out_of_range);
}

TEST_CASE("SetCrossConnects keeps a valid map, sorted with first < second, and answers peers", "[ocs]")
{
    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    std::vector<std::tuple<uint32_t, uint32_t, bool>> trace;
    ocs->TraceConnectWithoutContext(
        "CrossConnect", ns3::Callback<void, uint32_t, uint32_t, bool>(
                            [&](uint32_t a, uint32_t b, bool connected) { trace.emplace_back(a, b, connected); }));
    ocs->SetCrossConnects({{7, 3}, {0, 135}, {1, 2}});
    CHECK(ocs->GetCrossConnects() == Pairs{{0, 135}, {1, 2}, {3, 7}});
    CHECK(ocs->GetPeer(3) == 7);
    CHECK(ocs->GetPeer(7) == 3);
    CHECK(ocs->GetPeer(135) == 0);
    CHECK(ocs->GetPeer(4) == OpticalCircuitSwitch::kUnconnected);
    CHECK(trace == std::vector<std::tuple<uint32_t, uint32_t, bool>>{{0, 135, true}, {1, 2, true}, {3, 7, true}});

    // Replaces the whole map: (1, 2) stays and fires nothing, the others go, (3, 4) comes.
    trace.clear();
    ocs->SetCrossConnects({{2, 1}, {4, 3}});
    CHECK(ocs->GetCrossConnects() == Pairs{{1, 2}, {3, 4}});
    CHECK(ocs->GetPeer(7) == OpticalCircuitSwitch::kUnconnected);
    CHECK(trace == std::vector<std::tuple<uint32_t, uint32_t, bool>>{{0, 135, false}, {3, 7, false}, {3, 4, true}});

    ocs->SetCrossConnects({});
    CHECK(ocs->GetCrossConnects().empty());
}

TEST_CASE("SetCrossConnects refuses a port twice, a port joined to itself, or out of range, naming it", "[ocs]")
{
    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    ocs->SetCrossConnects({{10, 11}});

    const auto twice = Refusal(*ocs, {{1, 2}, {3, 4}, {5, 2}});
    CHECK(twice.first == "CrossConnects");
    INFO(twice.second);
    CHECK(Contains(twice.second, "port 2 "));
    CHECK(Contains(twice.second, "(1, 2)"));
    CHECK(Contains(twice.second, "(5, 2)"));

    const auto self = Refusal(*ocs, {{1, 2}, {6, 6}});
    CHECK(self.first == "CrossConnects");
    INFO(self.second);
    CHECK(Contains(self.second, "port 6 "));
    CHECK(Contains(self.second, "(6, 6)"));

    const auto range = Refusal(*ocs, {{1, 2}, {3, 136}});
    CHECK(range.first == "CrossConnects");
    INFO(range.second);
    CHECK(Contains(range.second, "port 136 "));
    CHECK(Contains(range.second, "(3, 136)"));
    CHECK(Contains(range.second, "136"));

    // A refused map leaves the current one in place.
    CHECK(ocs->GetCrossConnects() == Pairs{{10, 11}});

    // Shrinking the switch under a circuit in use is refused by Validate, naming PortCount.
    ocs->SetAttribute("PortCount", ns3::UintegerValue(11));
    try
    {
        ocs->Validate();
        FAIL("Validate accepted a circuit on port 11 of an 11-port switch");
    }
    catch (const ParameterError& e)
    {
        CHECK(e.Attribute() == "PortCount");
    }
}

TEST_CASE("Moved lists the circuits a reconfiguration darkens and lights, and keeps the others lit", "[ocs]")
{
    // Before: 0-1, 2-3, 4-5. After: 1-0 (the same circuit, written the other way), 2-4, 3-5.
    // 2-3 and 4-5 go dark, 2-4 and 3-5 light up, 0-1 carries on.
    const Pairs before{{0, 1}, {2, 3}, {4, 5}};
    const Pairs after{{1, 0}, {2, 4}, {5, 3}};
    CHECK(OpticalCircuitSwitch::Moved(before, after) == Pairs{{2, 3}, {2, 4}, {3, 5}, {4, 5}});
    CHECK(OpticalCircuitSwitch::Moved(before, before).empty());
    CHECK(OpticalCircuitSwitch::Moved({}, before) == before);
    CHECK(OpticalCircuitSwitch::Moved(before, {}) == before);

    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    ocs->SetCrossConnects(before);
    CHECK(ocs->ChangedBy(after) == Pairs{{2, 3}, {2, 4}, {3, 5}, {4, 5}});
}

TEST_CASE("the reconfiguration time is fixed when its p99 equals the median", "[ocs][reconfiguration]")
{
    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    ocs->SetAttribute("ReconfigurationTime", TimeValue(MilliSeconds(25))); // a piezo switch, say
    ocs->SetAttribute("ReconfigurationTimeP99", TimeValue(MilliSeconds(25)));
    CHECK_NOTHROW(ocs->Validate());
    for (int i = 0; i < 100; ++i)
    {
        CHECK(ocs->DrawReconfigurationTime() == MilliSeconds(25));
    }
    ocs->SetAttribute("ReconfigurationTime", TimeValue(ns3::Time(0)));
    ocs->SetAttribute("ReconfigurationTimeP99", TimeValue(ns3::Time(0)));
    CHECK(ocs->DrawReconfigurationTime() == ns3::Time(0)); // an idealised instant switch
}

TEST_CASE("log-normal reconfiguration times hit the median and p99 they were given", "[ocs][reconfiguration]")
{
    // mu = ln 1.2 ms, sigma = ln(3 / 1.2) / 2.326348 = 0.394. With 20000 draws the sample median's
    // standard error is ~0.35 % and the sample p99's ~1 %: the 2 % and 5 % bounds are > 4.5 of them.
    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    CHECK(ocs->AssignStreams(42) == 1);
    std::vector<double> v = DrawsMs(*ocs, 20000);
    std::sort(v.begin(), v.end());
    const double median = 0.5 * (v[9999] + v[10000]);
    const double p99 = v[19799]; // the 19800th of 20000
    CHECK(median == Approx(1.2).epsilon(0.02));
    CHECK(p99 == Approx(3.0).epsilon(0.05));
    CHECK(v.front() > 0.0);
    CHECK(v.back() > 3.0);
}

TEST_CASE("the same stream number gives the same reconfiguration times", "[ocs][reconfiguration]")
{
    auto a = ns3::CreateObject<OpticalCircuitSwitch>();
    auto b = ns3::CreateObject<OpticalCircuitSwitch>();
    auto c = ns3::CreateObject<OpticalCircuitSwitch>();
    a->AssignStreams(7);
    b->AssignStreams(7);
    c->AssignStreams(8);
    const auto da = DrawsMs(*a, 100);
    CHECK(da == DrawsMs(*b, 100));
    CHECK(da != DrawsMs(*c, 100));
}

TEST_CASE("OCS Validate names the attribute holding an impossible value", "[ocs][validation]")
{
    auto ocs = ns3::CreateObject<OpticalCircuitSwitch>();
    ocs->SetAttribute("ReconfigurationTimeP99", TimeValue(MilliSeconds(1))); // under the 1.2 ms median
    try
    {
        ocs->Validate();
        FAIL("Validate accepted a p99 under the median");
    }
    catch (const ParameterError& e)
    {
        CHECK(e.Attribute() == "ReconfigurationTimeP99");
    }

    ocs->SetAttribute("ReconfigurationTime", TimeValue(ns3::Time(0)));
    ocs->SetAttribute("ReconfigurationTimeP99", TimeValue(MilliSeconds(1))); // log-normal around 0
    try
    {
        ocs->DrawReconfigurationTime();
        FAIL("a log-normal draw around a zero median");
    }
    catch (const ParameterError& e)
    {
        CHECK(e.Attribute() == "ReconfigurationTime");
    }

    // The checkers refuse what no switch can have.
    auto fresh = ns3::CreateObject<OpticalCircuitSwitch>();
    CHECK_FALSE(fresh->SetAttributeFailSafe("PortCount", ns3::UintegerValue(0)));
    CHECK_FALSE(fresh->SetAttributeFailSafe("InsertionLossDb", ns3::DoubleValue(-1.0)));
    CHECK_FALSE(fresh->SetAttributeFailSafe("CrosstalkDb", ns3::DoubleValue(3.0)));
    CHECK_FALSE(fresh->SetAttributeFailSafe("ReconfigurationTime", TimeValue(MilliSeconds(-1))));
    CHECK_NOTHROW(fresh->Validate());
}
