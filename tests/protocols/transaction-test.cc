// Request rules at the originator and completer status codes.

#include "protocol-test-util.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <string>

using namespace ofab;
using namespace ns3;

TEST_CASE("requests that break the size and boundary rules are rejected with a clear error", "[transaction]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    auto pp = test::MakePointToPoint(h);
    // 0xF0 + 32 B = 0x110: crosses the 256 B boundary at 0x100.
    try
    {
        pp.a->Read(1, 0xF0, 32);
        FAIL("a request crossing a 256 B boundary was accepted");
    }
    catch (const ParameterError& e)
    {
        CHECK(e.Attribute() == "address");
        CHECK(std::string(e.what()).find("crosses a 256 B boundary") != std::string::npos);
        CHECK(std::string(e.what()).find("0xf0") != std::string::npos);
    }
    CHECK_THROWS_AS(pp.a->Read(1, 0, 257), ParameterError);     // larger than 256 B
    CHECK_THROWS_AS(pp.a->Write(1, 0, 0), ParameterError);      // empty
    CHECK_THROWS_AS(pp.a->WriteFull(1, 0, 96), ParameterError); // not whole 64 B beats
    CHECK_THROWS_AS(pp.a->AtomicR(1, 0, 16), ParameterError);   // atomics: 4 or 8 B
    CHECK_THROWS_AS(pp.a->AtomicNR(1, 4, 8), ParameterError);   // misaligned
    CHECK_THROWS_AS(pp.a->Read(0, 0, 64), ParameterError);      // to itself
    CHECK_THROWS_AS(pp.a->Read(1024, 0, 64), ParameterError);   // beyond 10-bit ids
    CHECK_THROWS_AS(pp.a->Read(1, 0, 64, 2), ParameterError);   // traffic class 0 or 1
    CHECK(pp.a->GetIssuedCount() == 0);                         // rejected requests never count
    // The largest legal requests pass (issued once the link is up).
    Simulator::Schedule(MicroSeconds(1), [&] {
        CHECK_NOTHROW(pp.a->Read(1, 0x100, 256));
        CHECK_NOTHROW(pp.a->Write(1, 0x1C0, 64));
        CHECK_NOTHROW(pp.a->AtomicR(1, 0x8, 8));
    });
    Simulator::Run();
    CHECK(pp.a->GetCompletedCount() == 3);
    Simulator::Destroy();
}

TEST_CASE("every transaction kind completes and moves its payload", "[transaction]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    auto pp = test::MakePointToPoint(h);
    Simulator::Schedule(MicroSeconds(1), [&] {
        pp.a->Read(1, 0x000, 256);
        pp.a->Write(1, 0x100, 100);
        pp.a->WriteFull(1, 0x200, 192);
        pp.a->AtomicR(1, 0x300, 8);
        pp.a->AtomicNR(1, 0x308, 4);
    });
    Simulator::Run();
    CHECK(pp.a->GetCompletedCount() == 5);
    CHECK(pp.b->GetCompleterStats().requestsServed == 5);
    CHECK(pp.b->GetCompleterStats().payloadBytesRead == 256 + 8);
    CHECK(pp.b->GetCompleterStats().payloadBytesWritten == 100 + 192 + 4);
    // Read data comes back on the response direction: 256 + 8 B.
    CHECK(pp.link.portB->GetStats().payloadBytesSent == 264);
    Simulator::Destroy();
}

TEST_CASE("completer status codes: decode error and isolate reach the originator", "[transaction]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetEndpointAttribute("MemoryBytes", UintegerValue(1 << 20));
    auto pp = test::MakePointToPoint(h);
    std::vector<TransactionStatus> statuses;
    pp.a->TraceConnectWithoutContext(
        "TransactionFailed",
        MakeBoundCallback(
            +[](std::vector<TransactionStatus>* v, const TransactionRecord& r) { v->push_back(r.status); }, &statuses));
    Simulator::Schedule(MicroSeconds(1), [&] { pp.a->Read(1, 2 << 20, 64); }); // beyond 1 MiB
    Simulator::Schedule(MicroSeconds(3), [&] { pp.b->SetIsolated(true); });
    Simulator::Schedule(MicroSeconds(4), [&] { pp.a->Write(1, 0, 64); });
    Simulator::Schedule(MicroSeconds(6), [&] { pp.a->SetIsolated(true); });
    Simulator::Schedule(MicroSeconds(7), [&] { pp.a->Read(1, 0, 64); }); // fails at the originator
    Simulator::Run();
    REQUIRE(statuses.size() == 3);
    CHECK(statuses[0] == TransactionStatus::DecodeError);
    CHECK(statuses[1] == TransactionStatus::Isolate);
    CHECK(statuses[2] == TransactionStatus::Isolate);
    CHECK(pp.a->GetIssuedCount() == 3);
    CHECK(pp.a->GetFailedCount() == 3);
    Simulator::Destroy();
}

TEST_CASE("a destination without a route fails with DecodeError, not silently", "[transaction]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    auto pod = h.BuildSwitchedPod(2, 1);
    TransactionStatus status = TransactionStatus::Okay;
    pod.endpoints[0]->TraceConnectWithoutContext(
        "TransactionFailed", MakeBoundCallback(
                                 +[](TransactionStatus* s, const TransactionRecord& r) { *s = r.status; }, &status));
    // Accelerator 9 does not exist: the switch has no entry and answers DecodeError.
    Simulator::Schedule(MicroSeconds(1), [&] { pod.endpoints[0]->Read(9, 0, 64); });
    Simulator::Run();
    CHECK(status == TransactionStatus::DecodeError);
    CHECK(pod.switches[0]->GetRouterStats().failedBack == 1);
    Simulator::Destroy();
}
