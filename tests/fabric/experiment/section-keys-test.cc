// The keys `ofab keys` documents are the keys the loader takes: each section's valid-key list (as an
// unknown key's error names it) is documented, and each documented default is what the loader
// resolves (docs/keys.md against `ofab keys --markdown`: tests/fabric/app/keys-test.cc).

#include "support/faults-test-util.h"

#include "ofab/fabric/experiment/section-keys.h"
#include "ofab/foundation/unit-text.h"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

const std::string kBase = "duration: 1us\nlinks: {file: experiments/links/cpo-8lambda.yaml}\n";

/// The keys an unknown-key error lists ("Valid keys here: a, b or c").
std::set<std::string>
ValidKeysIn(const std::string& error)
{
    const std::string marker = "Valid keys here: ";
    const auto at = error.find(marker);
    REQUIRE(at != std::string::npos);
    std::string list = error.substr(at + marker.size());
    std::set<std::string> keys;
    std::string word;
    std::istringstream in(list);
    while (in >> word)
    {
        while (!word.empty() && (word.back() == ',' || word.back() == '.'))
        {
            word.pop_back();
        }
        if (word != "or" && !word.empty())
        {
            keys.insert(word);
        }
    }
    return keys;
}

std::set<std::string>
Documented(const std::string& section)
{
    const auto keys = LoaderKeys(section);
    return {keys.begin(), keys.end()};
}

const KeyDoc&
Doc(const std::string& section, const std::string& key)
{
    for (const KeyDoc& k : LoaderSection(section).keys)
    {
        if (k.key == key)
        {
            return k;
        }
    }
    FAIL("undocumented key " << section << "." << key);
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("every key a section takes is documented, and only those", "[experiment][keys]")
{
    CHECK(ValidKeysIn(ErrorOf(kBase + "topology: {kind: ring, accelerators: 4}\nbogus: 1\n")) ==
          Documented("experiment"));
    CHECK(ValidKeysIn(ErrorOf(kBase + "topology: {kind: ring, accelerators: 4}\noutputs: {bogus: 1}\n")) ==
          Documented("outputs"));
    CHECK(ValidKeysIn(ErrorOf(kBase + "topology: {kind: ring, accelerators: 4}\nfaults: {bogus: 1}\n")) ==
          Documented("faults"));
    CHECK(ValidKeysIn(ErrorOf(kBase + "topology: {kind: ring, accelerators: 4}\n"
                                      "faults: {stochastic: {bogus: 1}}\n")) == Documented("faults.stochastic"));

    // Topology and fault events: each kind takes a subset, and every documented key is some kind's.
    const std::set<std::string> topology = Documented("topology");
    std::set<std::string> taken;
    for (const char* shape : {"{kind: torus, dims: [4, 4]", "{kind: mesh, dims: [4, 4]", "{kind: ring, accelerators: 4",
                              "{kind: full_mesh, accelerators: 4", "{kind: switched_pod, accelerators: 4",
                              "{kind: fat_tree, leaves: 2, spines: 2, hosts_per_leaf: 2",
                              "{kind: dragonfly, routers_per_group: 2, accelerators_per_router: 1, "
                              "global_links_per_router: 1",
                              "{kind: edge_list, file: x.txt", "{kind: ocs_cubes, cubes: 3"})
    {
        INFO(shape);
        const std::set<std::string> valid = ValidKeysIn(ErrorOf(kBase + "topology: " + shape + ", bogus: 1}\n"));
        for (const auto& k : valid)
        {
            CHECK(topology.count(k) == 1);
            taken.insert(k);
        }
    }
    CHECK(taken == topology);

    const std::set<std::string> events = Documented("faults.events");
    taken.clear();
    const std::string torus = kBase + "topology: {kind: torus, dims: [4, 4]}\nfaults:\n  - {at: 1us, ";
    for (const char* kind : {"kind: fibre_cut", "kind: laser_line", "kind: laser_source", "kind: switch",
                             "kind: accelerator", "kind: flap", "kind: group", "kind: repair, of: fibre_cut"})
    {
        INFO(kind);
        const std::set<std::string> valid = ValidKeysIn(ErrorOf(torus + kind + ", bogus: 1}\n"));
        for (const auto& k : valid)
        {
            CHECK(events.count(k) == 1);
            taken.insert(k);
        }
    }
    CHECK(taken == events);
}

TEST_CASE("the documented defaults are what the loader resolves", "[experiment][keys]")
{
    const ConfigDocument doc =
        ConfigDocument::Parse(kBase + "topology: {kind: switched_pod, accelerators: 8}\n", "exp.yaml");
    const Experiment x = LoadExperiment(doc);
    const YAML::Node r = x.Resolved();
    for (const KeyDoc& k : LoaderSection("outputs").keys)
    {
        if (k.defaultText.empty())
        {
            continue;
        }
        INFO("outputs." << k.key << " = " << k.defaultText);
        const std::string resolved = r["outputs"][k.key].as<std::string>();
        ns3::Time documentedTime, resolvedTime;
        if (ParseTimeText(k.defaultText, documentedTime))
        {
            REQUIRE(ParseTimeText(resolved, resolvedTime));
            CHECK(resolvedTime == documentedTime);
        }
        else
        {
            CHECK(resolved == k.defaultText);
        }
    }
    CHECK(r["topology"]["routing"].as<std::string>() == Doc("topology", "routing").defaultText);
    CHECK(r["topology"]["planes"].as<std::string>() == Doc("topology", "planes").defaultText);
    CHECK(r["topology"]["switch_radix"].as<int>() == 64); // "the larger of accelerators and 64"
    CHECK(r["name"].as<std::string>() == Doc("experiment", "name").defaultText);
    CHECK(r["seed"].as<std::string>() == Doc("experiment", "seed").defaultText);
}

TEST_CASE("size units only for sizes in bytes: a count with KiB is refused", "[experiment][keys]")
{
    const std::string ring = "topology: {kind: ring, accelerators: 4}\n";
    CHECK_THAT(ErrorOf("duration: 1us\n" + ring +
                       "links: {file: experiments/links/cpo-8lambda.yaml, laser: {line_count: 8KiB}}\n"),
               Catch::Contains("key 'links.laser.line_count'"));
    CHECK(ErrorOf("duration: 1us\n" + ring +
                  "links: {file: experiments/links/cpo-8lambda.yaml, laser: {line_count: "
                  "8}}\n") == "no error");
    CHECK_THAT(ErrorOf(kBase + "topology: {kind: switched_pod, accelerators: 4, planes: 1KiB}\n"),
               Catch::Contains("planes"));
    CHECK(ErrorOf(kBase + ring + "workloads:\n  - {type: collective, algorithm: ring_allreduce, bytes: 64KiB}\n") ==
          "no error");
    // A chunk is a size too: the bytes a pipelined chain forwards at a time.
    CHECK(ErrorOf(kBase + ring +
                  "workloads:\n  - {type: collective, algorithm: broadcast, bytes: 1MiB, pipeline_chunk: 16KiB}\n") ==
          "no error");
}
