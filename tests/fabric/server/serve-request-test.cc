// The pieces of `ofab serve` that need no socket: --listen and --token-file, the rate limiter, and
// how cut / repair / degrade requests become fault entries (element names, implied kinds, times).

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/server/fault-request.h"
#include "ofab/fabric/server/listen-address.h"
#include "ofab/fabric/server/session-limits.h"

#include "ns3/nstime.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

using namespace ofab;

namespace
{

/// Builds `topology` with the CPO link file and answers requests against it (simulated time 0).
class Requests
{
  public:
    explicit Requests(const std::string& topology)
        : m_doc(ConfigDocument::Parse("duration: 1us\nlinks: {file: experiments/links/cpo-8lambda.yaml}\n"
                                      "topology: " +
                                          topology + "\n",
                                      "serve-test.yaml")),
          m_x(LoadExperiment(m_doc)),
          m_runner(m_x, m_doc)
    {
    }

    FaultSpec Spec(FaultVerb verb, const std::string& json, ns3::Time now = ns3::Time())
    {
        return FaultSpecFromRequest(verb, Json::parse(json), m_runner.GetFabric(),
                                    m_runner.GetFaultInjector()->GetGroups(), now);
    }

    std::string Error(FaultVerb verb, const std::string& json)
    {
        try
        {
            Spec(verb, json);
        }
        catch (const RequestError& e)
        {
            return e.what();
        }
        return "no error";
    }

    uint32_t Link(const char* a, const char* b)
    {
        const topo::Graph& g = m_runner.GetFabric().Graph();
        for (const topo::Adjacency& adj : g.GetNeighbours(*g.FindNode(a)))
        {
            if (adj.neighbour == *g.FindNode(b))
            {
                return adj.link;
            }
        }
        return UINT32_MAX;
    }

  private:
    ConfigDocument m_doc;
    Experiment m_x;
    ExperimentRunner m_runner;
};

} // namespace

TEST_CASE("a listen address is an IP address and a port, loopback is told apart", "[server][listen]")
{
    const auto v4 = ParseListenAddress("127.0.0.1:7700");
    CHECK(v4.port() == 7700);
    CHECK(v4.address().is_loopback());
    const auto v6 = ParseListenAddress("[::1]:0");
    CHECK(v6.port() == 0);
    CHECK(v6.address().is_v6());
    CHECK(v6.address().is_loopback());
    CHECK_FALSE(ParseListenAddress("0.0.0.0:80").address().is_loopback());
    CHECK_FALSE(ParseListenAddress("192.168.1.20:7700").address().is_loopback());
    for (const char* bad :
         {"localhost:7700", "127.0.0.1", "127.0.0.1:", ":7700", "127.0.0.1:65536", "127.0.0.1:http", "1.2.3:7700"})
    {
        INFO(bad);
        CHECK_THROWS_AS(ParseListenAddress(bad), std::invalid_argument);
    }
    CHECK_THROWS_WITH(ParseListenAddress("localhost:7700"), Catch::Contains("'localhost' is not an IP address"));
}

TEST_CASE("a token file gives its first line, trimmed, of 16 characters or more", "[server][token]")
{
    const std::string path = "/tmp/ofab-token-test-" + std::to_string(getpid());
    std::ofstream(path) << "  0123456789abcdefXY \nsecond line\n";
    CHECK(ReadToken(path) == "0123456789abcdefXY");
    std::ofstream(path) << "short\n";
    CHECK_THROWS_WITH(ReadToken(path), Catch::Contains("at least 16 characters"));
    std::remove(path.c_str());
    CHECK_THROWS_WITH(ReadToken(path), Catch::Contains("cannot read it"));
}

TEST_CASE("the rate limiter allows its burst, then refuses until tokens come back", "[server][rate]")
{
    RateLimiter limiter(1e-9, 5); // practically no refill during the test
    int allowed = 0;
    for (int i = 0; i < 20; ++i)
    {
        allowed += limiter.Allow() ? 1 : 0;
    }
    CHECK(allowed == 5);
    RateLimiter fast(1e9, 2); // refills at once
    for (int i = 0; i < 100; ++i)
    {
        REQUIRE(fast.Allow());
    }
}

