// Link down: the documented policy, the re-route hook, and the accounting of every transaction.

#include "protocol-test-util.h"

#include "ns3/simulator.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <vector>

using namespace ofab;
using namespace ns3;

namespace
{

struct Tally
{
    std::map<TransactionStatus, uint64_t> failed;
};

void
CountFailure(Tally* t, const TransactionRecord& r)
{
    ++t->failed[r.status];
}

void
IssueMixed(Ptr<AcceleratorEndpoint> e, uint16_t dst, uint32_t count)
{
    for (uint32_t i = 0; i < count; ++i)
    {
        if (i % 2 == 0)
        {
            e->WriteFull(dst, i * 256, 256);
        }
        else
        {
            e->Read(dst, i * 256, 256);
        }
    }
}

void
RememberId(std::vector<uint64_t>* ids, const TransactionRecord& r)
{
    ids->push_back(r.id);
}

/// issued = completed + failed + in flight, and the in-flight list has exactly that many entries.
void
CheckAccounting(Ptr<AcceleratorEndpoint> e)
{
    const auto inFlight = e->GetInFlightTransactions();
    CHECK(e->GetIssuedCount() == e->GetCompletedCount() + e->GetFailedCount() + e->GetInFlightCount());
    CHECK(inFlight.size() == e->GetInFlightCount());
}

} // namespace

TEST_CASE("a link cut mid-transfer: every transaction is completed, failed with a reason, or in flight", "[linkdown]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    auto pod = h.BuildSwitchedPod(2, 1);
    auto a = pod.endpoints[0];
    auto b = pod.endpoints[1];
    Tally tally;
    a->TraceConnectWithoutContext("TransactionFailed", MakeBoundCallback(&CountFailure, &tally));
    const uint32_t count = 4000;
    Simulator::Schedule(MicroSeconds(1), [&] { IssueMixed(a, 1, count); });
    // Cut the switch <-> B fibre while the transfer runs (it needs ~10 us at 800 Gb/s).
    Ptr<OpticalChannel> toB = pod.links[1].channel;
    REQUIRE(pod.links[1].a == Ptr<UalinkRouter>(b));
    uint64_t inFlightAtCut = 0;
    Simulator::Schedule(MicroSeconds(4), [&] {
        inFlightAtCut = a->GetInFlightCount();
        toB->Cut();
    });
    // Part-way: some transactions are still open, and the identity holds.
    Simulator::Schedule(MicroSeconds(8), [&] { CheckAccounting(a); });
    Simulator::Run();

    CHECK(inFlightAtCut > 0);
    CheckAccounting(a);
    CHECK(a->GetInFlightCount() == 0); // after the completion timeout nothing is left open
    CHECK(a->GetIssuedCount() == count);
    CHECK(a->GetCompletedCount() > 0);
    CHECK(a->GetFailedCount() > 0);
    // Policy: requests queued toward the dead port came back as LinkDown; responses lost with the
    // link (or requests delivered whose answer could not return) ended by completion timeout.
    CHECK(tally.failed[TransactionStatus::LinkDown] > 0);
    uint64_t reasons = 0;
    for (const auto& [status, n] : tally.failed)
    {
        CHECK((status == TransactionStatus::LinkDown || status == TransactionStatus::CompletionTimeout));
        reasons += n;
    }
    CHECK(reasons == a->GetFailedCount());
    CHECK(pod.switches[0]->GetRouterStats().failedBack > 0);
    Simulator::Destroy();
}

TEST_CASE("a link that comes back resumes with fresh sequence numbers and credits", "[linkdown]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetPortAttribute("LinkRetrainTime", TimeValue(MicroSeconds(2)));
    auto pp = test::MakePointToPoint(h);
    Simulator::Schedule(MicroSeconds(1), [&] { IssueMixed(pp.a, 1, 2000); });
    Simulator::Schedule(MicroSeconds(3), [&] { pp.link.channel->Cut(); });
    Simulator::Schedule(MicroSeconds(5), [&] { pp.link.channel->Restore(); });
    bool upAgainAt8 = false;
    Simulator::Schedule(MicroSeconds(8), [&] {
        upAgainAt8 = pp.link.portA->IsUp() && pp.link.portB->IsUp();
        IssueMixed(pp.a, 1, 500);
    });
    Simulator::Run();
    CHECK(upAgainAt8);
    CheckAccounting(pp.a);
    CHECK(pp.a->GetInFlightCount() == 0);
    CHECK(pp.a->GetFailedCount() > 0);       // the cut cost some
    CHECK(pp.a->GetCompletedCount() >= 500); // and traffic flows again afterwards
    CHECK(pp.link.portA->GetStats().linkDowns == 1);
    CHECK(pp.link.portA->GetStats().bufferOverflows + pp.link.portB->GetStats().bufferOverflows == 0);
    Simulator::Destroy();
}

