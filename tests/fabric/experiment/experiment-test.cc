// Experiment files: what loads, what is refused (with file:line:key), and what a run leaves behind.

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment.h"

#include "ns3/simulator.h"

#include <catch2/catch.hpp>

namespace
{

std::string
ErrorOf(const std::string& yaml)
{
    try
    {
        const auto doc = ofab::ConfigDocument::Parse(yaml, "exp.yaml");
        ofab::LoadExperiment(doc);
    }
    catch (const ofab::ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

const std::string kValid = "duration: 1us\ntopology:\n  kind: ring\n  accelerators: 4\n";

} // namespace

TEST_CASE("the quickstart experiment loads with every default resolved", "[experiment]")
{
    const auto doc = ofab::ConfigDocument::Load("experiments/quickstart.yaml");
    const ofab::Experiment x = ofab::LoadExperiment(doc);
    CHECK(x.graph.NumAccelerators() == 16);
    CHECK(x.graph.NumLinks() == 32);
    CHECK(x.workloads.size() == 2);
    const YAML::Node r = x.Resolved();
    CHECK(r["topology"]["kind"].Scalar() == "torus");
    CHECK(r["links"]["link"]["line_rate_gbps"].Scalar() == "100");
    CHECK(r["protocol"]["switch"]["switch_latency"].Scalar() == "150ns");
    CHECK(r["workloads"][0]["algorithm"].Scalar() == "ring_allreduce");
    CHECK(r["workloads"][0]["bytes"].Scalar() == "1048576");
    // The resolved form is itself a valid experiment that resolves to the same thing.
    YAML::Emitter e;
    e << r;
    const auto again = ofab::ConfigDocument::Parse(std::string(e.c_str()), "resolved.yaml");
    YAML::Emitter e2;
    e2 << ofab::LoadExperiment(again).Resolved();
    CHECK(std::string(e.c_str()) == std::string(e2.c_str()));
}

TEST_CASE("an unnamed workload resolves to name \"\", which loads back as no name", "[experiment]")
{
    // Found by the fuzz target of experiments (tests/fuzz/corpus/experiment/resolved-unnamed-workload.yaml):
    // the resolved form of a workload without a name did not load ("expected text without spaces").
    const auto doc = ofab::ConfigDocument::Parse(
        kValid + "workloads:\n  - {type: traffic, pattern: uniform, bytes: 64, load: 0.1}\n", "exp.yaml");
    YAML::Emitter e;
    e << ofab::LoadExperiment(doc).Resolved();
    CHECK_THAT(std::string(e.c_str()), Catch::Contains("name: \"\""));
    const auto again = ofab::ConfigDocument::Parse(std::string(e.c_str()), "resolved.yaml");
    YAML::Emitter e2;
    e2 << ofab::LoadExperiment(again).Resolved();
    CHECK(std::string(e.c_str()) == std::string(e2.c_str()));
    CHECK(ErrorOf(kValid + "workloads:\n  - {type: collective, name: '', bytes: 1KiB}\n") == "no error");
    CHECK_THAT(ErrorOf(kValid + "workloads:\n  - {type: collective, name: two words, bytes: 1KiB}\n"),
               Catch::Contains("key 'workloads[0].name': expected text without spaces, got 'two words'"));
}

TEST_CASE("link files are found relative to the experiment and layered with overrides", "[experiment]")
{
    auto doc = ofab::ConfigDocument::Load("experiments/quickstart.yaml");
    doc.ApplyOverride("links.link.fec_latency=5ns");
    const ofab::Experiment x = ofab::LoadExperiment(doc);
    CHECK(x.links.link->GetFecLatency() == ns3::NanoSeconds(5));
    CHECK(x.links.name == "co-packaged optical I/O, 8 lines x 100 Gb/s");
    // Cables default to the link file's fibre length unless the topology says otherwise.
    CHECK(x.graph.GetLink(0).lengthM == 2.0);
}

TEST_CASE("bad experiments name file, line and key", "[experiment]")
{
    CHECK(ErrorOf(kValid) == "no error");
    CHECK_THAT(ErrorOf(kValid + "sead: 3\n"),
               Catch::StartsWith("exp.yaml:5:1: key 'sead': unknown key; did you mean 'seed'?"));
    CHECK_THAT(ErrorOf("topology:\n  kind: ring\n  accelerators: 4\n"), Catch::Contains("key 'duration': missing"));
    CHECK_THAT(ErrorOf("duration: 10\n" + kValid.substr(kValid.find('\n') + 1)),
               Catch::StartsWith("exp.yaml:1:11: key 'duration': expected a time with a unit"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology:\n  kind: toroid\n"),
               Catch::StartsWith("exp.yaml:3:9: key 'topology.kind': expected one of"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology:\n  kind: toroid\n"), Catch::Contains("did you mean 'torus'"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology:\n  kind: torus\n  dims: [4, 1]\n"),
               Catch::Contains("key 'topology.dims': expected a list of whole numbers from 2"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology:\n  kind: torus\n  dims: [4, 4]\n  accelerators: 3\n"),
               Catch::Contains("key 'topology.accelerators': unknown key"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology:\n  kind: switched_pod\n  accelerators: 8\n  switch_radix: 4\n"),
               Catch::Contains("switch radix"));
    CHECK_THAT(ErrorOf(kValid + "seed: -4\n"), Catch::Contains("key 'seed': expected a whole number"));
    CHECK_THAT(ErrorOf(kValid + "workloads:\n  - type: trafic\n"),
               Catch::Contains("key 'workloads[0].type': expected one of traffic, collective, training or chakra, got "
                               "'trafic'; did you mean 'traffic'?"));
    CHECK_THAT(ErrorOf(kValid + "workloads:\n  - type: traffic\n    load: 2\n"),
               Catch::StartsWith("exp.yaml:7:11: key 'workloads[0].load'"));
    CHECK_THAT(ErrorOf(kValid + "workloads:\n  - type: traffic\n    lode: 0.2\n"),
               Catch::Contains("did you mean 'load'"));
    CHECK_THAT(ErrorOf(kValid + "links:\n  file: nowhere.yaml\n"),
               Catch::Contains("key 'links.file': nowhere.yaml: cannot open"));
    CHECK_THAT(ErrorOf(kValid + "links:\n  link:\n    line_rate_gbps: 0\n"),
               Catch::Contains("links.link.line_rate_gbps"));
    CHECK_THAT(ErrorOf(kValid + "protocol:\n  switch:\n    switch_latency: fast\n"),
               Catch::Contains("key 'protocol.switch.switch_latency': expected a time with a unit"));
    CHECK_THAT(ErrorOf(kValid + "outputs:\n  throughput_bin: 0ns\n"), Catch::Contains("outputs.throughput_bin"));
    CHECK_THAT(ErrorOf(kValid + "protocol:\n  endpoint:\n    accelerator_id: 3\n"),
               Catch::Contains("key 'protocol.endpoint.accelerator_id': is set by the fabric"));
}

TEST_CASE("a link class can use its own link, layered on the default", "[experiment]")
{
    const std::string yaml = "duration: 1us\n"
                             "topology: {kind: fat_tree, leaves: 2, spines: 2, hosts_per_leaf: 2}\n"
                             "links:\n"
                             "  file: experiments/links/cpo-8lambda.yaml\n"
                             "  classes:\n"
                             "    uplink:\n"
                             "      file: experiments/links/ext-laser-16lambda.yaml\n"
                             "      link: {fec_latency: 120ns}\n";
    // Link files are relative to the experiment: this one sits at the project root.
    const auto doc = ofab::ConfigDocument::Parse(yaml, "classes.yaml");
    ofab::Experiment x = ofab::LoadExperiment(doc);
    REQUIRE(x.linkClasses.count("uplink") == 1);
    CHECK(x.linkClasses.at("uplink").link->GetLineCount() == 16);
    CHECK(x.linkClasses.at("uplink").link->GetFecLatency() == ns3::NanoSeconds(120));
    CHECK(x.links.link->GetLineCount() == 8);
    ofab::Fabric fabric(x.graph, x.fabric);
    for (const auto& l : fabric.Links())
    {
        const bool uplink = x.graph.GetLink(l.id).linkClass == "uplink";
        CHECK(l.channel->GetLink(0)->GetLineCount() == (uplink ? 16u : 8u));
        CHECK(l.channel->GetLink(0)->GetFecLatency() == ns3::NanoSeconds(uplink ? 120 : 100));
    }
    ns3::Simulator::Destroy();

    CHECK_THAT(ErrorOf(kValid + "links:\n  classes:\n    uplink: {}\n"),
               Catch::Contains(
                   "key 'links.classes.uplink': this topology has no links of class 'uplink'; its classes are ring"));
}

TEST_CASE("controller.policy picks the controller's model, another policy's key is named as such", "[experiment]")
{
    const auto load = [](const std::string& controller) {
        return ofab::LoadExperiment(ofab::ConfigDocument::Parse(kValid + controller, "exp.yaml"));
    };
    const ofab::Experiment hybrid = load("controller: {wait_to_restore: 5us}\n");
    REQUIRE(hybrid.controller.has_value());
    CHECK(hybrid.controller->GetTypeId().GetName() == "ofab::HybridReroute"); // the default policy
    const ofab::Experiment external = load("controller: {policy: external, fallback: local}\n");
    CHECK(external.controller->GetTypeId().GetName() == "ofab::ExternalReroute");
    // The resolved section starts with the policy, then every attribute of that model.
    const YAML::Node r = external.Resolved()["controller"];
    CHECK(r.begin()->first.Scalar() == "policy");
    CHECK(r["policy"].Scalar() == "external");
    CHECK(r["fallback"].Scalar() == "local");
    CHECK(r["wait_to_restore"].Scalar() == "20us");
    CHECK_FALSE(load("controller: {policy: global}\n").Resolved()["controller"]["fallback"].IsDefined());

    CHECK(ErrorOf(kValid + "controller: {policy: global, fallback: local}\n") ==
          "exp.yaml:5:30: key 'controller.fallback': a key of policy external, not of policy global "
          "(`ofab keys controller:external`)");
    CHECK_THAT(ErrorOf(kValid + "controller: {policy: glob}\n"),
               Catch::StartsWith("exp.yaml:5:22: key 'controller.policy': expected one of oracle, local, global, "
                                 "hybrid, external or ocs_rewire, got 'glob'"));
    CHECK_THAT(ErrorOf(kValid + "controller: {policy: local, detection_dlay: 1us}\n"),
               Catch::Contains("key 'controller.detection_dlay': unknown key; did you mean 'detection_delay'?"));
}

TEST_CASE("files named in an experiment are regular text files, and the experiment is text", "[experiment]")
{
    // A directory, /dev/null or /proc/self/mem once read as an empty file (defaults used, exit 0);
    // /dev/zero was read until memory ran out.
    CHECK_THAT(ErrorOf(kValid + "links:\n  file: /tmp\n"),
               Catch::StartsWith("exp.yaml:6:9: key 'links.file': /tmp: is a directory, not a file"));
    for (const char* device : {"/dev/null", "/dev/zero"})
    {
        CHECK_THAT(ErrorOf(kValid + "links:\n  file: " + device + "\n"),
                   Catch::Contains(std::string(device) + ": is not a regular file"));
    }
    CHECK_THAT(ErrorOf(kValid + "links:\n  file: /proc/self/mem\n"), Catch::Contains("cannot be read"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology: {kind: edge_list, file: /dev/zero}\n"),
               Catch::StartsWith("exp.yaml:2:35: key 'topology.file': /dev/zero: is not a regular file"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology: {kind: edge_list, file: ''}\n"),
               Catch::Contains("key 'topology.file': expected the path of an edge-list file, got an empty one"));
    // Not text: said at the byte, never echoed raw (a NUL once read as "unknown escape character").
    CHECK(ErrorOf(kValid + std::string("name: a\0b\n", 10)) ==
          "exp.yaml:5:8: a NUL byte: not a text file (YAML is UTF-8 text)");
    CHECK(ErrorOf(kValid + "name: caf\xe9\n") ==
          "exp.yaml:5:10: a byte that is not UTF-8: not a text file (YAML is UTF-8 text)");
    // A control character from a value is shown, not sent to the terminal.
    CHECK_THAT(ErrorOf("duration: \"\\e[31m5\"\n" + kValid.substr(kValid.find('\n') + 1)),
               Catch::EndsWith("got '\\x1b[31m5'"));
}

TEST_CASE("a fabric too large to build is refused before anything is built", "[experiment]")
{
    // A 1024 x 1024 torus once took a minute and a gigabyte to be refused.
    CHECK(ErrorOf("duration: 1us\ntopology: {kind: torus, dims: [1024, 1024]}\n") ==
          "exp.yaml:2:31: key 'topology.dims': this makes 1025 accelerators; a fabric has at most 1024 (UALink "
          "accelerator ids are 10 bits)");
    CHECK_THAT(ErrorOf("duration: 1us\ntopology: {kind: fat_tree, leaves: 64, spines: 4, hosts_per_leaf: 32}\n"),
               Catch::Contains("key 'topology.hosts_per_leaf': this makes 2048 accelerators"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology: {kind: dragonfly, routers_per_group: 16, accelerators_per_router: "
                       "16, global_links_per_router: 8}\n"),
               Catch::Contains("key 'topology.groups': this makes 33024 accelerators"));
    CHECK_THAT(ErrorOf("duration: 1us\ntopology: {kind: full_mesh, accelerators: 1024, links_per_pair: 2}\n"),
               Catch::Contains("this makes 1047552 links; at most 262144 are built"));
    CHECK(ErrorOf("duration: 1us\ntopology: {kind: torus, dims: [32, 32]}\n") == "no error");
}

TEST_CASE("a stall timeout too short to let the run end is refused", "[experiment]")
{
    // 1 ps once made a 2 us run spin for minutes: the detector looks at every port every timeout / 4.
    CHECK(ErrorOf(kValid + "controller: {policy: local, stall_timeout: 1ps}\n") ==
          "exp.yaml:5:44: key 'controller.stall_timeout': 0 (off) or at least 1us: the detector looks at every port "
          "every StallTimeout / 4, got 0.001ns");
    CHECK(ErrorOf(kValid + "controller: {policy: local, stall_timeout: 0ns}\n") == "no error");
    CHECK(ErrorOf(kValid + "controller: {policy: local, stall_timeout: 1us}\n") == "no error");
}
