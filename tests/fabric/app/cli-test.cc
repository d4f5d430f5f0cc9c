// The ofab program as a user meets it: exit codes, one clear error line, tables and JSON.

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace
{

struct Result
{
    int code = -1;
    std::string out;
    std::string err;
};

std::string
Slurp(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Result
RunOfab(const std::string& args)
{
    const std::string base = "/tmp/ofab-cli-test-" + std::to_string(getpid());
    const std::string cmd = std::string(OFAB_BINARY) + " " + args + " >" + base + ".out 2>" + base + ".err";
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = Slurp(base + ".out");
    r.err = Slurp(base + ".err");
    std::remove((base + ".out").c_str());
    std::remove((base + ".err").c_str());
    return r;
}

std::string
WriteTemp(const std::string& name, const std::string& text)
{
    const std::string path = "/tmp/ofab-cli-test-" + std::to_string(getpid()) + "-" + name;
    std::ofstream(path) << text;
    return path;
}

} // namespace

TEST_CASE("link-budget prints a table for the shipped links", "[cli]")
{
    for (const char* file : {"experiments/links/cpo-8lambda.yaml", "experiments/links/ext-laser-16lambda.yaml"})
    {
        const Result r = RunOfab(std::string("link-budget ") + file);
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("capacity      800 Gb/s"));
        CHECK_THAT(r.out, Catch::Contains("pre-FEC BER"));
        CHECK(r.err.empty());
    }
}

TEST_CASE("link-budget --json is valid JSON with the same figures", "[cli]")
{
    const Result r = RunOfab("link-budget experiments/links/cpo-8lambda.yaml --json --set link.fibre_length_m=20");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["capacity_gbps"].get<double>() == Approx(800));
    CHECK(j["lines"].size() == 8);
    CHECK(j["propagation_delay_ns"].get<double>() == Approx(100));
    CHECK(j["dl_flit_time_ns"].get<double>() == Approx(6.4));
}

TEST_CASE("bad input: one clear message, non-zero exit, no crash", "[cli]")
{
    SECTION("unknown key")
    {
        const auto f = WriteTemp("unknown.yaml", "link:\n  fibre_length: 3\n");
        const Result r = RunOfab("link-budget " + f);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("ofab: error: " + f + ":2:3: key 'link.fibre_length': unknown key"));
        CHECK_THAT(r.err, Catch::Contains("did you mean 'fibre_length_m'"));
        CHECK(r.out.empty());
    }
    SECTION("malformed YAML")
    {
        const auto f = WriteTemp("broken.yaml", "laser:\n  line_count: [8\n");
        const Result r = RunOfab("link-budget " + f);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("YAML syntax error"));
    }
    SECTION("zero lines")
    {
        const auto f = WriteTemp("zero.yaml", "laser:\n  line_count: 0\n");
        const Result r = RunOfab("link-budget " + f);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains(f + ":2:15: key 'laser.line_count'"));
    }
    SECTION("missing file")
    {
        const Result r = RunOfab("link-budget no/such/file.yaml");
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("no/such/file.yaml: cannot open"));
    }
    SECTION("bad override")
    {
        const Result r = RunOfab("link-budget experiments/links/cpo-8lambda.yaml --set laser.spacing_ghz=0");
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("--set laser.spacing_ghz=0"));
    }
    SECTION("no command")
    {
        const Result r = RunOfab("");
        CHECK(r.code == 2);
    }
}

TEST_CASE("ofab keys teaches every key with its unit and default", "[cli]")
{
    const Result r = RunOfab("keys link");
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("fibre_length_m: 2"));
    CHECK_THAT(r.out, Catch::Contains("fec_latency: 100ns"));
    CHECK(RunOfab("keys nonsense").code == 2);
}