TEST_CASE("the link-down hook takes queued messages and re-routes them over another plane", "[linkdown]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(1); // slow links keep many requests queued at the originator
    auto pod = h.BuildSwitchedPod(2, 2);
    auto a = pod.endpoints[0];
    Tally tally;
    a->TraceConnectWithoutContext("TransactionFailed", MakeBoundCallback(&CountFailure, &tally));
    // A fabric controller in miniature: everything queued or unacknowledged on the dead port goes
    // out again through whatever the table now offers (the live plane).
    uint64_t rerouted = 0;
    a->SetLinkDownHandler(MakeBoundCallback(
        +[](std::pair<AcceleratorEndpoint*, uint64_t*> s, uint16_t, std::vector<TlMessage>& msgs) {
            for (const auto& m : msgs)
            {
                s.first->Reinject(m);
                ++*s.second;
            }
            msgs.clear();
        },
        std::make_pair(PeekPointer(a), &rerouted)));
    Simulator::Schedule(MicroSeconds(1), [&] { IssueMixed(a, 1, 2000); });
    // Plane 0 link of accelerator 0 (links are plane-major: links[0] = endpoint 0 <-> switch 0).
    REQUIRE(pod.links[0].a == Ptr<UalinkRouter>(a));
    Simulator::Schedule(MicroSeconds(3), [&] { pod.links[0].channel->Cut(); });
    Simulator::Run();
    CHECK(rerouted > 0);
    CHECK(a->GetRouterStats().handedToHandler == rerouted);
    CheckAccounting(a);
    CHECK(a->GetInFlightCount() == 0);
    // Nothing queued at the originator failed with LinkDown: the hook took it. Responses on their
    // way back through the dead plane are still lost (completion timeout), as the policy says.
    CHECK(tally.failed[TransactionStatus::LinkDown] == 0);
    CHECK(a->GetCompletedCount() + tally.failed[TransactionStatus::CompletionTimeout] == 2000);
    Simulator::Destroy();
}

TEST_CASE("a dead port fails a long queue of waiting requests one after another, not by recursion", "[linkdown]")
{
    // 2048 tags: the rest wait. When the only port dies, each failure frees a tag for the next
    // waiting request, which fails at once: that used to recurse once per waiting request and
    // overflow the stack (a 64 MiB all-reduce whose only route went down).
    test::UsePicoseconds();
    UalinkHelper h;
    auto pp = test::MakePointToPoint(h);
    const uint32_t count = 100'000;
    std::vector<uint64_t> failedIds;
    pp.a->TraceConnectWithoutContext("TransactionFailed", MakeBoundCallback(&RememberId, &failedIds));
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i < count; ++i)
        {
            pp.a->WriteFull(1, (i % 4096) * 256, 256);
        }
    });
    Simulator::Schedule(NanoSeconds(1100), [&] { pp.link.channel->Cut(); });
    Simulator::Run();
    CheckAccounting(pp.a);
    CHECK(pp.a->GetIssuedCount() == count);
    CHECK(pp.a->GetInFlightCount() == 0);
    CHECK(pp.a->GetFailedCount() + pp.a->GetCompletedCount() == count);
    CHECK(pp.a->GetFailedCount() > count - 4096);
    // The requests that were waiting for a tag (all but the first 2048 issued, well past 4096) fail
    // in issue order.
    std::vector<uint64_t> waited;
    const uint64_t firstId = *std::min_element(failedIds.begin(), failedIds.end());
    std::copy_if(failedIds.begin(), failedIds.end(), std::back_inserter(waited),
                 [&](uint64_t id) { return id >= firstId + 4096; });
    CHECK(waited.size() == count - 4096);
    CHECK(std::is_sorted(waited.begin(), waited.end()));
    Simulator::Destroy();
}
