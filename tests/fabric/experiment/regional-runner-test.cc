// Experiments over several sites: each site a fabric of its own, gateways joined by lightpaths, a
// hierarchical all-reduce across them (its phases in order, its wide-area steps exactly its
// messages), the job going on between the sites that remain after a site loss, every transfer
// accounted for, the same run twice, and bad files refused at their keys.

#include "ofab/fabric/experiment/regional-runner.h"

#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

using namespace ofab;

namespace
{

/// Three 4 x 4 tori on a triangle of 10 km routes, healing scaled down to fit a few milliseconds;
/// the all-reduce sharded (the default: a NIC per accelerator) or `funnel`.
std::string
Region(const std::string& extra, const std::string& algorithm = "sharded")
{
    return "name: region\n"
           "duration: 12ms\n"
           "sites:\n"
           "  - {name: a, experiment: sites/torus4x4.yaml, gateway: 0}\n"
           "  - {name: b, experiment: sites/torus4x4.yaml, gateway: 5}\n"
           "  - {name: c, experiment: sites/torus4x4.yaml, gateway: 15}\n"
           "optical_mesh:\n"
           "  nodes: [a, b, c]\n"
           "  routes:\n"
           "    - {a: a, b: b, length_km: 10, duct: ab}\n"
           "    - {a: b, b: c, length_km: 10, duct: bc}\n"
           "    - {a: a, b: c, length_km: 10, duct: ac}\n"
           "  transceiver: {kind: 400zr}\n"
           "  lightpaths: [{a: a, b: b}, {a: b, b: c}, {a: a, b: c}]\n"
           "wide_area: {max_window_bytes: 2MiB, tcp_min_rto: 2ms, tcp_delayed_ack_timeout: 1ms,\n"
           "            packet_reroute_time: 1ms, restoration_time: 2ms}\n"
           "cross_site:\n"
           "  - {type: hierarchical_allreduce, name: grads, bytes: 256KiB, iterations: 1000, gap: 200us,\n"
           "     algorithm: " +
           algorithm + "}\n" + extra;
}

RegionalRunResult
RunRegion(const std::string& yaml)
{
    // The origin puts the site files (experiments/sites/) beside the text.
    const ConfigDocument doc = ConfigDocument::Parse(yaml, "experiments/region.yaml");
    RegionalExperiment x = LoadRegionalExperiment(doc);
    RegionalRunner runner(x);
    return runner.Run();
}

std::string
Refusal(const std::string& yaml)
{
    try
    {
        RunRegion(yaml);
    }
    catch (const ConfigError& e)
    {
        return e.what();
    }
    FAIL("the file was accepted");
    return "";
}

} // namespace

TEST_CASE("regional: a hierarchical all-reduce runs its phases in order, each step a message per ring member",
          "[regional]")
{
    const bool sharded = GENERATE(true, false);
    INFO((sharded ? "sharded" : "funnel"));
    const RegionalRunResult r = RunRegion(Region("", sharded ? "sharded" : "funnel"));
    REQUIRE(r.sites.size() == 3);
    CHECK(r.sites[1].gateway == 5);
    CHECK(r.sites[1].nics == 16); // the default: a NIC per accelerator
    std::size_t completed = 0;
    for (const HierarchicalResult& h : r.allReduce)
    {
        if (h.status != CollectiveStatus::Completed)
        {
            continue;
        }
        ++completed;
        CHECK(h.algorithm == (sharded ? "sharded" : "funnel"));
        CHECK(h.sites == 3);
        CHECK(h.startNs < h.reducedNs);
        CHECK(h.reducedNs < h.exchangedNs);
        CHECK(h.exchangedNs < h.endNs);
    }
    CHECK(completed >= 3);
    CHECK(r.allReduce.back().status != CollectiveStatus::Failed); // the last is running or done at the end
    // 2 (G - 1) = 4 ring steps. Funnel: one ring of the 3 gateways, a message of ceil(S / 3) from
    // each per step. Sharded: 16 rings, ring r between the NICs r, a message of ceil(S / 48) each.
    const uint32_t rings = sharded ? 16 : 1;
    std::map<std::string, int> perIteration;
    for (const TransferRecord& t : r.transfers)
    {
        CHECK(t.bytes == (256u * 1024 + 3 * rings - 1) / (3 * rings));
        CHECK(t.fromNic == t.toNic);
        CHECK(t.fromNic.has_value() == sharded);
        if (sharded)
        {
            CHECK_THAT(t.label, Catch::Contains(" ring " + std::to_string(*t.fromNic) + " step "));
        }
        if (t.status == TransferStatus::Completed)
        {
            ++perIteration[t.label.substr(0, t.label.find(' ', t.label.find('#')))];
            CHECK(t.deliveredBytes == t.bytes);
        }
    }
    for (std::size_t i = 0; i < completed; ++i)
    {
        CHECK(perIteration["grads #" + std::to_string(i)] == static_cast<int>(12 * rings));
    }
}

