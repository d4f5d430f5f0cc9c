// Credit flow control and the originator's tag limit.

#include "protocol-test-util.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

using namespace ofab;
using namespace ns3;

TEST_CASE("a receiver that stops returning credits stalls its sender without loss", "[credits]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    h.SetPortAttribute("RequestCommandBuffers", UintegerValue(32));
    h.SetPortAttribute("RequestDataBuffers", UintegerValue(64));
    auto pp = test::MakePointToPoint(h);
    uint32_t stalls = 0;
    pp.link.portA->TraceConnectWithoutContext("CreditStall",
                                              MakeBoundCallback(
                                                  +[](uint32_t* n, uint8_t, uint8_t) { ++*n; }, &stalls));

    const uint32_t count = 400;
    // Initial credits are released at link-up; after that B keeps its buffers to itself.
    Simulator::Schedule(MicroSeconds(1), [&] { pp.link.portB->SetCreditReturnPaused(true); });
    Simulator::Schedule(MicroSeconds(2), [&] {
        for (uint32_t i = 0; i < count; ++i)
        {
            pp.a->WriteFull(1, i * 256, 256);
        }
    });
    uint64_t servedWhileStalled = 0;
    std::size_t queuedWhileStalled = 0;
    Simulator::Schedule(MicroSeconds(20), [&] {
        servedWhileStalled = pp.b->GetCompleterStats().requestsServed;
        queuedWhileStalled = pp.link.portA->GetQueuedMessages();
        pp.link.portB->SetCreditReturnPaused(false);
    });
    Simulator::Run();

    // 64 data credits of 64 B = 16 writes of 256 B (the command credits, 32, are not the limit).
    CHECK(servedWhileStalled == 16);
    CHECK(queuedWhileStalled == count - 16);
    CHECK(stalls >= 1);
    CHECK(pp.link.portA->GetStats().creditStalls >= 1);
    // Released credits resume the sender: everything arrives, nothing overflowed or failed.
    CHECK(pp.b->GetCompleterStats().requestsServed == count);
    CHECK(pp.a->GetCompletedCount() == count);
    CHECK(pp.a->GetFailedCount() == 0);
    CHECK(pp.link.portB->GetStats().bufferOverflows == 0);
    Simulator::Destroy();
}

TEST_CASE("a full switch input back-pressures through the fabric without overflow", "[credits]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(1); // a slow x1 output toward the hot spot
    h.SetPortAttribute("RequestCommandBuffers", UintegerValue(8));
    h.SetPortAttribute("RequestDataBuffers", UintegerValue(16));
    // Tiny buffers make this slow (credit round trips): allow it to finish rather than time out.
    h.SetEndpointAttribute("CompletionTimeout", TimeValue(MilliSeconds(10)));
    auto pod = h.BuildSwitchedPod(4, 1);
    // Three originators write to accelerator 3 at once: its switch port is the bottleneck.
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint16_t src = 0; src < 3; ++src)
        {
            for (uint32_t i = 0; i < 300; ++i)
            {
                pod.endpoints[src]->WriteFull(3, (src * 1000 + i) * 256, 256);
            }
        }
    });
    Simulator::Run();
    uint64_t overflows = 0;
    for (const auto& l : pod.links)
    {
        overflows += l.portA->GetStats().bufferOverflows + l.portB->GetStats().bufferOverflows;
    }
    CHECK(overflows == 0);
    CHECK(pod.endpoints[3]->GetCompleterStats().requestsServed == 900);
    for (uint16_t src = 0; src < 3; ++src)
    {
        CHECK(pod.endpoints[src]->GetCompletedCount() == 300);
    }
    Simulator::Destroy();
}

TEST_CASE("2048 tags per originator port: the 2049th request waits for a free tag", "[tags]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    auto pp = test::MakePointToPoint(h);
    uint64_t lastId = 0;
    uint32_t outstanding = 0;
    uint32_t waiting = 0;
    TransactionRecord waiter;
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i <= ualink::kTagCount; ++i)
        {
            lastId = pp.a->Read(1, i * 256, 64);
        }
        outstanding = pp.a->GetOutstanding(0);
        waiting = pp.a->GetWaitingForTag(0);
        for (const auto& r : pp.a->GetInFlightTransactions())
        {
            if (r.id == lastId)
            {
                waiter = r;
            }
        }
    });
    TransactionRecord done;
    pp.a->TraceConnectWithoutContext("TransactionCompleted",
                                     MakeBoundCallback(
                                         +[](std::pair<uint64_t*, TransactionRecord*> s, const TransactionRecord& r) {
                                             if (r.id == *s.first)
                                             {
                                                 *s.second = r;
                                             }
                                         },
                                         std::make_pair(&lastId, &done)));
    Simulator::Run();
    CHECK(outstanding == 2048);
    CHECK(waiting == 1);
    CHECK(waiter.state == TransactionState::WaitingForTag);
    CHECK(pp.a->GetCompletedCount() == 2049);
    REQUIRE(done.id == lastId);
    CHECK(done.tagTime > done.issueTime); // it got its tag only when an earlier one completed
    CHECK(done.status == TransactionStatus::Okay);
    Simulator::Destroy();
}

TEST_CASE("a completion timeout fails the transaction with its status, the late response is stale", "[tags][timeout]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    auto pp = test::MakePointToPoint(h);
    pp.a->SetAttribute("CompletionTimeout", TimeValue(MicroSeconds(10)));
    pp.b->SetAttribute("CompleterLatency", TimeValue(MicroSeconds(30)));
    TransactionRecord failed;
    pp.a->TraceConnectWithoutContext(
        "TransactionFailed", MakeBoundCallback(
                                 +[](TransactionRecord* out, const TransactionRecord& r) { *out = r; }, &failed));
    Simulator::Schedule(MicroSeconds(1), [&] { pp.a->Read(1, 0x100, 64); });
    Simulator::Run();
    CHECK(failed.status == TransactionStatus::CompletionTimeout);
    CHECK(failed.state == TransactionState::Failed);
    CHECK(failed.Latency() == MicroSeconds(10));
    CHECK(pp.a->GetFailedCount() == 1);
    CHECK(pp.a->GetCompletedCount() == 0);
    CHECK(pp.a->GetStaleResponses() == 1); // the response came back at ~31 us
    CHECK(pp.a->GetInFlightCount() == 0);
    Simulator::Destroy();
}
