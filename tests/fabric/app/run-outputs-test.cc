// `ofab run`'s outputs and messages: -o moves the summary, another experiment's results are not
// replaced, warnings for runs that would surprise, collectives that did not finish, transaction ids.

#include "app/run-test-util.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ofab::runtest;

TEST_CASE("a trace moved with -o takes the summary beside it unless --summary-json names it, variants too",
          "[run][outputs]")
{
    // The file's own summary (as quickstart.yaml has one) must not be written over by a run moved with -o.
    const std::string own = Scratch("own-summary.json");
    const std::string setOwn = " --set outputs.summary_json=" + own;
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q" + setOwn + " --set duration=1us -o " +
                Scratch("t88.h5")) == 0);
    CHECK(access(own.c_str(), F_OK) != 0);
    const auto j = ReadJson(Scratch("t88.json"));
    CHECK(j["experiment"] == "ring4");
    CHECK(j["trace"] == Scratch("t88.h5"));
    CHECK(j["sim_time_ns"].get<double>() == 1000);
    CHECK(Status(Scratch("t88.h5")) == "complete");

    // --summary-json still says where the summary goes.
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q" + setOwn + " --set duration=1us -o " + Scratch("t2.h5") +
                " --summary-json " + Scratch("elsewhere.json")) == 0);
    CHECK(ReadJson(Scratch("elsewhere.json"))["trace"] == Scratch("t2.h5"));
    CHECK(access(Scratch("t2.json").c_str(), F_OK) != 0);
    CHECK(access(own.c_str(), F_OK) != 0);
    // Without -o the file's own outputs apply.
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q" + setOwn + " --set duration=1us") == 0);
    CHECK(ReadJson(own)["sim_time_ns"].get<double>() == 1000);

    // Variants: the combined summary beside the trace, each variant's named after it.
    REQUIRE(Run("run tests/fabric/app/data/ring4-variants.yaml -q --set duration=3us -o " + Scratch("vo.h5")) == 0);
    CHECK(ReadJson(Scratch("vo.json"))["variants"].size() == 2);
    CHECK(ReadJson(Scratch("vo-oracle.json"))["trace"] == Scratch("vo-oracle.h5"));
    CHECK(ReadJson(Scratch("vo-local.json"))["variant"] == "local");
    CHECK(Status(Scratch("vo-local.h5")) == "complete");
    for (const char* f : {"own-summary.json", "t88.h5", "t88.json", "t2.h5", "elsewhere.json", "vo.json",
                          "vo-oracle.json", "vo-local.json", "vo-oracle.h5", "vo-local.h5"})
    {
        std::remove(Scratch(f).c_str());
    }
}

TEST_CASE("a run refuses to replace another experiment's trace or summary unless --force", "[run][outputs]")
{
    const std::string trace = Scratch("mine.h5");
    const std::string json = Scratch("mine.json");
    const std::string ring = "run tests/fabric/app/data/ring4-run.yaml -q --set duration=1us ";
    REQUIRE(Run(ring + "-o " + trace) == 0);
    const auto before = ReadJson(json);
    REQUIRE(before["experiment"] == "ring4");
    const auto mtime = std::filesystem::last_write_time(trace);
    // The same experiment may run again into its own files.
    REQUIRE(Run(ring + "--seed 3 -o " + trace) == 0);
    CHECK(ReadJson(json)["seed"] == 3);

    // Another experiment (here: renamed) is refused before anything is written, naming the option.
    std::string err;
    CHECK(Run(ring + "--set name=other -o " + trace, &err) == 2);
    CHECK(err == "ofab: error: -o " + trace + ": key 'outputs.trace': " + trace +
                     " holds the results of experiment 'ring4', not 'other': refusing to replace it; choose another "
                     "path, remove the file, or pass --force\n");
    CHECK(ReadJson(json)["experiment"] == "ring4");
    CHECK(Status(trace) == "complete");
    // Its summary alone is checked too (a new trace path, the old summary).
    CHECK(Run(ring + "--set name=other -o " + Scratch("new.h5") + " --summary-json " + json, &err) == 2);
    CHECK_THAT(err, Catch::StartsWith("ofab: error: --summary-json " + json + ": key 'outputs.summary_json': " + json +
                                      " holds the results of experiment 'ring4', not 'other'"));
    CHECK(access(Scratch("new.h5").c_str(), F_OK) != 0);
    // A file that is not an ofab output at all is not replaced either.
    const std::string notes = Scratch("notes.json");
    std::ofstream(notes) << "my notes\n";
    CHECK(Run(ring + "-o " + Scratch("n.h5") + " --summary-json " + notes, &err) == 2);
    CHECK_THAT(err, Catch::Contains(notes + " exists and is not an ofab summary (not a JSON file): refusing"));
    CHECK(access(Scratch("n.h5").c_str(), F_OK) != 0);

    // --force replaces them.
    REQUIRE(Run(ring + "--set name=other --force -o " + trace) == 0);
    CHECK(ReadJson(json)["experiment"] == "other");
    CHECK(std::filesystem::last_write_time(trace) >= mtime);
    for (const auto& f : {trace, json, notes})
    {
        std::remove(f.c_str());
    }
}

