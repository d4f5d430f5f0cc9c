// The optical_mesh section: the shipped example planned with the OSNR check, and bad definitions
// refused at file:line:key.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/regional/mesh-config.h"
#include "ofab/fabric/regional/mesh-planner.h"

#include <catch2/catch.hpp>

#include <string>

namespace
{

/// A valid mesh whose lines the error tests replace one at a time. Line numbers matter: each test
/// names the line it broke.
const char* const kMesh = "optical_mesh:\n"                                // 1
                          "  nodes: [A, B, C, D]\n"                        // 2
                          "  routes:\n"                                    // 3
                          "    - {a: A, b: B, length_km: 100, duct: d1}\n" // 4
                          "    - {a: B, b: C, length_km: 200}\n"           // 5
                          "  transceiver: {kind: 400zr}\n"                 // 6
                          "  lightpaths:\n"                                // 7
                          "    - {a: A, b: C, count: 2}\n";                // 8

std::string
Replace(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string
ErrorOf(const std::string& text)
{
    try
    {
        const auto doc = ofab::ConfigDocument::Parse(text, "mesh.yaml");
        ofab::LoadOpticalMesh(doc, doc.Root()["optical_mesh"]);
    }
    catch (const ofab::ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("A valid mesh section loads with its defaults", "[regional]")
{
    const auto doc = ofab::ConfigDocument::Parse(kMesh, "mesh.yaml");
    const ofab::OpticalMeshSpec spec = ofab::LoadOpticalMesh(doc, doc.Root()["optical_mesh"]);
    CHECK(spec.mesh.NumNodes() == 4);
    REQUIRE(spec.mesh.NumRoutes() == 2);
    CHECK(spec.mesh.GetRoute(0).duct == "d1");
    CHECK(spec.mesh.GetRoute(0).wavelengths == 64); // all that fit at 75 GHz
    CHECK(spec.line.amplifierSpacingKm == 80);
    CHECK(spec.transceiver.symbolRateGbaud == Approx(59.84));
    REQUIRE(spec.lightpaths.size() == 2);
    CHECK(spec.lightpaths[1].request.label == "A-C#1");
    CHECK(spec.lightpaths[1].keyPath == "optical_mesh.lightpaths.0");
}

TEST_CASE("Bad mesh definitions are refused at file:line:key", "[regional]")
{
    CHECK_THAT(ErrorOf(Replace(kMesh, "{a: A, b: B, length_km: 100", "{a: A, b: Q, length_km: 100")),
               Catch::StartsWith("mesh.yaml:4:17: key 'optical_mesh.routes.0.b': unknown node 'Q': expected one of A, "
                                 "B, C or D"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "{a: B, b: C,", "{a: B, b: B,")),
               Catch::StartsWith("mesh.yaml:5:17: key 'optical_mesh.routes.1.b': a route from 'B' to itself"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "length_km: 200", "length_km: -200")),
               Catch::StartsWith("mesh.yaml:5:31: key 'optical_mesh.routes.1.length_km': expected a length above 0 km, "
                                 "got '-200'"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "{a: A, b: C, count: 2}", "{a: A, b: E, count: 2}")),
               Catch::StartsWith("mesh.yaml:8:17: key 'optical_mesh.lightpaths.0.b': unknown node 'E'"));
    // D is a node but no route reaches it.
    CHECK_THAT(
        ErrorOf(Replace(kMesh, "{a: A, b: C, count: 2}", "{a: A, b: D, count: 2}")),
        Catch::StartsWith("mesh.yaml:8:17: key 'optical_mesh.lightpaths.0.b': no fibre route joins 'A' and 'D'"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "length_km: 200}", "length_km: 200, wavelengths: 65}")),
               Catch::StartsWith("mesh.yaml:5:49: key 'optical_mesh.routes.1.wavelengths': at most 64 wavelengths of "
                                 "75 GHz fit the C-band (4800 GHz), got 65"));
    // At 150 GHz only 32 fit: the same 40 is fine for 400ZR and refused for 800G.
    const std::string forty = Replace(kMesh, "length_km: 200}", "length_km: 200, wavelengths: 40}");
    CHECK(ErrorOf(forty) == "no error");
    CHECK_THAT(ErrorOf(Replace(forty, "kind: 400zr", "kind: 800g")),
               Catch::Contains("key 'optical_mesh.routes.1.wavelengths': at most 32 wavelengths of 150 GHz"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "nodes: [A, B, C, D]", "nodes: [A, B, C, B]")),
               Catch::StartsWith("mesh.yaml:2:20: key 'optical_mesh.nodes.3': node 'B' is listed twice"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "duct: d1", "dukt: d1")),
               Catch::StartsWith("mesh.yaml:4:36: key 'optical_mesh.routes.0.dukt'") &&
                   Catch::Contains("did you mean 'duct'"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "kind: 400zr", "kind: 1600g")),
               Catch::StartsWith("mesh.yaml:6:23: key 'optical_mesh.transceiver.kind': expected one of 400zr, 800g or "
                                 "200g_qpsk"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "kind: 400zr", "kind: 400zr, slot_width_ghz: 50")),
               Catch::StartsWith("mesh.yaml:6:46: key 'optical_mesh.transceiver.slot_width_ghz': expected a slot at "
                                 "least the symbol rate wide"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "count: 2", "count: 2, capacity_gbps: 800")),
               Catch::Contains("key 'optical_mesh.lightpaths.0.capacity_gbps': give count or capacity_gbps"));
    CHECK_THAT(ErrorOf(Replace(kMesh, "    - {a: A, b: B, length_km: 100, duct: d1}\n", "    - {a: A, b: B}\n")),
               Catch::StartsWith("mesh.yaml:4:7: key 'optical_mesh.routes.0.length_km': missing"));
}

