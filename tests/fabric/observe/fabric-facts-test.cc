// What a fabric is and costs, against closed forms: counts, hop distances and bisection of a torus
// and a switched pod, and the optics' power from the links' own energy per bit.

#include "support/faults-test-util.h"

#include "ofab/fabric/observe/fabric-facts.h"
#include "ofab/topologies/bisection.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ofab::faultstest;

TEST_CASE("a 4x4 torus: counts, hops and bisection as the closed forms give them", "[observe][fabric]")
{
    // A 4x4 torus: 16 nodes of degree 4, 32 links. Per dimension the distances from a node are
    // 0, 1, 2, 1 (sum 4), so the mean over the 15 others is (4 + 4) * 4 / 15 = 32/15 and the
    // diameter 2 + 2 = 4. Bisection: 2 * 16 / 4 = 8 links (topologies/bisection.h).
    const std::string yaml = "duration: 1ns\ntopology: {kind: torus, dims: [4, 4]}\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n";
    FabricFacts f;
    double pjSum = 0, gbpsSum = 0;
    RunYaml(yaml, nullptr, [&](ExperimentRunner& runner, const RunResult& r) {
        f = r.fabric;
        for (const FabricLink& l : runner.GetFabric().Links())
        {
            for (uint8_t end = 0; end < 2; ++end)
            {
                const auto link = l.channel->GetLink(end);
                pjSum += link->GetEnergyPerBitPj() * link->GetCapacityBps() / 1e9;
                gbpsSum += link->GetCapacityBps() / 1e9;
            }
        }
    });
    CHECK(f.accelerators == 16);
    CHECK(f.switches == 0);
    CHECK(f.links == 32);
    CHECK(f.diameterHops == 4);
    CHECK(f.meanHops == Approx(32.0 / 15.0));
    REQUIRE(f.bisectionLinks.has_value());
    CHECK(*f.bisectionLinks == topo::TorusBisectionLinks({4, 4}));
    CHECK(*f.bisectionGbps == Approx(8 * f.linkRateGbps));
    // One source per port (PortCount 1): 4 ports x 16 nodes, 8 lines each (cpo-8lambda).
    CHECK(f.lasers == 64);
    CHECK(f.laserLines == 64 * 8);
    CHECK(f.linkRateGbps == Approx(gbpsSum / 64));
    CHECK(f.opticsPowerW == Approx(pjSum / 1e3)); // pJ/bit x Gb/s = mW
    CHECK(f.opticsPjPerBit == Approx(pjSum / gbpsSum));
    CHECK(f.opticsPjPerBit > 0.5);
    CHECK(f.opticsPjPerBit < 50);
}

TEST_CASE("a switched pod: switches counted, two hops between any accelerators", "[observe][fabric]")
{
    // 8 accelerators, each with one link to each of 2 planes: 16 links. Any two accelerators are
    // two hops apart (up and down one plane). Halving the accelerators cuts the links of the half
    // that sits apart from the switches: 4 accelerators x 2 links.
    const std::string yaml = "duration: 1ns\ntopology: {kind: switched_pod, accelerators: 8, planes: 2}\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n";
    const FabricFacts f = RunYaml(yaml).fabric;
    CHECK(f.accelerators == 8);
    CHECK(f.switches == 2);
    CHECK(f.links == 16);
    CHECK(f.diameterHops == 2);
    CHECK(f.meanHops == Approx(2.0));
    REQUIRE(f.bisectionLinks.has_value());
    CHECK(*f.bisectionLinks == 8);
}
