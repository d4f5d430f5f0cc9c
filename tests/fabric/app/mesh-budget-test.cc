// `ofab link-budget` on a mesh file: the shipped four-node example as a table and as JSON, and a bad
// mesh refused with one line naming file:line:key.

#include "run-test-util.h"

#include <catch2/catch.hpp>

using namespace ofab::runtest;

TEST_CASE("link-budget prints every lightpath of the four-node mesh", "[cli][mesh]")
{
    std::string out;
    std::string err;
    REQUIRE(RunOut("link-budget experiments/meshes/four-node.yaml", &out, &err) == 0);
    INFO(out << err);
    CHECK(err.empty());
    CHECK_THAT(out, Catch::Contains("Lightpath budget: four-node (experiments/meshes/four-node.yaml)"));
    CHECK_THAT(out, Catch::Contains("needs OSNR 28.07 dB"));
    // west-east#0: 450 km, 6 spans, wavelength 2, 29.51 dB, margin +1.44 dB, 2.204 ms one way.
    CHECK_THAT(out, Catch::Contains("west-east#0     west-central-east        450      6     2    29.51"));
    CHECK_THAT(out, Catch::Contains("8.45e-03      +1.44     yes       2.204  up"));
    // east-south#0 does not close: no wavelength, margin -0.40 dB.
    CHECK_THAT(out, Catch::Contains("east-south#0    east-central-south       700      9     -    27.67"));
    CHECK_THAT(out, Catch::Contains("2.43e-02      -0.40      no       3.428  OSNR does not close"));
    CHECK_THAT(out, Catch::Contains("lightpaths    5 of 6 up, 4000 Gb/s"));
    CHECK_THAT(out, Catch::Contains("shared risk   duct central-exit: west-east#0, west-east#1, west-south#0"));
}

TEST_CASE("link-budget --json on a mesh has the same figures", "[cli][mesh]")
{
    std::string out;
    std::string err;
    REQUIRE(
        RunOut("link-budget experiments/meshes/four-node.yaml --json --set optical_mesh.transceiver.launch_power_dbm=2",
               &out, &err) == 0);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["transceiver"]["kind"] == "800g");
    CHECK(j["transceiver"]["required_osnr_db"].get<double>() == Approx(28.068).margin(0.001));
    REQUIRE(j["lightpaths"].size() == 6);
    const auto& far = j["lightpaths"][5];
    CHECK(far["label"] == "east-south#0");
    // 2 dB more launch power: 27.67 + 2 dB, and now it closes (on wavelength 0 of both routes).
    CHECK(far["up"] == true);
    CHECK(far["working"]["osnr_db"].get<double>() == Approx(29.67).margin(0.01));
    CHECK(far["working"]["wavelength"] == 0);
    CHECK(j["lightpaths"][4]["protection"]["path"] == "west-central-south");
}

TEST_CASE("link-budget refuses a bad mesh with file:line:key", "[cli][mesh]")
{
    const std::string file = Scratch("bad-mesh.yaml");
    std::ofstream(file) << "optical_mesh:\n  nodes: [A, B]\n  routes:\n    - {a: A, b: C, length_km: 10}\n";
    std::string out;
    std::string err;
    CHECK(RunOut("link-budget " + file, &out, &err) == 2);
    CHECK_THAT(err, Catch::Contains(file + ":4:17: key 'optical_mesh.routes.0.b': unknown node 'C'"));
    std::remove(file.c_str());
}
