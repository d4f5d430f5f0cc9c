// Stochastic schedules: the same seed draws the same schedule, each class draws from its own
// stream, and the drawn times follow the configured exponential MTTF / MTTR.

#include "support/faults-test-util.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

struct Drawn
{
    double atNs;
    std::string element;
    bool repair;

    bool operator==(const Drawn& o) const { return atNs == o.atNs && element == o.element && repair == o.repair; }
};

/// The schedule a runner draws for `yaml` with `seed` (nothing is simulated).
std::vector<Drawn>
ScheduleOf(const std::string& yaml, uint64_t seed)
{
    const auto doc = ConfigDocument::Parse(yaml, "stochastic.yaml");
    Experiment x = LoadExperiment(doc);
    x.seed = seed;
    ExperimentRunner runner(x, doc);
    std::vector<Drawn> out;
    const auto& injector = *runner.GetFaultInjector();
    for (const auto& a : injector.GetSchedule())
    {
        out.push_back({a.at.ToDouble(ns3::Time::NS), injector.GetFaults()[a.fault].element, a.repair});
    }
    return out;
}

std::string
TorusWith(const std::string& stochastic, const std::string& duration = "200us")
{
    return "duration: " + duration +
           "\nlinks: {file: experiments/links/cpo-8lambda.yaml}\n"
           "topology: {kind: torus, dims: [4, 4]}\n"
           "faults:\n  stochastic:\n" +
           stochastic;
}

} // namespace

TEST_CASE("a stochastic schedule is the same for the same seed and differs for another", "[faults][stochastic]")
{
    const std::string yaml = TorusWith("    links: {mttf: 50us, mttr: 10us}\n"
                                       "    laser_sources: {mttf: 300us, mttr: 20us}\n");
    const auto a = ScheduleOf(yaml, 1);
    const auto b = ScheduleOf(yaml, 1);
    const auto c = ScheduleOf(yaml, 2);
    CHECK(a.size() > 100);
    CHECK(a == b);
    CHECK_FALSE(a == c);
    for (std::size_t i = 1; i < a.size(); ++i)
    {
        CHECK(a[i - 1].atNs <= a[i].atNs); // in execution order
    }
    // Each class has its own stream: adding laser lines leaves the link and source draws alone.
    const auto withLines = ScheduleOf(TorusWith("    links: {mttf: 50us, mttr: 10us}\n"
                                                "    laser_lines: {mttf: 100us, mttr: 10us}\n"
                                                "    laser_sources: {mttf: 300us, mttr: 20us}\n"),
                                      1);
    std::vector<Drawn> withoutLines;
    bool sawLine = false;
    for (const Drawn& d : withLines)
    {
        if (d.element.find(" line ") == std::string::npos)
        {
            withoutLines.push_back(d);
        }
        sawLine = sawLine || d.element.find(" line ") != std::string::npos;
    }
    CHECK(sawLine);
    CHECK(withoutLines == a);
}

TEST_CASE("drawn times to failure and repair have the configured exponential means", "[faults][stochastic]")
{
    // 32 links over 20 ms at MTTF 50 us + MTTR 10 us: about 10,700 failures.
    const auto schedule = ScheduleOf(TorusWith("    links: {mttf: 50us, mttr: 10us}\n", "20ms"), 7);
    std::map<std::string, double> lastChange; // element -> time of its last repair (0 at the start)
    std::vector<double> up, down;
    for (const Drawn& d : schedule)
    {
        const double since = lastChange.count(d.element) ? lastChange[d.element] : 0.0;
        (d.repair ? down : up).push_back(d.atNs - since);
        lastChange[d.element] = d.atNs;
    }
    auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v)
        {
            s += x;
        }
        return s / static_cast<double>(v.size());
    };
    REQUIRE(up.size() > 9000);
    // Exponential: the standard error of the mean is mean / sqrt(n); allow 4 of them.
    const double upMean = mean(up), downMean = mean(down);
    INFO(up.size() << " failures: mean time to failure " << upMean << " ns, to repair " << downMean << " ns");
    CHECK(std::abs(upMean - 50000) < 4 * 50000 / std::sqrt(double(up.size())));
    CHECK(std::abs(downMean - 10000) < 4 * 10000 / std::sqrt(double(down.size())));
    // And the shape: P(up > MTTF) = 1/e.
    const double beyond =
        double(std::count_if(up.begin(), up.end(), [](double x) { return x > 50000; })) / double(up.size());
    CHECK(std::abs(beyond - std::exp(-1.0)) < 4 * std::sqrt(std::exp(-1.0) * (1 - std::exp(-1.0)) / double(up.size())));
}