TEST_CASE("The four-node example: lightpaths routed with the OSNR check, one too long to close", "[regional]")
{
    const auto doc = ofab::ConfigDocument::Load("experiments/meshes/four-node.yaml");
    const ofab::MeshPlanner planner(ofab::LoadOpticalMesh(doc, doc.Root()["optical_mesh"]));
    const auto rows = planner.Report();
    REQUIRE(rows.size() == 6); // west-central x2, west-east x2 (1600 Gb/s at 800G), west-south, east-south
    CHECK(rows[0].working.path == "west-central");
    CHECK(rows[0].working.wavelength == 0u);
    CHECK(rows[1].working.wavelength == 1u);
    CHECK(rows[2].label == "west-east#0");
    CHECK(rows[2].working.path == "west-central-east");
    CHECK(rows[2].working.wavelength == 2u); // 0 and 1 are taken on west-central: continuity
    CHECK(rows[2].working.budget.spans == 6);
    CHECK(rows[2].working.budget.osnrDb == Approx(29.51).margin(0.01));
    CHECK(rows[2].working.budget.closes);
    CHECK(rows[2].working.budget.latencyMs == Approx(450 * 4.8967e-3).epsilon(1e-4));
    CHECK(rows[4].label == "west-south#0");
    CHECK(rows[4].working.path == "west-south");
    REQUIRE(rows[4].protection);
    CHECK(rows[4].protection->path == "west-central-south");
    CHECK(rows[4].protectionState == "standby");
    // East-south: 700 km over central, 9 spans, 27.67 dB against the 28.07 dB 800G needs.
    CHECK_FALSE(rows[5].up);
    CHECK(rows[5].state == "OSNR does not close");
    CHECK(rows[5].working.path == "east-central-south");
    CHECK(rows[5].working.budget.marginDb == Approx(-0.40).margin(0.01));
    CHECK_FALSE(rows[5].working.wavelength);
    CHECK(planner.CapacityGbps(5) == 0);
    CHECK(planner.CapacityGbps(2) == 800);
}

TEST_CASE("A cut of the central-exit duct downs the lightpaths over it, and protection holds", "[regional]")
{
    const auto doc = ofab::ConfigDocument::Load("experiments/meshes/four-node.yaml");
    ofab::MeshPlanner planner(ofab::LoadOpticalMesh(doc, doc.Root()["optical_mesh"]));
    const auto cut = planner.Plan().FailDuct("central-exit");
    CHECK(cut.routes == std::vector<uint32_t>{1, 2});
    CHECK(cut.down == std::vector<uint32_t>{2, 3});        // west-east over central-east
    CHECK(cut.protectionLost == std::vector<uint32_t>{4}); // west-south's standby ran central-south
    const auto outcomes = planner.Plan().Restore();
    REQUIRE(outcomes.size() == 3);                               // east-south too: it was never up
    CHECK(outcomes[0].reason == ofab::topo::DownReason::NoPath); // east hangs off central-east alone
    CHECK(outcomes[2].reason == ofab::topo::DownReason::NoPath);
}
