// Experiment variants: parsed from `variants:`, checked with their key, named outputs, and run one
// after the other by `ofab run` with a combined summary.
#include "ofab/fabric/config/config-error.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/experiment/variants.h"

#include <catch2/catch.hpp>

#include <string>

using namespace ofab;

namespace
{

std::string
ErrorOf(const std::string& yaml)
{
    try
    {
        ReadVariants(ConfigDocument::Parse(yaml, "v.yaml"));
    }
    catch (const ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("variants become override lists, in file order", "[variants]")
{
    const auto doc = ConfigDocument::Parse("duration: 1us\n"
                                           "variants:\n"
                                           "  - {name: a, set: {controller.policy: local}}\n"
                                           "  - name: pod_b\n"
                                           "    set: {topology: {kind: switched_pod, accelerators: 4}, seed: 3}\n",
                                           "v.yaml");
    const auto v = ReadVariants(doc);
    REQUIRE(v.size() == 2);
    CHECK(v[0].name == "a");
    CHECK(v[0].overrides == std::vector<std::string>{"controller.policy=local"});
    CHECK(v[1].name == "pod_b");
    REQUIRE(v[1].overrides.size() == 2);
    CHECK(v[1].overrides[0] == "topology={kind: switched_pod, accelerators: 4}");
    CHECK(v[1].overrides[1] == "seed=3");
    CHECK(ReadVariants(ConfigDocument::Parse("duration: 1us\n", "v.yaml")).empty());
}

TEST_CASE("a variant's value that the experiment refuses is named at its line in the file", "[variants]")
{
    // Errors inside `variants:` were once reported as `--set ...`, without file or line.
    auto doc = ConfigDocument::Parse("duration: 1us\n"
                                     "topology: {kind: ring, accelerators: 4}\n"
                                     "variants:\n"
                                     "  - {name: a, set: {controller.policy: lcoal}}\n",
                                     "v.yaml");
    const auto v = ReadVariants(doc);
    REQUIRE(v.size() == 1);
    REQUIRE(v[0].origins.size() == 1);
    CHECK(v[0].origins[0].ToString() == "v.yaml:4:21");
    doc.ApplyOverride(v[0].overrides[0], v[0].origins[0]);
    try
    {
        LoadExperiment(doc);
        FAIL("the variant's policy was taken");
    }
    catch (const ConfigError& e)
    {
        CHECK_THAT(e.what(), Catch::StartsWith("v.yaml:4:21: key 'controller.policy': expected one of oracle, local"));
        CHECK_THAT(e.what(), Catch::Contains("did you mean 'local'?"));
    }
}

TEST_CASE("bad variants name the line and key", "[variants]")
{
    CHECK_THAT(ErrorOf("variants: []\n"), Catch::StartsWith("v.yaml:1:11: key 'variants': expected a non-empty list"));
    CHECK_THAT(ErrorOf("variants:\n  - {name: a b, set: {seed: 1}}\n"),
               Catch::StartsWith("v.yaml:2:12: key 'variants[0].name': expected a name of letters"));
    CHECK_THAT(ErrorOf("variants:\n  - {name: a, set: {seed: 1}}\n  - {name: a, set: {seed: 2}}\n"),
               Catch::Contains("key 'variants[1].name': variant 'a' appears twice"));
    CHECK_THAT(ErrorOf("variants:\n  - {name: a, sett: {seed: 1}}\n"), Catch::Contains("did you mean 'set'?"));
    CHECK_THAT(ErrorOf("variants:\n  - {name: a, set: 3}\n"),
               Catch::Contains("key 'variants[0].set': expected a mapping"));
}

TEST_CASE("a variant's outputs carry its name before the extension", "[variants]")
{
    CHECK(VariantPath("out/cut.h5", "torus-local") == "out/cut-torus-local.h5");
    CHECK(VariantPath("cut.json", "a") == "cut-a.json");
    CHECK(VariantPath("", "a").empty());
    CHECK(VariantPath("out/cut.h5", "") == "out/cut.h5");
}