TEST_CASE("stochastic classes reach every element of their class, and groups fail as one", "[faults][stochastic]")
{
    const std::string yaml = "duration: 2ms\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                             "topology: {kind: switched_pod, accelerators: 4, planes: 2}\n"
                             "faults:\n"
                             "  groups: {bundle: {links: [0, 1]}}\n"
                             "  stochastic:\n"
                             "    switches: {mttf: 100us, mttr: 10us}\n"
                             "    groups: {mttf: 100us, mttr: 10us}\n"
                             "    start: 1ms\n";
    const auto s = ScheduleOf(yaml, 3);
    std::map<std::string, int> failures;
    for (const Drawn& d : s)
    {
        CHECK(d.atNs > 1e6); // nothing before `start`
        failures[d.element] += d.repair ? 0 : 1;
    }
    CHECK(failures.size() == 3); // switch sw.p0, switch sw.p1, group bundle
    CHECK(failures.count("switch sw.p0") == 1);
    CHECK(failures.count("group bundle") == 1);
    for (const auto& [element, n] : failures)
    {
        CHECK(n > 3); // ~9 expected each over 1 ms
    }
}

TEST_CASE("stochastic accelerator failures isolate every accelerator on their own stream", "[faults][stochastic]")
{
    const std::string head = "duration: 2ms\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                             "topology: {kind: switched_pod, accelerators: 4, planes: 2}\n"
                             "faults:\n"
                             "  stochastic:\n"
                             "    switches: {mttf: 100us, mttr: 10us}\n";
    const auto both = ScheduleOf(head + "    accelerators: {mttf: 200us, mttr: 20us}\n", 3);
    const auto switchesOnly = ScheduleOf(head, 3);
    std::map<std::string, int> failures;
    std::vector<Drawn> switchDraws;
    for (const Drawn& d : both)
    {
        if (d.element.rfind("accelerator ", 0) == 0)
        {
            failures[d.element] += d.repair ? 0 : 1;
        }
        else
        {
            switchDraws.push_back(d);
        }
    }
    CHECK(failures.size() == 4); // every accelerator of the pod
    for (const auto& [element, n] : failures)
    {
        CHECK(n > 3); // ~9 expected each over 2 ms
    }
    CHECK(switchDraws == switchesOnly); // the switches' draws are unchanged by the new class

    const auto doc = ConfigDocument::Parse(head + "    accelerators: {mttf: 200us, mttr: 20us}\n", "s.yaml");
    Experiment x = LoadExperiment(doc);
    x.seed = 3;
    ExperimentRunner runner(x, doc);
    const auto& injector = *runner.GetFaultInjector();
    for (const auto& a : injector.GetSchedule())
    {
        const auto& f = injector.GetFaults()[a.fault];
        if (f.kind == FaultKind::Accelerator)
        {
            CHECK(f.target.isolated.size() == 1); // the endpoint is isolated, not only its links cut
            CHECK(f.target.links.size() == 2);    // one link per plane
            CHECK(f.stochastic);
        }
    }
}

TEST_CASE("faults do not change the workloads' random draws", "[faults][stochastic]")
{
    const std::string base = "duration: 3us\n"
                             "links: {file: experiments/links/cpo-8lambda.yaml}\n"
                             "topology: {kind: ring, accelerators: 4}\n"
                             "workloads: [{type: traffic, pattern: uniform, operation: write, bytes: 64, load: 0.3}]\n";
    const RunResult plain = RunYaml(base);
    // Faults drawn but none before the end: the same transactions, one for one.
    const RunResult quiet = RunYaml(base + "faults:\n  stochastic: {links: {mttf: 1s, mttr: 1us}}\n");
    CHECK(plain.summary.issued == quiet.summary.issued);
    CHECK(plain.summary.completed == quiet.summary.completed);
    CHECK(plain.summary.latencyP99Ns == quiet.summary.latencyP99Ns);
}