TEST_CASE("regional: after a site loss the job goes on between the others, every transfer accounted for", "[regional]")
{
    const RegionalRunResult r = RunRegion(Region("faults:\n  - {at: 5ms, kind: site_loss, site: c}\n"));
    REQUIRE(r.sites.size() == 3);
    CHECK(r.sites[2].lost);
    CHECK_FALSE(r.sites[0].lost);
    bool sawFailure = false;
    std::size_t afterLoss = 0;
    for (const HierarchicalResult& h : r.allReduce)
    {
        if (h.status == CollectiveStatus::Failed)
        {
            sawFailure = true;
            CHECK(h.endNs >= 5e6);
            CHECK_THAT(h.failure, Catch::Contains("site c") || Catch::Contains("Isolate"));
        }
        if (h.startNs > 5e6 && h.status == CollectiveStatus::Completed)
        {
            ++afterLoss;
            CHECK(h.sites == 2); // the lost site left the job
        }
    }
    CHECK(sawFailure);
    CHECK(afterLoss >= 2);
    for (const TransferRecord& t : r.transfers)
    {
        CHECK(t.deliveredBytes <= t.bytes);
        if (t.status == TransferStatus::Completed)
        {
            CHECK(t.deliveredBytes == t.bytes);
        }
        else if (t.status == TransferStatus::Failed)
        {
            CHECK_FALSE(t.reason.empty());
        }
    }
    for (const RegionalSiteFigures& s : r.sites)
    {
        CHECK(s.transactionsCompleted + s.transactionsFailed <= s.transactionsIssued);
    }
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].down.size() == 2); // a-c and b-c
}

TEST_CASE("regional: the same file and seed give the same run", "[regional]")
{
    const std::string yaml = Region("faults:\n  - {at: 3ms, kind: duct_cut, duct: ab}\n");
    const RegionalRunResult a = RunRegion(yaml);
    const RegionalRunResult b = RunRegion(yaml);
    REQUIRE(a.allReduce.size() == b.allReduce.size());
    for (std::size_t i = 0; i < a.allReduce.size(); ++i)
    {
        CHECK(a.allReduce[i].endNs == b.allReduce[i].endNs);
    }
    CHECK(a.events == b.events);
    CHECK(a.crossSiteGbps == b.crossSiteGbps);
    REQUIRE(a.failures.size() == 1);
    CHECK(a.failures[0].rerouteNs == b.failures[0].rerouteNs);
}

TEST_CASE("regional: files that cannot run are refused at file, line and key", "[regional]")
{
    CHECK_THAT(Refusal(Region("faults:\n  - {at: 1ms, kind: site_loss, site: d}\n")),
               Catch::Contains("region.yaml:") && Catch::Contains("faults.0.site") &&
                   Catch::Contains("unknown site 'd'"));
    CHECK_THAT(Refusal(Region("faults:\n  - {at: 1ms, kind: duct_cut, duct: nowhere}\n")),
               Catch::Contains("faults.0.duct") && Catch::Contains("unknown duct 'nowhere'"));
    CHECK_THAT(Refusal(Region("faults:\n  - {at: 20ms, kind: duct_cut, duct: ab}\n")),
               Catch::Contains("faults.0.at") && Catch::Contains("after the end of the run"));
    std::string notInMesh = Region("");
    notInMesh.replace(notInMesh.find("{name: c,"), 9, "{name: z,");
    CHECK_THAT(Refusal(notInMesh), Catch::Contains("sites.2.name") && Catch::Contains("not a node of optical_mesh"));
    std::string badGateway = Region("");
    badGateway.replace(badGateway.find("gateway: 15"), 11, "gateway: 16");
    CHECK_THAT(Refusal(badGateway), Catch::Contains("sites.2.gateway"));
    CHECK_THAT(Refusal(Region("cross_site_typo: 1\n")), Catch::Contains("cross_site_typo"));
    // Sharded needs a NIC per accelerator in every site; funnel does without.
    std::string noNics = Region("");
    noNics.replace(noNics.find("gateway: 5}"), 11, "gateway: 5, nics: 8}");
    CHECK_THAT(Refusal(noNics),
               Catch::Contains("cross_site.0.algorithm") && Catch::Contains("site b has 16 accelerators and 8 NICs"));
    std::string funnel = Region("", "funnel");
    funnel.replace(funnel.find("gateway: 5}"), 11, "gateway: 5, nics: 0}");
    CHECK_NOTHROW(LoadRegionalExperiment(ConfigDocument::Parse(funnel, "experiments/region.yaml")));
    std::string tooMany = Region("");
    tooMany.replace(tooMany.find("gateway: 5}"), 11, "gateway: 5, nics: 17}");
    CHECK_THAT(Refusal(tooMany), Catch::Contains("sites.1.nics"));
}

