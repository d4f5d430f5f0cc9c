// `ofab run` end to end: conservation, a complete trace, determinism, clean failures.

#include "app/run-test-util.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace ofab::runtest;

TEST_CASE("a run accounts for every transaction and leaves a complete trace", "[run]")
{
    const std::string trace = Scratch("ring4.h5");
    const std::string json = Scratch("ring4.json");
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q -o " + trace + " --summary-json " + json) == 0);
    const auto j = ReadJson(json);
    const auto& t = j["transactions"];
    CHECK(t["issued"].get<uint64_t>() > 1000);
    CHECK(t["issued"].get<uint64_t>() ==
          t["completed"].get<uint64_t>() + t["failed"].get<uint64_t>() + t["in_flight"].get<uint64_t>());
    CHECK(t["failed"].get<uint64_t>() == 0);
    CHECK(j["latency_ns"]["p50"].get<double>() > 0);
    CHECK(j["latency_ns"]["p50"].get<double>() <= j["latency_ns"]["p99"].get<double>());
    CHECK(j["sim_time_ns"].get<double>() == Approx(5000));
    CHECK(Status(trace) == "complete");
    // One trace row per issued transaction (ended or still in flight).
    CHECK(Rows(trace, "transactions") == t["issued"].get<uint64_t>());
    CHECK(Rows(trace, "links/throughput") == 50); // 5 us in 100 ns bins
    std::remove(trace.c_str());
    std::remove(json.c_str());
}

TEST_CASE("the same config and seed give bit-identical datasets, another seed does not", "[run][determinism]")
{
    const std::string a = Scratch("a.h5"), b = Scratch("b.h5"), c = Scratch("c.h5");
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q -o " + a) == 0);
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q -o " + b) == 0);
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q --seed 8 -o " + c) == 0);
    for (const char* name : {"transactions", "links/throughput", "links/state", "topology/links"})
    {
        INFO(name);
        CHECK(DatasetBytes(a, name) == DatasetBytes(b, name));
    }
    CHECK(DatasetBytes(a, "transactions") != DatasetBytes(c, "transactions"));
    for (const auto& p : {a, b, c, Scratch("a.json"), Scratch("b.json"), Scratch("c.json")})
    {
        std::remove(p.c_str());
    }
}

TEST_CASE("bad input stops the run before any trace exists", "[run]")
{
    const std::string trace = Scratch("never.h5");
    std::string err;
    CHECK(Run("run tests/fabric/app/data/ring4-run.yaml -q -o " + trace + " --set workloads.0.load=3", &err) == 2);
    CHECK(Run("run tests/fabric/app/data/ring4-run.yaml -q -o " + trace + " --set topology.kind=cube", &err) == 2);
    CHECK_THAT(err, Catch::StartsWith("ofab: error: --set topology.kind=cube: key 'topology.kind': expected one of"));
    CHECK(access(trace.c_str(), F_OK) != 0);
    CHECK(Run("run tests/fabric/app/data/ring4-run.yaml -q -o /proc/ofab-no-such-dir/t.h5", &err) == 1);
    CHECK_THAT(err, Catch::Contains("cannot write the trace file /proc/ofab-no-such-dir/t.h5"));
}

TEST_CASE("an interrupted run leaves a trace marked incomplete: Ctrl-C, SIGTERM, SIGHUP", "[run]")
{
    // SIGTERM is what timeout, Slurm's time limit, scancel, systemd and container runtimes send.
    for (const char* signal : {"INT", "TERM", "HUP"})
    {
        INFO("SIG" << signal);
        const std::string trace = Scratch(std::string("interrupted-") + signal + ".h5");
        // 100 ms of simulated time takes far longer than the second before the signal, on any machine.
        const int code = Run("run tests/fabric/app/data/ring4-run.yaml -q --set duration=100ms -o " + trace +
                             " & pid=$!; sleep 1; kill -" + signal + " $pid; wait $pid; exit $?");
        CHECK(code == 130);
        CHECK_THAT(Status(trace), Catch::StartsWith(std::string("incomplete: interrupted (SIG") + signal + ")"));
        std::remove(trace.c_str());
    }
}

