#ifndef OFAB_TESTS_COLLECTIVE_TEST_UTIL_H
#define OFAB_TESTS_COLLECTIVE_TEST_UTIL_H

// What the collective tests share: a collective workload made and run to the end, and the
// alpha-beta model they check against, with B and alpha derived from the fabric's attributes
// (nothing fitted).

#include "workload-test-util.h"

#include "ofab/fabric/workloads/collective-workload.h"

#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ofab
{
namespace test
{

inline ns3::Ptr<CollectiveWorkload>
MakeCollective(CollectiveWorkload::Algorithm alg, uint64_t bytes, uint32_t reps = 1)
{
    auto w = ns3::CreateObject<CollectiveWorkload>();
    w->SetAttribute("Algorithm", ns3::EnumValue(alg));
    w->SetAttribute("Bytes", ns3::UintegerValue(bytes));
    w->SetAttribute("Repetitions", ns3::UintegerValue(reps));
    w->SetAttribute("Start", ns3::TimeValue(ns3::MicroSeconds(1)));
    return w;
}

/// Runs one workload to the end (no ns3::Simulator::Destroy: the caller reads the fabric first).
inline std::vector<Workload::CollectiveResult>
Run(const TestFabric& f, ns3::Ptr<CollectiveWorkload> w, ns3::Time stop = ns3::MilliSeconds(1))
{
    w->Install(MakeWorkloadContext(f.endpoints, stop));
    ns3::Simulator::Stop(stop);
    ns3::Simulator::Run();
    return w->GetCollectiveResults();
}

/**
 * The alpha-beta model of a ring all-reduce, T = 2(N-1)/N x S/B + 2(N-1) x alpha, with B and alpha
 * derived from the fabric's attributes (nothing fitted):
 *
 * alpha = the zero-load round trip of one 256 B WriteFull on the path: the request and the
 *   response each fit one 640 B DL flit, and every link hop costs serialization of that flit +
 *   propagation + FEC latency; a switched pod has 2 hops and the switch latency each way, a
 *   direct ring 1 hop each way.
 *
 * B = payload goodput of back-to-back 256 B WriteFulls on one port direction:
 *   C x 628/640 (DL flit payload) x 256 / (256 + request header + response header), where the
 *   request header is 8 B compressed, 16 B on an address-cache miss (default cache: one miss per
 *   4 KiB region = 1 request in 16 -> 8.5 B on average), and the response header is the 4 B
 *   compressed write response when the same port direction also carries the responses to the
 *   writes coming in (switched pod: each rank's single port does; direct ring: the responses go
 *   back on the other link, so 0 B).
 *   B is capped by TL credits: a sender can have at most min(RequestDataBuffers x 64 B,
 *   RequestCommandBuffers x 256 B) of writes unreleased at the next hop; a credit comes back
 *   after 2 hops + the next hop's forwarding latency + ~1.5 DL flit times (half a flit each for a
 *   message straddling into the next flit, for the output to take it, and for the credit to ride
 *   the next reverse flit). With 32 KiB buffers (the first defaults) this cap binds on the
 *   endpoint -> switch link (round trip ~392 ns > 32 KiB at ~750 Gb/s): B drops to ~670 Gb/s; the
 *   64 KiB defaults cover it.
 */
struct AlphaBeta
{
    double linkBps = 0;
    double creditBps = 0;
    double alpha = 0;  ///< a write's round trip: request out, response back
    double oneWay = 0; ///< its request alone: from issue to where the data lands

    double B() const { return std::min(linkBps, creditBps); }
    double Predict(uint32_t n, uint64_t s) const { return 2.0 * (n - 1) / n * s * 8.0 / B() + 2.0 * (n - 1) * alpha; }
};

inline AlphaBeta
Model(const TestFabric& f, bool switched)
{
    const auto link = f.links[0].channel->GetLink(0);
    const auto port = f.links[0].portA;
    const double flit = link->GetSerializationTime(ualink::kDlFlitBytes).GetSeconds();
    const double hop = flit + (link->GetPropagationDelay() + link->GetFecLatency()).GetSeconds();
    const double fwd = switched ? f.switches[0]->GetSwitchLatency().GetSeconds() : 0.0;

    ns3::UintegerValue data;
    ns3::UintegerValue cmd;
    ns3::UintegerValue rsp;
    ns3::UintegerValue cacheRegion;
    port->GetAttribute("RequestDataBuffers", data);
    port->GetAttribute("RequestCommandBuffers", cmd);
    port->GetAttribute("ResponseCommandBuffers", rsp);
    port->GetAttribute("AddressCacheRegionBytes", cacheRegion);
    const double requestHeader = 8.0 + 8.0 * 256.0 / cacheRegion.Get();
    const double responseHeader = switched ? 4.0 : 0.0;

    AlphaBeta m;
    m.alpha = switched ? 4 * hop + 2 * fwd : 2 * hop;
    m.oneWay = m.alpha / 2;
    m.linkBps = link->GetCapacityBps() * 628.0 / 640.0 * 256.0 / (256.0 + requestHeader + responseHeader);
    const double window = std::min({data.Get() * 64.0, cmd.Get() * 256.0, rsp.Get() * 256.0});
    m.creditBps = window * 8.0 / (2 * hop + fwd + 1.5 * flit);
    return m;
}

} // namespace test
} // namespace ofab

#endif
