// What a run reports about credits and starvation without a reroute controller: the share of port
// time lost to each kind of credit (summary `credit_bound`), and the run's own stall detector
// (outputs.stall_timeout) with its `stall` and `starved` rows of /events.

#include "support/faults-test-util.h"
#include "support/trace-test-util.h"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

const std::string kRing = "topology: {kind: ring, accelerators: 8}\n"
                          "links: {file: experiments/links/cpo-8lambda.yaml}\n";

double
ShareOf(const RunSummary& s, uint8_t vc, const std::string& credit)
{
    for (const CreditBound& b : s.creditBound)
    {
        if (b.vc == vc && b.creditClass == credit)
        {
            return b.share;
        }
    }
    return 0;
}

} // namespace

TEST_CASE("small command buffers show as credit-bound port time, the defaults do not", "[observe][credits]")
{
    // 64 B writes at 0.6 of a port on a ring of 8: about 0.7 of every link direction. With 8 request
    // command credits per VC a port sends at most 8 writes per ~350 ns round trip (0.02 of the link).
    const std::string yaml = "duration: 4us\nseed: 2\n" + kRing +
                             "workloads:\n  - {type: traffic, pattern: uniform, operation: write_full, bytes: 64, "
                             "load: 0.6, load_reference: port}\n";
    const RunResult small = RunYaml(yaml + "protocol: {port: {request_command_buffers: 8}}\n");
    const double vc0 = ShareOf(small.summary, 0, "request command");
    INFO("request command share of VC 0 with 8 buffers: " << vc0);
    CHECK(vc0 > 0.3);
    for (const CreditBound& b : small.summary.creditBound)
    {
        if (b.creditClass == "request command")
        {
            CHECK(b.ports > 0);
            CHECK(b.ports <= 16);
        }
    }
    // Data credits are not short here: a head lacking only command credits is not charged to data.
    CHECK(ShareOf(small.summary, 0, "request data") < 0.01);

    const RunResult defaults = RunYaml(yaml);
    for (const CreditBound& b : defaults.summary.creditBound)
    {
        INFO("VC " << int(b.vc) << " " << b.creditClass << ": " << b.share);
        // What remains is the start: messages issued before the first credit grant arrived.
        CHECK(b.share < kCreditBoundShare);
    }
}

TEST_CASE("a run without a controller reports starvation and credit stalls, naming the port", "[observe][stall]")
{
    // a(0)'s port to a(1): from 2 us a(1) withholds the request command credits of VC 0 only. a(0)'s
    // requests to a(1) and beyond starve there while the responses it owes a(1) keep flowing.
    const std::string yaml = "duration: 8us\nseed: 4\n" + kRing +
                             "workloads:\n  - {type: traffic, pattern: uniform, operation: write_full, bytes: 64, "
                             "load: 0.2, load_reference: port}\n"
                             "outputs: {stall_timeout: 2us}\n"
                             // Few buffers, so the withheld credits run out at once rather than after ~15 us.
                             "protocol: {port: {request_command_buffers: 64, response_command_buffers: 64}}\n";
    const std::string trace = "stall-starvation-test.h5";
    std::string node;
    uint16_t port = 0;
    const RunResult r = RunYaml(
        yaml,
        [&](ExperimentRunner& runner) {
            REQUIRE(!runner.GetController());
            const Fabric& f = runner.GetFabric();
            for (const FabricLink& l : f.Links())
            {
                if (f.Graph().GetNode(l.a).name == "a(0)" && f.Graph().GetNode(l.b).name == "a(1)")
                {
                    node = "a(0)";
                    port = l.portA->GetIndex();
                    ns3::Simulator::Schedule(ns3::MicroSeconds(2), [p = l.portB] {
                        p->SetCreditReturnPaused(0, CreditClass::RequestCommand, true);
                    });
                }
            }
            REQUIRE(!node.empty());
        },
        nullptr, trace);
    const std::vector<TraceEvent> events = ReadEvents(trace);
    std::remove(trace.c_str());
    const std::string element = node + " port " + std::to_string(port);
    // The withheld port is reported first, once per kind (its episode never ends); ports behind it
    // back up later and are reported on their own.
    const TraceEvent* firstStarved = nullptr;
    int starvedHere = 0;
    int stalledHere = 0;
    for (const TraceEvent& e : events)
    {
        INFO(e.timeNs << " " << e.kind << " " << e.element << ": " << e.detail);
        if (e.kind == "starved" && firstStarved == nullptr)
        {
            firstStarved = &e;
        }
        starvedHere += e.kind == "starved" && e.element == element;
        if (e.kind == "stall" && e.element == element)
        {
            ++stalledHere;
            CHECK(e.detail.find("request command credits of VC 0") != std::string::npos);
        }
    }
    REQUIRE(firstStarved != nullptr);
    INFO(firstStarved->element << ": " << firstStarved->detail);
    CHECK(firstStarved->element == element);
    CHECK(firstStarved->timeNs >= 4000);
    CHECK(firstStarved->detail.find("request from input local, VC 0") == 0);
    CHECK(firstStarved->detail.find("credit-stalled (request command)") != std::string::npos);
    CHECK(firstStarved->detail.find("other messages sent") != std::string::npos); // the responses flow
    CHECK(starvedHere == 1);
    CHECK(stalledHere == 1);
    CHECK(r.summary.starved >= 1);
    CHECK(r.summary.stalls > r.summary.starved); // both kinds are counted
}

TEST_CASE("a port that stops sending altogether is starved with nothing sent", "[observe][stall]")
{
    const std::string yaml = "duration: 8us\nseed: 4\n" + kRing +
                             "workloads:\n  - {type: traffic, pattern: uniform, operation: write_full, bytes: 64, "
                             "load: 0.2, load_reference: port}\n"
                             "outputs: {stall_timeout: 2us}\n"
                             // Few buffers, so the withheld credits run out at once rather than after ~15 us.
                             "protocol: {port: {request_command_buffers: 64, response_command_buffers: 64}}\n";
    const std::string trace = "stall-starvation-test-all.h5";
    const RunResult r = RunYaml(
        yaml,
        [&](ExperimentRunner& runner) {
            const FabricLink& l = runner.GetFabric().Links().front();
            ns3::Simulator::Schedule(ns3::MicroSeconds(2), [p = l.portB] { p->SetCreditReturnPaused(true); });
        },
        nullptr, trace);
    const std::vector<TraceEvent> events = ReadEvents(trace);
    std::remove(trace.c_str());
    bool nothingSent = false;
    for (const TraceEvent& e : events)
    {
        nothingSent = nothingSent || (e.kind == "starved" && e.detail.find("nothing sent") != std::string::npos);
    }
    CHECK(nothingSent);
    CHECK(r.summary.starved >= 1);
}

TEST_CASE("a healthy saturated run reports no stall and no starvation", "[observe][stall]")
{
    // Past saturation on a ring of 8 (offered 1.0 of a port, ~1.15 of every link direction), for
    // longer than the default stall timeout of 20 us.
    const std::string yaml = "duration: 25us\nseed: 6\n" + kRing +
                             "workloads:\n  - {type: traffic, pattern: uniform, operation: write_full, bytes: 256, "
                             "load: 1.0, load_reference: port}\n";
    const RunResult r = RunYaml(yaml);
    CHECK(r.summary.failed == 0);
    CHECK(r.summary.stalls == 0);
    CHECK(r.summary.starved == 0);
}