TEST_CASE("regional: ROADM, amplifier and gateway failures partition exactly the pairs they cut off", "[regional]")
{
    // b-c runs through the junction j; a-b and a-c are direct. j's ROADM (2 ms) leaves b-c to go
    // through a; route a-b's amplifier (4 ms) then cuts b off; c's gateway (8 ms) cuts c off.
    const std::string yaml =
        "name: mix\n"
        "duration: 12ms\n"
        "sites:\n"
        "  - {name: a, experiment: sites/torus4x4.yaml, gateway: 0}\n"
        "  - {name: b, experiment: sites/torus4x4.yaml, gateway: 5}\n"
        "  - {name: c, experiment: sites/torus4x4.yaml, gateway: 15}\n"
        "optical_mesh:\n"
        "  nodes: [a, b, c, j]\n"
        "  routes:\n"
        "    - {a: a, b: b, length_km: 10, duct: ab}\n"
        "    - {a: b, b: j, length_km: 5, duct: bj}\n"
        "    - {a: j, b: c, length_km: 5, duct: jc}\n"
        "    - {a: a, b: c, length_km: 10, duct: ac}\n"
        "  transceiver: {kind: 400zr}\n"
        "  lightpaths: [{a: a, b: b}, {a: b, b: c}, {a: a, b: c}]\n"
        "wide_area: {max_window_bytes: 2MiB, tcp_min_rto: 2ms, tcp_delayed_ack_timeout: 1ms,\n"
        "            packet_reroute_time: 1ms, restoration_time: 2ms}\n"
        "cross_site:\n"
        "  - {type: requests, name: serving, from: b, to: a, bytes: 64KiB, interval: 500us, count: 20}\n"
        "  - {type: checkpoint, name: ckpt, from: a, to: c, bytes: 8MiB, start: 1ms}\n"
        "faults:\n"
        "  - {at: 2ms, kind: roadm, node: j}\n"
        "  - {at: 4ms, kind: amplifier, route: 0}\n"
        "  - {at: 8ms, kind: gateway, site: c}\n";
    const RegionalRunResult r = RunRegion(yaml);
    std::map<std::string, double> partitioned;
    for (const RegionalPartition& p : r.partitions)
    {
        partitioned[p.a + "-" + p.b] = p.ns;
    }
    CHECK(partitioned["a-b"] == Approx(8e6)); // from 4 ms
    CHECK(partitioned["b-c"] == Approx(8e6)); // through a until 4 ms, then nothing
    CHECK(partitioned["a-c"] == Approx(4e6)); // from 8 ms
    REQUIRE(r.failures.size() == 3);
    CHECK(r.failures[0].down == std::vector<uint32_t>{1});
    CHECK(r.failures[1].down == std::vector<uint32_t>{0});
    CHECK(r.failures[2].down.empty()); // the optics are untouched
    uint64_t requests = 0, completed = 0;
    for (const TransferRecord& t : r.transfers)
    {
        if (t.label.rfind("serving", 0) == 0)
        {
            ++requests;
            completed += t.status == TransferStatus::Completed;
            if (t.status == TransferStatus::Completed)
            {
                CHECK(*t.endNs < 4e6 + 1e5); // none gets through once b is cut off
            }
        }
        else
        {
            CHECK(t.status == TransferStatus::Completed); // the checkpoint, before c's gateway fails
        }
    }
    CHECK(requests == 20);
    CHECK(completed >= 7);
}

TEST_CASE("regional: a site's own faults and reroute controller run inside the region", "[regional]")
{
    // Site b's file cuts the link that carries its ring from rank 5 to rank 6 at 2 ms; with its
    // controller the all-reduce goes on across the cut, without it the iteration caught fails there.
    const std::string dir = std::filesystem::temp_directory_path() / "ofab-regional-site-faults";
    std::filesystem::create_directories(dir);
    const std::string links = std::filesystem::absolute("experiments/links/cpo-8lambda.yaml");
    for (const bool controller : {true, false})
    {
        INFO((controller ? "with a controller" : "without"));
        const std::string site = dir + (controller ? "/cut-controlled.yaml" : "/cut.yaml");
        std::ofstream(site)
            << "name: cut-site\nduration: 10us\ntopology: {kind: torus, dims: [4, 4]}\n"
            << "links: {file: " << links << "}\n"
            << "faults:\n  events:\n    - {at: 2ms, kind: fibre_cut, between: [\"a(1,1)\", \"a(2,1)\"]}\n"
            << (controller ? "controller: {policy: hybrid}\n" : "");
        std::string yaml = Region("");
        yaml.replace(yaml.find("{name: b, experiment: sites/torus4x4.yaml"), 41, "{name: b, experiment: " + site);
        const RegionalRunResult r = RunRegion(yaml);
        REQUIRE(r.sites.size() == 3);
        CHECK(r.sites[1].faults == 1);
        CHECK(r.sites[0].faults == 0);
        CHECK(r.sites[1].controller == (controller ? "hybrid" : ""));
        std::size_t completedAfter = 0;
        std::size_t failedInB = 0;
        for (const HierarchicalResult& h : r.allReduce)
        {
            completedAfter += h.startNs > 2.5e6 && h.status == CollectiveStatus::Completed ? 1 : 0;
            failedInB += h.status == CollectiveStatus::Failed && h.failure.find("in site b") != std::string::npos;
        }
        if (controller)
        {
            CHECK(failedInB == 0);
            CHECK(completedAfter >= 3); // rerouted around the cut inside the site
        }
        else
        {
            CHECK(failedInB >= 1); // a write out of its retries on the dead link
        }
    }
    std::filesystem::remove_all(dir);
}