TEST_CASE("an experiment without workloads runs, with a warning that nothing will be issued", "[run][warnings]")
{
    std::string out;
    std::string err;
    const std::string json = Scratch("idle.json");
    REQUIRE(RunOut("run tests/fabric/app/data/ring4-run.yaml --set 'workloads=[]' --summary-json " + json, &out,
                   &err) == 0);
    CHECK(err == "ofab: warning: tests/fabric/app/data/ring4-run.yaml: no workloads: nothing will be issued (the run "
                 "goes on)\n");
    CHECK(ReadJson(json)["transactions"]["issued"] == 0);
    CHECK_THAT(out, Catch::Contains("issued 0  completed 0"));
    // A run with workloads says nothing of the kind.
    REQUIRE(RunOut("run tests/fabric/app/data/ring4-run.yaml -q --set duration=1us --summary-json " + json, &out,
                   &err) == 0);
    CHECK(err.empty());
    std::remove(json.c_str());
}

TEST_CASE("a fault at or after the end of the run is named by file, line and key in a warning", "[run][warnings]")
{
    const std::string yaml = Scratch("late-fault.yaml");
    std::ofstream(yaml)
        << "name: late-fault\nduration: 3us\ntopology: {kind: ring, accelerators: 4}\n"
        << "links: {file: " << std::filesystem::absolute("experiments/links/cpo-8lambda.yaml").string()
        << "}\nworkloads:\n  - {type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.1}\n"
        << "faults:\n  events:\n    - {at: 1us, kind: fibre_cut, link: 0, repair_at: 5us}\n"
        << "    - {at: 3us, kind: fibre_cut, link: 1}\n    - {at: 7us, kind: fibre_cut, link: 2}\n";
    std::string out;
    std::string err;
    REQUIRE(RunOut("run " + yaml + " -q", &out, &err) == 0);
    // The fault at the end (3 us) and the one after it (7 us); not the one at 1 us, nor its late repair.
    CHECK(err == "ofab: warning: " + yaml +
                     ":10:7: key 'faults.events[1].at': a fault at 3us, at or after the end of the run (duration "
                     "3us): it never happens\n"
                     "ofab: warning: " +
                     yaml +
                     ":11:7: key 'faults.events[2].at': a fault at 7us, at or after the end of the run (duration "
                     "3us): it never happens\n");
    std::remove(yaml.c_str());
}

TEST_CASE("a collective unfinished at the end has no time or bandwidth: null in the JSON, UNFINISHED in the table",
          "[run][collective]")
{
    const std::string json = Scratch("unfinished.json");
    std::string out;
    std::string err;
    REQUIRE(RunOut("run tests/fabric/app/data/ring4-run.yaml --summary-json " + json +
                       " --set 'workloads=[{type: collective, algorithm: ring_allreduce, bytes: 1MiB, start: 1us}]'",
                   &out, &err) == 0);
    const auto c = ReadJson(json)["collectives"];
    REQUIRE(c.size() == 1);
    CHECK(c[0]["status"] == "unfinished");
    CHECK(c[0]["start_ns"].get<double>() == 1000);
    CHECK(c[0]["time_ns"].is_null());
    CHECK(c[0]["algbw_gbps"].is_null());
    CHECK(c[0]["busbw_gbps"].is_null());
    CHECK_THAT(out, Catch::Contains("#0: UNFINISHED: still running at the end of the run (started at 1000.0 ns), no "
                                    "time or bandwidth"));
    CHECK_THAT(out, !Catch::Contains("busbw 0.0"));
    // A small one completes in the same run, with its figures.
    REQUIRE(RunOut("run tests/fabric/app/data/ring4-run.yaml --summary-json " + json +
                       " --set 'workloads=[{type: collective, algorithm: ring_allreduce, bytes: 4KiB, start: 1us}]'",
                   &out, &err) == 0);
    const auto done = ReadJson(json)["collectives"][0];
    CHECK(done["status"] == "completed");
    CHECK(done["busbw_gbps"].get<double>() ==
          Approx(done["algbw_gbps"].get<double>() * 1.5)); // ring all-reduce, 4 ranks: 2(n-1)/n
    CHECK(done["algbw_gbps"].get<double>() == Approx(4096 * 8 / done["time_ns"].get<double>()));
    std::remove(json.c_str());
}

