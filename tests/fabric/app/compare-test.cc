// ofab compare's pieces: tolerances (relative, absolute, direction), patterns, the index's CSV.

#include "ofab/fabric/app/compare-command.h"
#include "ofab/fabric/app/compare-tolerance.h"
#include "ofab/fabric/app/sweep-index.h"
#include "ofab/fabric/config/config-error.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace ofab;

TEST_CASE("a tolerance allows the larger of its relative and absolute bounds, in the worse direction only", "[compare]")
{
    Tolerance t;
    t.relative = 0.1;
    t.absolute = 5;
    CHECK(t.Allowed(100) == Approx(10));
    CHECK(t.Allowed(20) == Approx(5));
    CHECK_FALSE(t.Regressed(100, 110));
    CHECK(t.Regressed(100, 110.5));
    CHECK(t.Regressed(100, 89));
    t.worse = "lower"; // a rate: only a drop counts
    CHECK_FALSE(t.Regressed(100, 1000));
    CHECK(t.Regressed(100, 89));
    t.worse = "higher"; // a time: only a rise counts
    CHECK_FALSE(t.Regressed(100, 1));
    CHECK(t.Regressed(100, 111));
    // null (NaN) equals only null
    CHECK_FALSE(t.Regressed(std::nan(""), std::nan("")));
    CHECK(t.Regressed(std::nan(""), 7000));
    t.ignore = true;
    CHECK_FALSE(t.Regressed(1, 1e9));
}

TEST_CASE("the built-in tolerances: exact figures, wall time ignored, rates may halve", "[compare]")
{
    const ToleranceTable d = ToleranceTable::Defaults();
    CHECK(d.For("wall_s").ignore);
    CHECK(d.For("events_per_wall_s").worse == "lower");
    CHECK(d.For("events_per_wall_s").Regressed(1e6, 0.49e6));
    CHECK_FALSE(d.For("events_per_wall_s").Regressed(1e6, 0.51e6));
    CHECK(d.For("latency_ns.p99").Regressed(1000, 1000.001));
    CHECK_FALSE(d.For("latency_ns.p99").Regressed(1000, 1000 * (1 + 1e-12)));
    CHECK(MatchPattern("latency_ns.*", "latency_ns.p99"));
    CHECK(MatchPattern("*_per_wall_s", "flit_hops_per_wall_s"));
    CHECK(MatchPattern("a*b*c", "aXbYbZc"));
    CHECK_FALSE(MatchPattern("latency_ns.*", "fault_recovery.0.latency_ns.after.p99"));
}

