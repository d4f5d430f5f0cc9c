// The default credit buffers against the credit round trip they must cover (protocols/README.md,
// "Credit flow control"). The round trip is measured here, unloaded, on the shipped CPO link: from
// the instant a sender consumes a credit (the DL flit carrying the message starts) to the instant
// the peer's grant gives that credit back. Credits needed = round trip x the rate at which the
// smallest message of a credit class can fill the link; the default must cover it. A change to a
// latency (FEC, switch, router, credit return) that outgrows the buffers fails here.

#include "support/faults-test-util.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace ofab;
using namespace ofab::faultstest;

namespace
{

/// Watches the request-command credits of VC 0 on every port of one node: the first port that
/// sends a TL message starts the clock, the peer's grant that makes the credits whole again stops it.
struct RoundTripProbe
{
    struct Watch
    {
        RoundTripProbe* probe;
        UalinkPort* port;
    };
    std::vector<Watch> watches;
    UalinkPort* sender = nullptr;
    uint32_t full = 0;
    double startNs = -1;
    double endNs = -1;

    void Attach(ns3::Ptr<UalinkRouter> router)
    {
        watches.reserve(router->GetNPorts());
        for (uint32_t p = 0; p < router->GetNPorts(); ++p)
        {
            watches.push_back({this, ns3::PeekPointer(router->GetPort(p))});
        }
        for (Watch& w : watches)
        {
            w.port->TraceConnectWithoutContext("DlFlitSent", ns3::MakeBoundCallback(&RoundTripProbe::OnSent, &w));
            w.port->TraceConnectWithoutContext("DlFlitReceived",
                                               ns3::MakeBoundCallback(&RoundTripProbe::OnReceived, &w));
        }
    }
    static uint32_t Available(const UalinkPort* p)
    {
        return p->GetTxCredits().Available(0, CreditClass::RequestCommand);
    }
    static void OnSent(Watch* w, uint16_t seq, uint16_t tlBytes)
    {
        RoundTripProbe& self = *w->probe;
        if (self.sender != nullptr || seq == 0 || tlBytes == 0)
        {
            return;
        }
        // The credit is consumed when the message is packed, as this flit starts.
        self.sender = w->port;
        self.full = Available(w->port) + 1;
        self.startNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    }
    static void OnReceived(Watch* w, uint16_t, DlRxOutcome)
    {
        // The grant in an arriving header is applied before this trace fires.
        RoundTripProbe& self = *w->probe;
        if (w->port == self.sender && self.endNs < 0 && Available(w->port) == self.full)
        {
            self.endNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
        }
    }
};

struct Hop
{
    double roundTripNs = 0;
    double capacityBps = 0;
    BufferSizes buffers; ///< the receiver's buffers, as a default run configures them
    uint32_t requestHops = 0;
};

/// One read from accelerator 0 to `dst` on an otherwise idle fabric; the round trip of its first hop.
Hop
MeasureFirstHop(const std::string& topology, uint16_t dst)
{
    const std::string yaml =
        "duration: 5us\nseed: 1\ntopology: " + topology + "\nlinks: {file: experiments/links/cpo-8lambda.yaml}\n";
    RoundTripProbe probe;
    Hop hop;
    RunYaml(
        yaml,
        [&](ExperimentRunner& runner) {
            Fabric& f = runner.GetFabric();
            probe.Attach(f.Router(f.Graph().AcceleratorNode(0)));
            const ns3::Ptr<AcceleratorEndpoint> src = f.Endpoints()[0];
            src->TraceConnectWithoutContext(
                "TransactionCompleted",
                ns3::MakeBoundCallback(
                    +[](Hop* h, const TransactionRecord& r) { h->requestHops = r.requestHops; }, &hop));
            // Links are up well before 2 us (link training); nothing else runs.
            ns3::Simulator::Schedule(ns3::MicroSeconds(2), [src, dst] { src->Read(dst, 0, 64); });
        },
        [&](ExperimentRunner&, const RunResult&) {
            REQUIRE(probe.sender != nullptr);
            hop.capacityBps = probe.sender->GetCapacityBps();
            hop.buffers = probe.sender->GetPeer()->GetRxBuffers().Sizes();
        });
    REQUIRE(probe.endNs > probe.startNs);
    hop.roundTripNs = probe.endNs - probe.startNs;
    return hop;
}

/// Messages per ns of the smallest message of a credit class when it fills the link: its header
/// slots and data half-flits on the TL stream, the TL stream in 628 B of every 640 B DL flit.
double
MessagesPerNs(uint32_t headerSlots, uint32_t dataHalfFlits, double capacityBps)
{
    const double tlBytes = headerSlots * ualink::kSlotBytes + dataHalfFlits * ualink::kHalfFlitBytes;
    const double dlFlitNs = ualink::kDlFlitBytes * 8.0 / capacityBps * 1e9;
    return ualink::kDlPayloadBytes / tlBytes / dlFlitNs;
}

void
CheckDefaultsCover(const Hop& hop)
{
    INFO("round trip " << hop.roundTripNs << " ns at " << hop.capacityBps / 1e9 << " Gb/s");
    const double rtt = hop.roundTripNs;
    const double cap = hop.capacityBps;
    // Smallest message per class: a compressed read request (2 slots, no data); a compressed write
    // response (1 slot); an atomic operand (2 slots + one data half-flit in a 64 B buffer); an
    // AtomicR result (1 slot + one data half-flit).
    const double requestCommands = rtt * MessagesPerNs(ualink::kCompressedRequestSlots, 0, cap);
    const double responseCommands = rtt * MessagesPerNs(ualink::kCompressedResponseSlots, 0, cap);
    const double requestData = rtt * MessagesPerNs(ualink::kCompressedRequestSlots, 1, cap);
    const double responseData = rtt * MessagesPerNs(ualink::kCompressedResponseSlots, 1, cap);
    INFO("needed: request command " << requestCommands << ", response command " << responseCommands << ", request data "
                                    << requestData << ", response data " << responseData);
    CHECK(hop.buffers.requestCommands >= std::ceil(requestCommands));
    CHECK(hop.buffers.responseCommands >= std::ceil(responseCommands));
    CHECK(hop.buffers.requestData64B >= std::ceil(requestData));
    CHECK(hop.buffers.responseData64B >= std::ceil(responseData));
}

} // namespace

TEST_CASE("the default credits cover the round trip of a forwarding torus hop", "[experiment][credits]")
{
    // a(0,0) -> a(2,0): the first hop ends at a(1,0), which holds the request for its router latency
    // before the buffer is free again: longer than a hop into the completer.
    const Hop hop = MeasureFirstHop("{kind: torus, dims: [8, 8]}", 2);
    CHECK(hop.requestHops == 2);
    CHECK(hop.capacityBps == Approx(800e9));
    // 2 x (6.4 ns flit + 10 ns of 2 m fibre + 100 ns FEC) + 100 ns router + 20 ns credit return delay.
    CHECK(hop.roundTripNs == Approx(352.8).margin(10));
    CheckDefaultsCover(hop);
}

TEST_CASE("the default credits cover the round trip of an endpoint-to-switch hop", "[experiment][credits]")
{
    const Hop hop = MeasureFirstHop("{kind: switched_pod, accelerators: 8, planes: 1}", 1);
    CHECK(hop.requestHops == 2);
    // As the torus hop with the 150 ns switch latency in place of the 100 ns router.
    CHECK(hop.roundTripNs == Approx(402.8).margin(10));
    CheckDefaultsCover(hop);
}
