// M/D/1 on one link: Poisson arrivals of fixed-size writes queue for a resource each of them holds
// for a fixed, known time; the mean queueing delay must match Wq = rho S / (2 (1 - rho)).
//
// Which resource is the deterministic server? Not the wire's bandwidth. The transmitter is a
// flit-quantum server: it sends 640 B DL flits of 6.4 ns whatever they hold, and TlPacker fills a
// flit with as much of the TL stream as is queued when the flit starts (628 B: several messages,
// the last one straddling into the next flit), with the headers of all queued messages batched
// into one control half-flit. So a message's share of the wire depends on how many others were
// queued when it was packed (a lone 64 B WriteFull occupies a whole 6.4 ns flit, four queued ones
// share one), and a message arriving mid-flit waits for the flit boundary: a bulk-service queue
// with a state-dependent batch, not M/D/1. No message size makes "one arrival = one fixed wire time".
//
// What is deterministic is the credit loop. With RequestCommandBuffers = 1 the receiver holds one
// request per VC, so a request may leave only when the previous one's request-command credit has
// come back. That credit is freed the instant the request reaches the completer (the endpoint
// consumes it on arrival; CompleterLatency = 0) and rides in the header of the DL flit that carries
// the write response, which leaves at once. So every request holds the link's only credit for
//   S = (t_flit + t_prop + t_FEC) request + (t_flit + t_prop + t_FEC) response + CompleterLatency
//     = 2 (6.4 + 10 + 100) ns = 232.8 ns with the CPO link (640 B at 8 x 100 Gb/s, 2 m at 5 ns/m),
// exactly the zero-load latency of the transaction. Arrivals are Poisson (TrafficPattern, poisson),
// the queue is FIFO (one VC, one output queue), the server is the credit: an M/D/1 queue with
// service S, and the transaction latency = W + S. S comes from the resolved link attributes; the
// test also checks that the zero-load latency observed in the run is S.
//
// Two accelerators on one link (mesh [2]) each send to the other; the two link directions are two
// M/D/1 queues. Residual coupling: an arrival to an idle credit can find the transmitter busy for
// up to one flit (6.4 ns) with a response, ACK or credit flit of the other direction's traffic:
// about 3 % of arrivals, well under a nanosecond on the mean.

#include "validation-util.h"

#include "ofab/fabric/workloads/traffic-pattern.h"
#include "ofab/photonics/model/photonic-link.h"
#include "ofab/protocols/model/flit.h"

#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

using namespace ofab;

namespace
{

const char* kMd1Yaml = R"(
name: md1-one-link
seed: 11
duration: 60ms
topology:
  kind: mesh
  dims: [2]                        # two accelerators, one duplex link
links:
  file: experiments/links/cpo-8lambda.yaml
protocol:
  port:
    request_command_buffers: 1     # one request per link direction: the credit loop is the server
workloads:
  - type: traffic
    pattern: uniform               # with two accelerators: each sends to the other
    operation: write_full
    bytes: 64
    arrival: poisson
    load: 0.001                    # replaced by the test: rho x message time / S
    stop: 59980us                  # no new work in the last 20 us: every transaction ends
)";

struct Md1Result
{
    double S = 0;          ///< derived service time, ns
    double minLatency = 0; ///< smallest observed latency, ns (the zero-load latency)
    double rhoMeasured = 0;
    double wq = 0;
    double wq2 = 0;
    double idleShare = 0; ///< arrivals with W < one flit + 0.5 ns
    uint64_t samples = 0;
    uint64_t notEnded = 0;
};