TEST_CASE("cut, repair and degrade requests name elements as the faults section does", "[server][request]")
{
    Requests torus("{kind: torus, dims: [4, 4]}");
    const uint32_t link = torus.Link("a(1,1)", "a(2,1)");

    FaultSpec s = torus.Spec(FaultVerb::Cut, R"j({"cmd": "cut", "link": "a(1,1)-a(2,1)"})j");
    CHECK(s.kind == FaultKind::FibreCut);
    CHECK_FALSE(s.repair);
    CHECK(s.link == link);
    CHECK(s.at == ns3::Time());
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"cmd": "cut", "link": "a(2,1) - a(1,1)"})j").link == link);
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"cmd": "cut", "link": "7"})j").link == 7);
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"cmd": "cut", "between": ["a(1,1)", "a(2,1)"]})j").link == link);

    // Times: now, absolute, relative to now, with a repair.
    const ns3::Time now = ns3::MicroSeconds(3);
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"link": 1})j", now).at == now);
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"link": 1, "at": "20us"})j", now).at == ns3::MicroSeconds(20));
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"link": 1, "in": "500ns"})j", now).at == ns3::NanoSeconds(3500));
    s = torus.Spec(FaultVerb::Cut, R"j({"link": 1, "in": "1us", "repair_at": "10us"})j", now);
    CHECK(s.hasRepairAt);
    CHECK(s.repairAt == ns3::MicroSeconds(10));

    // Kinds implied by the keys.
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"node": "a(1,1)"})j").kind == FaultKind::Accelerator);
    s = torus.Spec(FaultVerb::Cut, R"j({"link": 2, "line": 3})j");
    CHECK(s.kind == FaultKind::LaserLine);
    CHECK(s.line == 3);
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"source": {"node": "a(1,1)", "index": 0}})j").kind == FaultKind::LaserSource);
    CHECK(torus.Spec(FaultVerb::Cut, R"j({"source": {"node": "a(1,1)", "index": 0}, "line": 1})j").kind ==
          FaultKind::LaserLine);
    s = torus.Spec(FaultVerb::Cut, R"j({"kind": "flap", "link": 4, "period": "2us", "count": 3})j");
    CHECK(s.kind == FaultKind::Flap);
    CHECK(s.count == 3);
    s = torus.Spec(FaultVerb::Degrade, R"j({"link": 2, "line": 3, "power_drop_db": 2.5})j");
    CHECK(s.kind == FaultKind::LaserLineDegraded);
    CHECK(s.powerDropDb == 2.5);
    s = torus.Spec(FaultVerb::Repair, R"j({"link": "a(1,1)-a(2,1)"})j");
    CHECK(s.repair);
    CHECK(s.kind == FaultKind::FibreCut);
    s = torus.Spec(FaultVerb::Repair, R"j({"link": 2, "line": 3})j");
    CHECK(s.repair);
    CHECK(s.kind == FaultKind::LaserLine);

    // Errors name the key and say what was expected.
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": "a(1,1)-a(3,3)"})j"),
               Catch::Contains("key 'link': no link joins a(1,1) and a(3,3)"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": "a(1,1)-a(9,9)"})j"),
               Catch::Contains("key 'link': no link 'a(1,1)-a(9,9)'"));
    ;
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": 32})j"), Catch::Contains("key 'link'"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"at": "1us"})j"), Catch::Contains("name an element"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": 1, "at": "1us", "in": "1us"})j"), Catch::Contains("not both"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": 1, "in": "soon"})j"), Catch::Contains("key 'in'"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": 1, "at": 5})j"), Catch::Contains("key 'at'"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"link": 1, "speed": 5})j"), Catch::Contains("key 'speed'"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"kind": "repair", "link": 1})j"),
               Catch::Contains("send {\"cmd\": \"repair\""));
    CHECK_THAT(torus.Error(FaultVerb::Repair, R"j({"kind": "fibre_cut", "link": 1})j"), Catch::Contains("`of`"));
    CHECK_THAT(torus.Error(FaultVerb::Degrade, R"j({"link": 2, "line": 3})j"), Catch::Contains("power_drop_db"));
    CHECK_THAT(torus.Error(FaultVerb::Cut, R"j({"node": "a(1,1)", "in": "2us", "repair_at": "1us"})j"),
               Catch::Contains("key 'repair_at'"));
}

TEST_CASE("a node request is a switch or an accelerator fault by the node's role", "[server][request]")
{
    Requests pod("{kind: switched_pod, accelerators: 4, planes: 2}");
    CHECK(pod.Spec(FaultVerb::Cut, R"j({"node": "sw.p0"})j").kind == FaultKind::Switch);
    CHECK(pod.Spec(FaultVerb::Repair, R"j({"node": "sw.p1"})j").kind == FaultKind::Switch);
    CHECK(pod.Spec(FaultVerb::Cut, R"j({"node": 0})j").kind == FaultKind::Accelerator);
    CHECK_THAT(pod.Error(FaultVerb::Cut, R"j({"node": "sw.p7"})j"), Catch::Contains("sw.p7"));
}
