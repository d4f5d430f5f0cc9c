// The HDF5 trace: rows written incrementally come back intact, the file says whether it is whole,
// and an unwritable path is a clear error.

#include "ofab/fabric/trace/trace-recorder.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace
{

ofab::TraceEnums
Enums()
{
    return {{"read", "write"},       {"completed", "failed", "in_flight"},
            {"cut", "repair"},       {"up", "down"},
            {"completed", "failed"}, {"accelerator", "switch"}};
}

std::string
TempPath(const std::string& name)
{
    return "/tmp/ofab-trace-test-" + std::to_string(getpid()) + "-" + name;
}

std::string
ReadStringAttribute(hid_t object, const char* name)
{
    ofab::Hdf5Handle attr(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, "open attribute");
    ofab::Hdf5Handle type(H5Aget_type(attr.Id()), H5Tclose, "get type");
    std::string value(H5Tget_size(type.Id()), '\0');
    H5Aread(attr.Id(), type.Id(), value.data());
    return value.substr(0, value.find('\0'));
}

hsize_t
Rows(hid_t file, const char* dataset, hsize_t* columns = nullptr)
{
    ofab::Hdf5Handle d(H5Dopen2(file, dataset, H5P_DEFAULT), H5Dclose, "open dataset");
    ofab::Hdf5Handle s(H5Dget_space(d.Id()), H5Sclose, "get space");
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(s.Id(), dims, nullptr);
    if (columns)
    {
        *columns = dims[1];
    }
    return dims[0];
}

void
AddTransactions(ofab::TraceRecorder& rec, int n)
{
    for (int i = 0; i < n; ++i)
    {
        ofab::TransactionRow t{};
        t.id = i;
        t.bytes = 64;
        t.issueNs = i;
        t.endNs = i + 100.5;
        t.latencyNs = 100.5;
        rec.AddTransaction(t);
    }
}

/// Runs `body` in a child process and returns how it ended: its exit code, or 128 + the signal.
template <typename Body>
int
InChild(Body body)
{
    const pid_t pid = fork();
    if (pid == 0)
    {
        body();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

TEST_CASE("a finished trace holds every row and says complete", "[trace]")
{
    const std::string path = TempPath("complete.h5");
    const int n = 10000; // more than two chunks: exercises the incremental writes
    {
        ofab::TraceRecorder rec(path, Enums(), 4, 1000.0);
        rec.SetMeta("seed", int64_t{42});
        for (int i = 0; i < n; ++i)
        {
            ofab::TransactionRow t{};
            t.id = i;
            t.src = i % 16;
            t.dst = (i + 1) % 16;
            t.bytes = 64;
            t.issueNs = i;
            t.endNs = i + 100.5;
            t.latencyNs = 100.5;
            rec.AddTransaction(t);
        }
        for (int b = 0; b < 300; ++b)
        {
            rec.AddThroughputBin({1.0 * b, 2.0, 3.0, 4.0});
        }
        ofab::EventRow e{};
        e.timeNs = 5;
        e.kind = 0;
        ofab::SetText(e.element, "link 3");
        ofab::SetText(e.detail, "fibre cut");
        rec.AddEvent(e);
        rec.Finish({{"throughput_gbps", 12.5}}, "{\"ok\": true}");
    }
    ofab::Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    CHECK(ReadStringAttribute(meta.Id(), "status") == "complete");
    CHECK(ReadStringAttribute(meta.Id(), "format_version") == ofab::TraceRecorder::kFormatVersion);
    CHECK(Rows(f.Id(), "transactions") == n);
    hsize_t columns = 0;
    CHECK(Rows(f.Id(), "links/throughput", &columns) == 300);
    CHECK(columns == 4);
    CHECK(Rows(f.Id(), "events") == 1);

    // Read back one field of the last transaction through the file's own compound type.
    ofab::Hdf5Handle d(H5Dopen2(f.Id(), "transactions", H5P_DEFAULT), H5Dclose, "open");
    std::vector<ofab::TransactionRow> rows(n);
    ofab::Hdf5Handle type(H5Dget_type(d.Id()), H5Tclose, "type");
    REQUIRE(H5Dread(d.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
    CHECK(rows.back().id == uint64_t(n - 1));
    CHECK(rows.back().endNs == Approx(n - 1 + 100.5));
    std::remove(path.c_str());
}

std::string
ReadTextDataset(hid_t file, const char* name)
{
    ofab::Hdf5Handle d(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, "open dataset");
    ofab::Hdf5Handle type(H5Dget_type(d.Id()), H5Tclose, "get type");
    std::string value(H5Tget_size(type.Id()), '\0');
    H5Dread(d.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.data());
    return value.substr(0, value.find('\0'));
}

TEST_CASE("a summary of any size is kept: a dataset always, the attribute while it fits", "[trace]")
{
    // ~130 faults once made the summary too large for an attribute: the run failed after all its work.
    std::string large = "{\"faults\": [";
    while (large.size() < 200 * 1024)
    {
        large += "{\"time_ns\": 60000, \"kind\": \"fibre_cut\", \"element\": \"link 10\"},";
    }
    large += "{}]}";
    const std::string small = "{\"ok\": true}";
    for (const std::string* summary : std::vector<const std::string*>{&small, &large})
    {
        const std::string path = TempPath("summary.h5");
        {
            ofab::TraceRecorder rec(path, Enums(), 1, 1000.0);
            REQUIRE_NOTHROW(rec.Finish({{"throughput_gbps", 1.0}}, *summary));
        }
        ofab::Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
        ofab::Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
        CHECK(ReadStringAttribute(meta.Id(), "status") == "complete");
        CHECK(ReadTextDataset(f.Id(), "summary/json") == *summary);
        ofab::Hdf5Handle group(H5Gopen2(f.Id(), "summary", H5P_DEFAULT), H5Gclose, "open summary");
        const bool attribute = H5Aexists(group.Id(), "json") > 0;
        CHECK(attribute == (summary == &small));
        if (attribute)
        {
            CHECK(ReadStringAttribute(group.Id(), "json") == small);
        }
        std::remove(path.c_str());
    }
}

TEST_CASE("a trace whose run stopped early says incomplete, with the reason", "[trace]")
{
    const std::string path = TempPath("abandoned.h5");
    {
        ofab::TraceRecorder rec(path, Enums(), 2, 1000.0);
        ofab::TransactionRow t{};
        rec.AddTransaction(t);
        // destroyed without Finish(): as when an exception unwinds the run
    }
    ofab::Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    CHECK_THAT(ReadStringAttribute(meta.Id(), "status"), Catch::StartsWith("incomplete: "));
    CHECK(H5Lexists(f.Id(), "summary", H5P_DEFAULT) == 0);
    std::remove(path.c_str());

    const std::string path2 = TempPath("interrupted.h5");
    {
        ofab::TraceRecorder rec(path2, Enums(), 2, 1000.0);
        rec.Abandon("interrupted (SIGINT)");
    }
    ofab::Hdf5Handle f2(H5Fopen(path2.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle meta2(H5Gopen2(f2.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    CHECK(ReadStringAttribute(meta2.Id(), "status") == "incomplete: interrupted (SIGINT)");
    std::remove(path2.c_str());
}

TEST_CASE("an unwritable trace path is a clear error", "[trace]")
{
    CHECK_THROWS_WITH(ofab::TraceRecorder("/nonexistent-dir/x.h5", Enums(), 1, 1.0),
                      Catch::Contains("cannot write the trace file /nonexistent-dir/x.h5: No such file or directory"));
}

TEST_CASE("a throughput bin with the wrong width is refused", "[trace]")
{
    const std::string path = TempPath("width.h5");
    ofab::TraceRecorder rec(path, Enums(), 3, 1.0);
    CHECK_THROWS_AS(rec.AddThroughputBin({1.0, 2.0}), ofab::TraceError);
    rec.Abandon("test");
    std::remove(path.c_str());
}

TEST_CASE("a killed run keeps every row flushed before it died, readable in SWMR mode", "[trace]")
{
    const std::string path = TempPath("killed.h5");
    // The child writes 10000 rows, flushes, writes 5000 more that never reach the disk, and is
    // killed as the OOM killer would: no destructor, no close.
    const int ended = InChild([&] {
        ofab::TraceRecorder rec(path, Enums(), 2, 1000.0, std::chrono::hours(1));
        rec.SetMeta("seed", int64_t{7});
        AddTransactions(rec, 10000);
        rec.Flush();
        rec.SetMeta("late", std::string("set after the switch to SWMR"));
        AddTransactions(rec, 5000);
        kill(getpid(), SIGKILL);
    });
    REQUIRE(ended == 128 + SIGKILL);

    // An ordinary open is refused (the file says a writer has it); an SWMR reader sees the rows.
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT) < 0);
    ofab::Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT), H5Fclose, "open");
    CHECK(Rows(f.Id(), "transactions") == 10000);
    ofab::Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    CHECK(ReadStringAttribute(meta.Id(), "status") == "running");
    CHECK(H5Aexists(meta.Id(), "seed") > 0);
    CHECK(H5Aexists(meta.Id(), "late") == 0); // waits for the end, which never came
    std::remove(path.c_str());
}

TEST_CASE("attributes set in SWMR mode and the summary are written when the trace finishes", "[trace]")
{
    const std::string path = TempPath("swmr-finish.h5");
    {
        ofab::TraceRecorder rec(path, Enums(), 2, 1000.0, std::chrono::hours(1));
        AddTransactions(rec, 5000);
        rec.Flush();
        rec.SetMeta("late", 2.5);
        AddTransactions(rec, 5000);
        rec.Finish({{"issued", 10000.0}}, "{}");
    }
    ofab::Hdf5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    ofab::Hdf5Handle meta(H5Gopen2(f.Id(), "meta", H5P_DEFAULT), H5Gclose, "open meta");
    CHECK(ReadStringAttribute(meta.Id(), "status") == "complete");
    CHECK(H5Aexists(meta.Id(), "late") > 0);
    CHECK(Rows(f.Id(), "transactions") == 10000);
    std::remove(path.c_str());
}

TEST_CASE("a full disk: the rows are dropped, the run goes on, and Finish says why", "[trace]")
{
    const std::string path = TempPath("full.h5");
    // The child may write 64 KiB (beyond that a write fails with EFBIG, as on a full disk);
    // exit code 0 only when every expectation held, and no crash at exit.
    const int ended = InChild([&] {
        signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{64 * 1024, 64 * 1024};
        setrlimit(RLIMIT_FSIZE, &limit);
        ofab::TraceRecorder rec(path, Enums(), 2, 1000.0);
        AddTransactions(rec, 200000); // ~6 MB: the writes fail early, the appends go on
        try
        {
            rec.Finish({}, "{}");
        }
        catch (const ofab::TraceError& e)
        {
            const std::string what = e.what();
            _exit(what.find("disk full") != std::string::npos ? 0 : 2);
        }
        _exit(3); // Finish() claimed success
    });
    CHECK(ended == 0);
    std::remove(path.c_str());
}
