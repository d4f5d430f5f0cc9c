// Sweep files: axes expanded into points with the right names and overrides; bad input named by line.

#include "ofab/fabric/experiment/sweep-spec.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

using namespace ofab;

namespace
{

/// A sweep file beside the test's base experiment (so `base: ring4.yaml` resolves).
std::string
WriteSweep(const std::string& name, const std::string& text)
{
    const std::string path = "tests/fabric/app/data/tmp-" + std::to_string(getpid()) + "-" + name + ".yaml";
    std::ofstream(path) << text;
    return path;
}

SweepSpec
Load(const std::string& name, const std::string& text)
{
    const std::string path = WriteSweep(name, text);
    struct Remove
    {
        std::string p;
        ~Remove() { std::remove(p.c_str()); }
    } remove{path};
    return LoadSweep(ConfigDocument::Load(path));
}

/// The ConfigError message a sweep file gives, with its check against the experiment.
std::string
ErrorOf(const std::string& name, const std::string& text)
{
    const std::string path = WriteSweep(name, text);
    struct Remove
    {
        std::string p;
        ~Remove() { std::remove(p.c_str()); }
    } remove{path};
    try
    {
        const SweepSpec spec = LoadSweep(ConfigDocument::Load(path));
        CheckSweepPoints(spec, {});
    }
    catch (const ConfigError& e)
    {
        return std::string(e.what()).substr(path.size()); // ":line:col: key ...": the file is the sweep
    }
    return "no error";
}

} // namespace

TEST_CASE("a grid of two axes and seeds expands to the cartesian product, seeds fastest", "[sweep]")
{
    const SweepSpec spec = LoadSweep(ConfigDocument::Load("tests/fabric/app/data/ring4-sweep.yaml"));
    REQUIRE(spec.name == "ring4-grid");
    REQUIRE(spec.ParameterNames() == std::vector<std::string>{"load", "length", "seed"});
    const auto points = spec.Points();
    REQUIRE(points.size() == 8);
    CHECK(points[0].name == "load=0.1,length=2,seed=1");
    CHECK(points[1].name == "load=0.1,length=2,seed=2");
    CHECK(points[2].name == "load=0.1,length=20,seed=1");
    CHECK(points[7].name == "load=0.3,length=20,seed=2");
    CHECK(points[7].seed == 2);
    CHECK(points[7].overrides ==
          std::vector<std::string>{"duration=2us", "workloads.0.load=0.3", "topology.link_length_m=20"});
    CHECK_NOTHROW(CheckSweepPoints(spec, {}));
}

TEST_CASE("zipped keys vary together and sections need labels", "[sweep]")
{
    const SweepSpec spec = Load("zip", R"(
base: ring4.yaml
axes:
  - name: design
    labels: [ring, mesh]
    zip:
      topology: [{kind: ring, accelerators: 4}, {kind: full_mesh, accelerators: 4}]
      faults.events.0.between: [[0, 1], [0, 2]]
repetitions: 2
)");
    const auto points = spec.Points();
    REQUIRE(points.size() == 4);
    CHECK(points[2].name == "design=mesh,seed=1");
    CHECK(points[2].overrides ==
          std::vector<std::string>{"topology={kind: full_mesh, accelerators: 4}", "faults.events.0.between=[0, 2]"});
    CHECK_NOTHROW(CheckSweepPoints(spec, {}));

    // Without labels, a list value is named by its items and a section cannot be named.
    const SweepSpec dims = Load("dims", "base: ring4.yaml\naxes:\n  - {key: workloads.0.bytes, values: [64, 128]}\n");
    CHECK(dims.Points()[1].name == "bytes=128");
    CHECK(dims.seeds.empty());
    CHECK(dims.Points()[1].seed == 0);
}

TEST_CASE("bad sweep files name the sweep file's line and key", "[sweep]")
{
    // An unknown experiment key: found by loading the base with the override, reported at the axis.
    CHECK_THAT(ErrorOf("unknown", "base: ring4.yaml\naxes:\n  - {key: workloads.0.lod, values: [0.1]}\n"),
               Catch::StartsWith(
                   ":3:11: key 'axes[0].key': in point lod=0.1: 'workloads[0].lod' unknown key; did you mean 'load'?"));
    CHECK_THAT(
        ErrorOf("unknown-top", "base: ring4.yaml\naxes:\n  - {key: controler.policy, values: [oracle]}\n"),
        Catch::Contains(
            ":3:11: key 'axes[0].key': in point policy=oracle: 'controler' unknown key; did you mean 'controller'?"));
    CHECK_THAT(ErrorOf("empty", "base: ring4.yaml\naxes:\n  - {key: workloads.0.load, values: []}\n"),
               Catch::StartsWith(":3:37: key 'axes[0].values': empty axis: give at least one value"));
    CHECK_THAT(ErrorOf("index", "base: ring4.yaml\naxes:\n  - {key: workloads.3.load, values: [0.1]}\n"),
               Catch::Contains("key 'axes[0].key': in point load=0.1: 'workloads' is a list of 1 items"));
    CHECK_THAT(ErrorOf("range", "base: ring4.yaml\naxes:\n  - {key: workloads.0.load, values: [0.1, -1]}\n"),
               Catch::StartsWith(":3:11: key 'axes[0].key': in point load=-1:"));
    CHECK_THAT(
        ErrorOf("zip-length", "base: ring4.yaml\naxes:\n  - name: d\n    zip: {duration: [1us, 2us], seed: [1]}\n"),
        Catch::Contains("key 'axes[0].zip.seed': has 1 values but 'duration' has 2"));
    CHECK_THAT(
        ErrorOf("section", "base: ring4.yaml\naxes:\n  - {key: topology, values: [{kind: ring, accelerators: 5}]}\n"),
        Catch::Contains("is a section: give the axis `labels:`"));
    CHECK_THAT(ErrorOf("reserved", "base: ring4.yaml\naxes:\n  - {key: outputs.trace, values: [a.h5]}\n"),
               Catch::Contains("is set by the sweep"));
    CHECK_THAT(ErrorOf("nothing", "base: ring4.yaml\n"), Catch::Contains("nothing to sweep"));
    CHECK_THAT(ErrorOf("base", "base: nowhere.yaml\nseeds: [1]\n"), Catch::Contains("key 'base': no experiment file"));
    CHECK_THAT(ErrorOf("seed0", "base: ring4.yaml\nseeds: [1, 0]\n"),
               Catch::StartsWith(":2:12: key 'seeds': expected a whole number"));
    CHECK_THAT(ErrorOf("typo", "base: ring4.yaml\nseds: [1]\n"), Catch::Contains("did you mean 'seeds'?"));
    CHECK_THAT(
        ErrorOf("dup", "base: ring4.yaml\naxes:\n  - {key: a.load, values: [1]}\n  - {key: b.load, values: [2]}\n"),
        Catch::Contains("axis name 'load' is used twice"));
    // A value the experiment accepts structurally but refuses inside a zipped section: the section's key.
    CHECK_THAT(ErrorOf("inner", "base: ring4.yaml\naxes:\n  - name: t\n    labels: [x]\n    zip: {topology: [{kind: "
                                "ring, acelerators: 4}]}\n"),
               Catch::Contains("key 'axes[0].zip.topology': in point t=x:"));
}