TEST_CASE("a tolerance file is checked key by key", "[compare]")
{
    const std::string path = "/tmp/ofab-tolerance-test-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(path) << "default: {relative: 0.01}\nmetrics:\n  - {match: \"latency_ns.*\", absolut: 3}\n";
    try
    {
        ToleranceTable::Load(path);
        FAIL("no error");
    }
    catch (const ConfigError& e)
    {
        CHECK_THAT(e.what(),
                   Catch::StartsWith(path + ":3:29: key 'metrics[0].absolut': unknown key; did you mean 'absolute'?"));
    }
    std::ofstream(path)
        << "metrics:\n  - {match: \"latency_ns.*\", absolute: 3, worse: higher}\n  - {match: \"*\", ignore: true}\n";
    const ToleranceTable t = ToleranceTable::Load(path);
    CHECK(t.For("latency_ns.p50").absolute == 3);
    CHECK(t.For("latency_ns.p50").worse == "higher");
    CHECK(t.For("throughput_gbps").ignore); // first match wins
    std::remove(path.c_str());
}

TEST_CASE("the index flattens summaries and reads back cell for cell", "[compare]")
{
    const auto figures = FlattenSummary(
        R"({"seed": 3, "transactions": {"issued": 10, "failed_by_reason": {"LinkDown": 2}}, "name": "x",
            "fault_recovery": [{"t_recover95_ns": null, "loss_convergence_ns": 12.5}], "wall_s": 0.1})");
    REQUIRE(figures.size() == 6);
    CHECK(figures[1].first == "transactions.issued");
    CHECK(figures[2].first == "transactions.failed_by_reason.LinkDown");
    CHECK(figures[3].first == "fault_recovery.0.t_recover95_ns");
    CHECK(std::isnan(figures[3].second));
    CHECK_THROWS_WITH(FlattenSummary("{\"a\": "), Catch::StartsWith("not a JSON summary"));

    const std::string dir = "/tmp/ofab-index-test-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    std::vector<PointRecord> points{
        {"d=a,b,seed=3", "ok", "", {{"d", "a,b"}, {"seed", "3"}}, figures},
        {"d=c,seed=1", "failed", "exit 2: bad \"value\"", {{"d", "c"}, {"seed", "1"}}, {}},
    };
    WriteIndex(dir, {"d", "seed"}, points);
    const CsvTable t = ReadCsv(dir + "/index.csv");
    // The summary's own seed is the seed column already; the rest follow in summary order.
    CHECK(t.columns == std::vector<std::string>{"point", "status", "error", "d", "seed", "transactions.issued",
                                                "transactions.failed_by_reason.LinkDown",
                                                "fault_recovery.0.t_recover95_ns",
                                                "fault_recovery.0.loss_convergence_ns", "wall_s"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][0] == "d=a,b,seed=3");
    CHECK(t.rows[0][3] == "a,b");
    CHECK(t.rows[0][5] == "10");
    CHECK(t.rows[0][7] == "");
    CHECK(t.rows[0][8] == "12.5");
    CHECK(t.rows[0][9] == "0.1");
    CHECK(t.rows[1][2] == "exit 2: bad \"value\"");
    CHECK(t.rows[1][5] == "");
    CHECK(std::filesystem::file_size(dir + "/index.h5") > 0);
    CHECK_FALSE(std::filesystem::exists(dir + "/index.csv.partial"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("wall-clock figures are told apart from simulated ones by name", "[compare]")
{
    CHECK(IsSpeedMetric("wall_s"));
    CHECK(IsSpeedMetric("events_per_wall_s"));
    CHECK(IsSpeedMetric("flit_hops_per_wall_s"));
    CHECK(IsSpeedMetric("variant.wall_s"));
    CHECK_FALSE(IsSpeedMetric("throughput_gbps"));
    CHECK_FALSE(IsSpeedMetric("sim_time_ns"));
    CHECK_FALSE(IsSpeedMetric("firewall_s")); // only a whole word: "wall_s" after '_' or '.'
}

namespace
{

std::string
ReadAll(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("speed figures gate only with --gate-speed, without it a 10x slowdown passes and is reported", "[compare]")
{
    namespace fs = std::filesystem;
    const std::string dir = "/tmp/ofab-compare-speed-test-" + std::to_string(getpid());
    fs::create_directories(dir + "/base");
    fs::create_directories(dir + "/res");
    const std::string header = "point,status,error,transactions.completed,wall_s,events_per_wall_s\n";
    std::ofstream(dir + "/base/index.csv") << header << "seed=1,ok,,1000,0.2,2000000\n";
    std::ofstream(dir + "/res/index.csv") << header << "seed=1,ok,,1000,2.0,200000\n"; // 10x slower
    CompareOptions o;
    o.results = dir + "/res";
    o.baseline = dir + "/base";

    CHECK(RunCompare(o) == 0);
    std::string xml = ReadAll(dir + "/res/compare.xml");
    CHECK_THAT(xml, Catch::Contains("tests=\"4\" failures=\"0\" skipped=\"2\""));
    CHECK_THAT(xml, Catch::Contains("name=\"events_per_wall_s\">\n      <skipped message=\"wall-clock figure, not "
                                    "gated (--gate-speed gates it): baseline 2000000, result 200000 (-90 %), "
                                    "tolerance -0.5 relative: beyond it\"/>"));
    CHECK_THAT(xml, Catch::Contains("name=\"wall_s\">\n      <skipped message=\"wall-clock figure, reported only"));
    std::string md = ReadAll(dir + "/res/compare.md");
    CHECK_THAT(md, Catch::StartsWith("# ofab compare: pass"));
    CHECK_THAT(md,
               Catch::Contains("| seed=1 | events_per_wall_s | 2000000 | 200000 | -90 % | -0.5 relative | **no** |"));

    o.gateSpeed = true;
    CHECK(RunCompare(o) == 1);
    xml = ReadAll(dir + "/res/compare.xml");
    // wall_s stays ignored by the built-in tolerances; the rate fails.
    CHECK_THAT(xml, Catch::Contains("tests=\"3\" failures=\"1\" skipped=\"0\""));
    CHECK_THAT(xml, Catch::Contains("<failure message=\"2000000 -&gt; 200000 (-90 %), tolerance -0.5 relative\">"));
    CHECK_THAT(ReadAll(dir + "/res/compare.md"), Catch::StartsWith("# ofab compare: REGRESSION"));

    // A simulated figure gates either way.
    std::ofstream(dir + "/res/index.csv") << header << "seed=1,ok,,1001,0.2,2000000\n";
    o.gateSpeed = false;
    CHECK(RunCompare(o) == 1);
    fs::remove_all(dir);
}
