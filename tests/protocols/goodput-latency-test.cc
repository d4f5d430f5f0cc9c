// Goodput of saturated transfers on one x4 link and zero-load latency across one switch,
// against closed forms written from the attributes.

#include "protocol-test-util.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/enum.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace ofab;
using namespace ns3;

namespace
{

/// Issues `count` transactions of `kind` (256 B, sequential addresses) from a to b at t = 1 us and
/// returns the goodput in the data direction as a fraction of the link capacity, measured between
/// the 20 % and 80 % marks of the data arriving, when the transfer is in steady state.
double
SaturatedGoodput(TransactionKind kind, const char* compression, uint32_t count)
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    h.SetPortAttribute("AddressCompression", StringValue(compression));
    auto p = test::MakePointToPoint(h);

    // Data arrival times: at the completer for writes, back at the originator for reads.
    std::vector<Time> arrivals;
    const bool read = kind == TransactionKind::Read;
    if (read)
    {
        p.a->TraceConnectWithoutContext(
            "TransactionCompleted",
            MakeBoundCallback(
                +[](std::vector<Time>* v, const TransactionRecord&) { v->push_back(Simulator::Now()); }, &arrivals));
    }
    else
    {
        p.b->TraceConnectWithoutContext(
            "RequestServed",
            MakeBoundCallback(
                +[](std::vector<Time>* v, const TlMessage&) { v->push_back(Simulator::Now()); }, &arrivals));
    }
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i < count; ++i)
        {
            p.a->Issue(TransactionSpec{kind, 1, uint64_t{i} * 256, 256, 0});
        }
    });
    Simulator::Run();
    const double capacity = p.link.portA->GetCapacityBps();
    CHECK(capacity == Approx(800e9));
    CHECK(p.a->GetCompletedCount() == count);
    CHECK(p.link.portA->GetStats().bufferOverflows == 0);
    CHECK(p.link.portB->GetStats().bufferOverflows == 0);
    REQUIRE(arrivals.size() == count);
    const uint32_t i0 = count / 5;
    const uint32_t i1 = count * 4 / 5;
    const double seconds = (arrivals[i1] - arrivals[i0]).GetSeconds();
    Simulator::Destroy();
    const double goodput = (i1 - i0) * 256.0 * 8.0 / seconds / capacity;
    INFO(ToString(kind) << " goodput " << goodput * 100 << " % of " << capacity / 1e9 << " Gb/s");
    return goodput;
}

} // namespace

TEST_CASE("256 B WriteFull back to back: ~95 % of 800 Gb/s", "[goodput]")
{
    const double g = SaturatedGoodput(TransactionKind::WriteFull, "Always", 6000);
    // Derived: 256 / 264 (4 compressed headers per control half-flit) x 628 / 640 = 95.2 %.
    CHECK(g == Approx(256.0 / 264.0 * 628.0 / 640.0).margin(0.02));
    // Never above what the packing allows (0.1 %: the window edges fall inside DL flits).
    CHECK(g < 256.0 / 264.0 * 628.0 / 640.0 * 1.001);
}

TEST_CASE("256 B partial Writes back to back: ~83 % of 800 Gb/s", "[goodput]")
{
    const double g = SaturatedGoodput(TransactionKind::Write, "Never", 6000);
    // Derived: 256 / (256 + 16 B header + 32 B byte enables) x 628 / 640 = 82.6 %.
    CHECK(g == Approx(256.0 / 304.0 * 628.0 / 640.0).margin(0.02));
}

TEST_CASE("256 B reads back to back: ~97 % on the response direction", "[goodput]")
{
    const double g = SaturatedGoodput(TransactionKind::Read, "Always", 6000);
    // Derived: 256 / 260 (8 compressed responses per control half-flit) x 628 / 640 = 96.6 %.
    CHECK(g == Approx(256.0 / 260.0 * 628.0 / 640.0).margin(0.02));
}

TEST_CASE("zero-load 64 B read across one switch: closed-form latency to the nanosecond", "[latency]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    h.SetSwitchAttribute("SwitchLatency", TimeValue(NanoSeconds(150)));
    auto pod = h.BuildSwitchedPod(2, 1);
    Time latency;
    pod.endpoints[0]->TraceConnectWithoutContext(
        "TransactionCompleted", MakeBoundCallback(
                                    +[](Time* out, const TransactionRecord& r) { *out = r.Latency(); }, &latency));
    Simulator::Schedule(MicroSeconds(2), [&] { pod.endpoints[0]->Read(1, 0x4000, 64); });
    Simulator::Run();

    // Every hop carries one 640 B DL flit: serialization + propagation + FEC, four hops, plus the
    // switch latency on the way there and back. The completer answers at once (CompleterLatency 0).
    auto link = pod.links[0].channel->GetLink(0);
    const Time ser = link->GetSerializationTime(ualink::kDlFlitBytes);
    const Time hop = ser + link->GetPropagationDelay() + link->GetFecLatency();
    const Time expected = 4 * hop + 2 * pod.switches[0]->GetSwitchLatency();
    CHECK(ser == PicoSeconds(6400));                       // x4 = 8 lines x 100 Gb/s
    CHECK(link->GetPropagationDelay() == NanoSeconds(10)); // 2 m x 5 ns/m (photonics defaults)
    CHECK(latency == expected);
    CHECK(pod.endpoints[0]->GetCompletedCount() == 1);
    Simulator::Destroy();
}

TEST_CASE("port widths x1 / x2 / x4 come from the photonic capacity at 200 Gb/s per lane", "[ports]")
{
    test::UsePicoseconds();
    for (uint32_t lanes : {1u, 2u, 4u})
    {
        UalinkHelper h;
        h.SetLanes(lanes);
        auto p = test::MakePointToPoint(h);
        CHECK(p.link.portA->GetCapacityBps() == Approx(lanes * 200e9));
        CHECK(p.link.portA->GetLanes() == lanes);
        // DL flit time: 25.6 / 12.8 / 6.4 ns.
        CHECK(p.link.channel->GetLink(0)->GetSerializationTime(ualink::kDlFlitBytes) == PicoSeconds(25600 / lanes));
        Simulator::Destroy();
    }
    UalinkHelper h;
    CHECK_THROWS_AS(h.SetLanes(3), ParameterError);
    CHECK_THROWS_AS(h.SetLanes(8), ParameterError);
}