/// threads: 0 the sequential core, N the parallel core on N threads. `records`: every completed
/// transaction, as validation::Describe writes them.
Md1Result
RunMd1(double rho, uint32_t threads, std::string* records = nullptr)
{
    // 1. The service time from the resolved attributes of a fabric built from the same file (a
    //    1 us run of it: the hook reads the fabric the runner built).
    Md1Result out;
    double messageTimeS = 0;
    double flitNs = 0;
    const auto derive = [&](ExperimentRunner& runner) {
        const FabricLink& l = runner.GetFabric().Links().at(0);
        const auto link = l.channel->GetLink(0);
        const double hop =
            (link->GetSerializationTime(ualink::kDlFlitBytes) + link->GetPropagationDelay() + link->GetFecLatency())
                .ToDouble(ns3::Time::NS);
        ns3::TimeValue completer;
        runner.GetFabric().Endpoints().at(1)->GetAttribute("CompleterLatency", completer);
        REQUIRE(validation::UintAttribute(l.portB, {"RequestCommandBuffers"}) == 1); // the model's premise
        out.S = 2 * hop + completer.Get().ToDouble(ns3::Time::NS);
        flitNs = link->GetSerializationTime(ualink::kDlFlitBytes).ToDouble(ns3::Time::NS);
        // The workload's own mean gap at Load 1 (one message time at its injection rate): at
        // Load = rho x that / S the mean gap is S / rho, whatever rate Load refers to.
        auto traffic = ns3::DynamicCast<TrafficPattern>(runner.GetExperiment().workloads.at(0));
        REQUIRE(traffic);
        messageTimeS = traffic->GetMeanInterval(0).GetSeconds();
    };
    validation::RunYaml(kMd1Yaml, "md1.yaml",
                        validation::OnCore({"duration=1us", "workloads.0.stop=0ns", "workloads.0.load=1"}, threads),
                        derive);
    REQUIRE(out.S > 0);

    // 2. The run at lambda = rho / S per source.
    const double load = rho * messageTimeS / (out.S * 1e-9);
    std::ostringstream set;
    set.precision(12);
    set << "workloads.0.load=" << load;
    validation::TransactionLog log;
    const RunResult r = validation::RunYaml(kMd1Yaml, "md1.yaml", validation::OnCore({set.str()}, threads),
                                            [&](ExperimentRunner& runner) { log.Attach(runner); });
    out.notEnded = r.summary.inFlight + r.summary.failed;
    if (records != nullptr)
    {
        *records = validation::Describe(log.completed);
    }

    // 3. W = latency - S for every transaction issued after a 10 us warm-up (the queue starts empty).
    const double warmupNs = 10e3;
    double sum = 0, sum2 = 0, minLat = 1e300;
    uint64_t idle = 0, n = 0;
    double firstIssue = 1e300, lastIssue = 0;
    for (const auto& t : log.completed)
    {
        const double lat = t.Latency().ToDouble(ns3::Time::NS);
        minLat = std::min(minLat, lat);
        const double issue = t.issueTime.ToDouble(ns3::Time::NS);
        if (issue < warmupNs)
        {
            continue;
        }
        firstIssue = std::min(firstIssue, issue);
        lastIssue = std::max(lastIssue, issue);
        const double w = lat - out.S;
        sum += w;
        sum2 += w * w;
        idle += w < flitNs + 0.5 ? 1 : 0;
        ++n;
    }
    out.samples = n;
    out.minLatency = minLat;
    out.wq = n ? sum / n : 0;
    out.wq2 = n ? sum2 / n : 0;
    out.idleShare = n ? static_cast<double>(idle) / n : 0;
    // Arrival rate actually drawn, per source (two sources), as a utilisation.
    out.rhoMeasured = n ? n / ((lastIssue - firstIssue) * 2) * out.S : 0;
    return out;
}

void
CheckMd1(double rho, uint32_t threads = 0)
{
    std::string records;
    const Md1Result m = RunMd1(rho, threads, &records);
    if (threads > 1)
    {
        // The parallel core's promise: the same transactions on one thread.
        std::string one;
        RunMd1(rho, 1, &one);
        CHECK(records == one);
    }
    const double wq = rho * m.S / (2 * (1 - rho));
    // Second moment of the M/D/1 wait (Pollaczek-Khinchine, E[S^2] = S^2, E[S^3] = S^3):
    // E[W^2] = 2 Wq^2 + lambda E[S^3] / (3 (1 - rho)) = 2 Wq^2 + rho S^2 / (3 (1 - rho)).
    const double wq2 = 2 * wq * wq + rho * m.S * m.S / (3 * (1 - rho));
    WARN("M/D/1 rho=" << rho << (threads > 0 ? " on the parallel core" : "") << " (drawn " << m.rhoMeasured
                      << "): S=" << m.S << " ns (zero-load latency seen " << m.minLatency << " ns), " << m.samples
                      << " transactions; Wq measured " << m.wq << " ns, predicted " << wq << " ns ("
                      << (m.wq / wq - 1) * 100 << " %; at the drawn rho "
                      << m.rhoMeasured * m.S / (2 * (1 - m.rhoMeasured)) << " ns); E[W^2] " << m.wq2 << " vs " << wq2
                      << " (" << (m.wq2 / wq2 - 1) * 100 << " %); P(W < 1 flit) " << m.idleShare
                      << " vs 1 - rho = " << 1 - rho);
    REQUIRE(m.notEnded == 0);
    REQUIRE(m.samples > 100000);
    // S is the zero-load latency of the same transaction: the first arrivals to an empty system show it.
    CHECK(m.minLatency == Approx(m.S).margin(1e-3));
    CHECK(m.rhoMeasured == Approx(rho).epsilon(0.02));
    CHECK(m.wq == Approx(wq).epsilon(0.05));
    CHECK(m.wq2 == Approx(wq2).epsilon(0.10));
    // PASTA: a share 1 - rho of arrivals find the credit home (give or take one flit of the reverse traffic).
    CHECK(m.idleShare == Approx(1 - rho).margin(0.02));
}

} // namespace

TEST_CASE("M/D/1: one credit-limited link under Poisson writes, rho = 0.5", "[validation][md1]")
{
    CheckMd1(0.5);
}

TEST_CASE("M/D/1: one credit-limited link under Poisson writes, rho = 0.8", "[validation][md1]")
{
    CheckMd1(0.8);
}

TEST_CASE("M/D/1 on the parallel core, rho = 0.8: the same transactions at 1 and 2 threads, the same closed form",
          "[validation][md1][parallel]")
{
    CheckMd1(0.8, 2);
}