TEST_CASE("transaction ids are the originator's and its issue count, rows come in the order they ended", "[run]")
{
    const std::string trace = Scratch("ids.h5");
    REQUIRE(Run("run tests/fabric/app/data/ring4-run.yaml -q -o " + trace) == 0);
    struct Row
    {
        uint64_t id;
        uint32_t src;
        double issueNs;
        double endNs;
    };
    std::vector<Row> rows(Rows(trace, "transactions"));
    REQUIRE(rows.size() > 1000);
    {
        ofab::Hdf5Handle f(H5Fopen(trace.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
        ofab::Hdf5Handle d(H5Dopen2(f.Id(), "transactions", H5P_DEFAULT), H5Dclose, "open dataset");
        ofab::Hdf5Handle t(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose, "type"); // the fields read, by name
        H5Tinsert(t.Id(), "id", offsetof(Row, id), H5T_NATIVE_UINT64);
        H5Tinsert(t.Id(), "src", offsetof(Row, src), H5T_NATIVE_UINT32);
        H5Tinsert(t.Id(), "issue_ns", offsetof(Row, issueNs), H5T_NATIVE_DOUBLE);
        H5Tinsert(t.Id(), "end_ns", offsetof(Row, endNs), H5T_NATIVE_DOUBLE);
        REQUIRE(H5Dread(d.Id(), t.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
    }
    std::map<uint32_t, std::vector<std::pair<uint64_t, double>>> bySource; // (count, issue time)
    std::size_t ended = 0;
    bool endOrder = true;
    for (std::size_t i = 0; i < rows.size(); ++i)
    {
        CHECK((rows[i].id >> 48) == rows[i].src);
        bySource[rows[i].src].emplace_back(rows[i].id & ((uint64_t(1) << 48) - 1), rows[i].issueNs);
        if (!std::isnan(rows[i].endNs))
        {
            endOrder = endOrder && ended == i && (i == 0 || rows[i].endNs >= rows[i - 1].endNs);
            ++ended;
        }
    }
    CHECK(endOrder); // ended rows first, by end time; then the ones in flight
    CHECK(ended < rows.size());
    REQUIRE(bySource.size() == 4);
    bool globalIssueOrder = true;
    for (auto& [src, list] : bySource)
    {
        std::sort(list.begin(), list.end());
        CHECK(list.front().first == 1);
        CHECK(list.back().first == list.size()); // 1, 2, ... with no gap
        for (std::size_t i = 1; i < list.size(); ++i)
        {
            CHECK(list[i].second >= list[i - 1].second); // the count follows the endpoint's issue order
        }
    }
    // Across the fabric ids are not in issue order: a later id can be issued earlier.
    std::vector<Row> byId = rows;
    std::sort(byId.begin(), byId.end(), [](const Row& a, const Row& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < byId.size(); ++i)
    {
        globalIssueOrder = globalIssueOrder && byId[i].issueNs >= byId[i - 1].issueNs;
    }
    CHECK_FALSE(globalIssueOrder);
    std::remove(trace.c_str());
    std::remove(Scratch("ids.json").c_str());
}

TEST_CASE("training iterations in the JSON, the table and the trace, failed ones cost effective training time",
          "[run][training]")
{
    const std::string json = Scratch("training.json");
    const std::string trace = Scratch("training.h5");
    std::string out;
    std::string err;
    // Four data-parallel ranks on the 4-accelerator ring, steps back to back; accelerator 2 fails for
    // 1 us during the first step's gradient all-reduce, which fails (no retries); the next steps run.
    const std::string workload = "workloads=[{type: training, name: dp4, layers: 1, hidden: 64, heads: 1, sequence: "
                                 "16, vocabulary: 64, micro_batches: 1, dp: 4, flops_per_second: 1e12, start: 1us, "
                                 "iterations: 1000}]";
    REQUIRE(RunOut("run tests/fabric/app/data/ring4-run.yaml --force -o " + trace + " --summary-json " + json +
                       " --set duration=200us --set '" + workload +
                       "' --set 'faults=[{at: 7us, kind: accelerator, node: 2, repair_at: 8us}]'",
                   &out, &err) == 0);
    const auto s = ReadJson(json);
    const auto& it = s["iterations"];
    REQUIRE(it.size() >= 3);
    CHECK(it[0]["status"] == "failed");
    CHECK(it[0]["critical_path"].is_null());
    uint64_t completed = 0;
    double completedNs = 0;
    for (const auto& i : it)
    {
        if (i["status"] == "completed")
        {
            ++completed;
            completedNs += i["time_ns"].get<double>();
            CHECK(i["critical_path"]["compute_ns"].get<double>() + i["critical_path"]["comm_ns"].get<double>() ==
                  Approx(i["time_ns"].get<double>()));
        }
    }
    const auto& t = s["training"][0];
    CHECK(t["name"] == "dp4");
    CHECK(t["completed"].get<uint64_t>() == completed);
    CHECK(t["failed"].get<uint64_t>() >= 1);
    CHECK(t["useful_fraction"].get<double>() == Approx(completedNs / t["span_ns"].get<double>()));
    CHECK(t["useful_fraction"].get<double>() < 1.0);
    CHECK_THAT(out,
               Catch::Contains("  iteration     dp4 #0: FAILED after") && Catch::Contains("(effective training time)"));
    std::remove(json.c_str());
    std::remove(trace.c_str());
}