TEST_CASE("every experiment that ships loads, every variant included", "[run]")
{
    // Sweep files (a `base:` key) are checked by the sweeps suite; link files live in links/.
    int checked = 0;
    for (const char* dir : {"experiments", "experiments/bench"})
    {
        for (const auto& entry : std::filesystem::directory_iterator(dir))
        {
            if (entry.path().extension() != ".yaml")
            {
                continue;
            }
            const std::string path = entry.path().string();
            std::ifstream in(path);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (text.find("\nbase:") != std::string::npos)
            {
                continue;
            }
            std::string err;
            INFO(path);
            CHECK(Run("run " + path + " --dry-run -q > /dev/null", &err) == 0);
            CHECK(err.empty());
            ++checked;
        }
    }
    CHECK(checked >= 8);
}

TEST_CASE("a file with variants runs each one, names their outputs and compares them", "[run][variants]")
{
    const std::string json = Scratch("variants.json");
    std::string err;
    REQUIRE(Run("run tests/fabric/app/data/ring4-variants.yaml -q --summary-json " + json + " -o " + Scratch("v.h5"),
                &err) == 0);
    const auto all = ReadJson(json);
    REQUIRE(all["variants"].size() == 2);
    CHECK(all["experiment"] == "ring4-variants");
    CHECK(all["variants"][0]["variant"] == "oracle");
    CHECK(all["variants"][1]["variant"] == "local");
    CHECK(all["variants"][0]["fault_recovery"][0]["t_reroute_ns"].get<double>() == 0);
    CHECK(all["variants"][1]["fault_recovery"][0]["t_detect_ns"].get<double>() == 300);
    // Each variant's own summary and trace, named after it.
    CHECK(ReadJson(Scratch("variants-local.json"))["controller"]["policy"] == "local");
    CHECK(Status(Scratch("v-oracle.h5")) == "complete");
    CHECK(Status(Scratch("v-local.h5")) == "complete");

    CHECK(Run("run tests/fabric/app/data/ring4-variants.yaml -q --variant lcoal", &err) == 2);
    CHECK_THAT(err, Catch::Contains("no variant 'lcoal' (did you mean 'local'?)"));
    CHECK(Run("run tests/fabric/app/data/ring4-run.yaml -q --variant local", &err) == 2);
    CHECK_THAT(err, Catch::Contains("the file has no variants"));
    for (const char* f : {"variants.json", "variants-oracle.json", "variants-local.json", "v-oracle.h5", "v-local.h5"})
    {
        std::remove(Scratch(f).c_str());
    }
}

TEST_CASE("the quick start runs as the README says: the all-reduce completes, the cut heals, the trace is whole",
          "[run]")
{
    const std::string trace = Scratch("quickstart.h5");
    const std::string json = Scratch("quickstart.json");
    REQUIRE(Run("run experiments/quickstart.yaml -q -o " + trace + " --summary-json " + json) == 0);
    const auto j = ReadJson(json);
    REQUIRE(j["collectives"].size() == 1);
    CHECK(j["collectives"][0]["status"] == "completed");
    CHECK(j["collectives"][0]["busbw_gbps"].get<double>() > 0);
    CHECK(j["accelerators"].get<uint64_t>() == 16);
    // The cut at 60 us: seen after the 500 ns detection delay, rerouted 100 ns later (hybrid's local
    // switch-over), the central install 19 us after that; what failed meanwhile failed with a reason.
    REQUIRE(j["fault_recovery"].size() == 1);
    const auto& cut = j["fault_recovery"][0];
    CHECK(cut["time_ns"].get<double>() == 60000);
    CHECK(cut["t_detect_ns"].get<double>() == 500);
    CHECK(cut["t_reroute_ns"].get<double>() == 600);
    CHECK(cut["t_optimised_ns"].get<double>() == 19500);
    CHECK(cut["t_recover95_ns"].get<double>() < 5000);
    CHECK(cut["t_recover95_ns"].get<double>() >= 600); // never before the forwarding state is whole
    CHECK(cut["t_settled_ns"] == cut["t_recover95_ns"]);
    CHECK(cut["degraded_to"].is_null());
    CHECK(cut["recovery_hold_ns"].get<double>() >= 2000); // the file's recovery_window
    CHECK(j["controller"]["policy"] == "hybrid");
    CHECK(j["controller"]["stalls"].get<uint64_t>() == 0);
    const auto& t = j["transactions"];
    CHECK(t["issued"].get<uint64_t>() ==
          t["completed"].get<uint64_t>() + t["failed"].get<uint64_t>() + t["in_flight"].get<uint64_t>());
    for (const auto& [reason, n] : t["failed_by_reason"].items())
    {
        CHECK((reason == "LinkDown" || reason == "CompletionTimeout"));
    }
    CHECK(Status(trace) == "complete");
    std::remove(trace.c_str());
    std::remove(json.c_str());
}
