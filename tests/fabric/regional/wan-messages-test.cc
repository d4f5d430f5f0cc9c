// Messages on the long-lived connection of a site pair: they keep the window the connection has
// grown (no handshake, no slow start again), their bytes add up exactly in stream order, a failed
// connection fails every message not yet delivered and the next one opens a new connection; the
// TransferFinished notice fires once per finished transfer or message with its final record.

#include "wan-test-util.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <map>

using namespace ofab;
using ofab::test::Triangle;

namespace
{

double
RateGbps(const TransferRecord& t)
{
    return static_cast<double>(t.bytes) * 8 / (*t.endNs - t.startNs);
}

/// Every TransferFinished notice, in order.
struct Notices
{
    std::vector<TransferRecord> seen;

    void Attach(const ns3::Ptr<WideAreaNetwork>& wan)
    {
        wan->TraceConnectWithoutContext(
            "TransferFinished",
            ns3::Callback<void, const TransferRecord&>([this](const TransferRecord& r) { seen.push_back(r); }));
    }
};

} // namespace

TEST_CASE("A second message on the pair's connection does not pay slow start again", "[regional][wan]")
{
    // 10 km A-B (RTT ~102 us); the window is the BDP of the longest lightpath (A-C, 20 km).
    MeshPlanner planner(Triangle(10, 20, 20));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->Build(planner, {0, 1, 2});
    wan->AssignStreams(1);
    constexpr uint64_t kBytes = 8'000'000;
    Notices notices;
    notices.Attach(wan);
    // Chained on the notice: the second message when the first is in, then a fresh transfer of the
    // same size (a connection of its own) when the second is in.
    wan->TraceConnectWithoutContext("TransferFinished",
                                    ns3::Callback<void, const TransferRecord&>([&](const TransferRecord& r) {
                                        if (r.label == "m1")
                                        {
                                            wan->SendMessage(0, 1, kBytes, "m2");
                                        }
                                        else if (r.label == "m2")
                                        {
                                            wan->StartTransfer(0, 1, kBytes, "fresh");
                                        }
                                    }));
    wan->SendMessage(0, 1, kBytes, "m1");
    ns3::Simulator::Stop(ns3::MilliSeconds(10));
    ns3::Simulator::Run();

    const auto& ts = wan->Transfers();
    REQUIRE(ts.size() == 3);
    for (const TransferRecord& t : ts)
    {
        INFO(t.label);
        REQUIRE(t.status == TransferStatus::Completed);
        CHECK(t.deliveredBytes == kBytes);
    }
    CHECK(ts[0].kind == TransferKind::Message);
    CHECK(ts[1].kind == TransferKind::Message);
    CHECK(ts[2].kind == TransferKind::Transfer);
    CHECK(std::string(ToString(ts[2].kind)) == "transfer");
    // One connection carried both messages, one after the other in its stream; the transfer had its own.
    REQUIRE(wan->Connections().size() == 2);
    CHECK(ts[0].connection == 0u);
    CHECK(ts[1].connection == 0u);
    CHECK(ts[2].connection == 1u);
    CHECK(ts[1].streamOffset == kBytes);
    CHECK(wan->Connections()[0].persistent);
    CHECK_FALSE(wan->Connections()[1].persistent);
    CHECK(wan->Connections()[0].receivedBytes == 2 * kBytes);
    CHECK(ts[1].startNs == *ts[0].endNs);
    const double m1 = RateGbps(ts[0]);
    const double m2 = RateGbps(ts[1]);
    const double fresh = RateGbps(ts[2]);
    std::printf("8 MB over 10 km: first message %.1f Gb/s (%.0f us), second %.1f Gb/s (%.0f us), fresh transfer "
                "%.1f Gb/s (%.0f us)\n",
                m1, (*ts[0].endNs - ts[0].startNs) / 1e3, m2, (*ts[1].endNs - ts[1].startNs) / 1e3, fresh,
                (*ts[2].endNs - ts[2].startNs) / 1e3);
    CHECK(m2 > 2 * m1);
    CHECK(m2 > 2 * fresh);
    CHECK(m2 < 400);
    // The notice: once per finished one, in the order they finished, with the final record.
    REQUIRE(notices.seen.size() == 3);
    for (std::size_t i = 0; i < 3; ++i)
    {
        CHECK(notices.seen[i].id == i);
        CHECK(notices.seen[i].status == TransferStatus::Completed);
        CHECK(notices.seen[i].endNs == ts[i].endNs);
        CHECK(notices.seen[i].deliveredBytes == ts[i].deliveredBytes);
        CHECK(notices.seen[i].retransmittedBytes == ts[i].retransmittedBytes);
    }
    ns3::Simulator::Destroy();
}

TEST_CASE("Messages' bytes add up exactly on each pair's one connection, in stream order", "[regional][wan]")
{
    MeshPlanner planner(Triangle(10, 20, 20));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->Build(planner, {0, 1, 2});
    wan->AssignStreams(1);
    Notices notices;
    notices.Attach(wan);
    // Sizes that cut segments anywhere: a byte, a segment less one, a segment, and odd larger ones.
    const std::vector<uint64_t> sizes{1, 4043, 4044, 100'001, 2'999'999, 7, 1'234'567};
    const std::vector<std::pair<uint32_t, uint32_t>> pairs{{0, 1}, {1, 0}, {0, 2}};
    for (std::size_t i = 0; i < sizes.size(); ++i)
    {
        for (const auto& [a, b] : pairs)
        {
            wan->SendMessage(a, b, sizes[i], "m" + std::to_string(i));
        }
    }
    // More on the same pairs later, while the connections are open and idle.
    ns3::Simulator::Schedule(ns3::MilliSeconds(3), [&]() {
        for (const auto& [a, b] : pairs)
        {
            wan->SendMessage(a, b, 555'555, "later");
        }
    });
    ns3::Simulator::Stop(ns3::MilliSeconds(6));
    ns3::Simulator::Run();

    REQUIRE(wan->Connections().size() == pairs.size());
    uint64_t notified = 0;
    for (const WanConnectionRecord& c : wan->Connections())
    {
        INFO("connection " << c.id);
        CHECK(c.persistent);
        CHECK_FALSE(c.failedNs);
        uint64_t sum = 0;
        uint64_t delivered = 0;
        double lastEnd = 0;
        for (uint64_t id : c.transfers)
        {
            const TransferRecord& t = wan->Transfers()[id];
            CHECK(t.fromSite == c.fromSite);
            CHECK(t.toSite == c.toSite);
            CHECK(t.streamOffset == sum);
            REQUIRE(t.status == TransferStatus::Completed);
            CHECK(t.deliveredBytes == t.bytes);
            CHECK(*t.firstByteNs <= *t.endNs);
            CHECK(*t.endNs >= lastEnd); // in order
            lastEnd = *t.endNs;
            sum += t.bytes;
            delivered += t.deliveredBytes;
        }
        CHECK(c.transfers.size() == sizes.size() + 1);
        CHECK(c.streamBytes == sum);
        CHECK(c.queuedBytes == sum);
        CHECK(c.receivedBytes == sum);
        CHECK(delivered == sum);
        CHECK(wan->DeliveredBytes(c.fromSite, c.toSite) == sum);
        notified += c.transfers.size();
    }
    CHECK(notices.seen.size() == notified);
    std::map<uint64_t, int> times;
    for (const TransferRecord& r : notices.seen)
    {
        ++times[r.id];
    }
    CHECK(times.size() == notified);
    ns3::Simulator::Destroy();
}

TEST_CASE("A failed connection fails its undelivered messages, and the pair's next message opens a new one",
          "[regional][wan]")
{
    // Sites A and B only: the A-B duct cut partitions them until restoration over A-C-B, set long
    // after TCP gives up (minimum RTO 5 ms, 6 retries with backoff: ~0.6 s).
    MeshPlanner planner(Triangle(10, 20, 20));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->SetAttribute("TcpMinRto", ns3::TimeValue(ns3::MilliSeconds(5)));
    wan->SetAttribute("TcpDelayedAckTimeout", ns3::TimeValue(ns3::MilliSeconds(1)));
    wan->SetAttribute("RestorationTime", ns3::TimeValue(ns3::Seconds(2)));
    wan->SetAttribute("PacketRerouteTime", ns3::TimeValue(ns3::MilliSeconds(2)));
    wan->Build(planner, {0, 1});
    wan->AssignStreams(1);
    Notices notices;
    notices.Attach(wan);
    wan->SendMessage(0, 1, 200'000'000, "big");
    wan->SendMessage(0, 1, 1'000'000, "queued");
    ns3::Simulator::Schedule(ns3::MilliSeconds(2), [&]() { wan->FailDuct("ab"); });
    ns3::Simulator::Schedule(ns3::MilliSeconds(2100), [&]() { wan->SendMessage(0, 1, 1'000'000, "after"); });
    ns3::Simulator::Stop(ns3::MilliSeconds(2150));
    ns3::Simulator::Run();

    const auto& ts = wan->Transfers();
    REQUIRE(ts.size() == 3);
    REQUIRE(wan->Connections().size() == 2);
    const WanConnectionRecord& old = wan->Connections()[0];
    REQUIRE(old.failedNs);
    CHECK(old.reason == "connection aborted: retransmission limit reached");
    std::printf("connection gave up %.1f ms after the cut; 'big' delivered %llu of %llu B\n",
                (*old.failedNs - 2e6) / 1e6, static_cast<unsigned long long>(ts[0].deliveredBytes),
                static_cast<unsigned long long>(ts[0].bytes));
    CHECK(*old.failedNs > 2e6 + 100e6);
    CHECK(*old.failedNs < 2000e6); // before restoration
    for (int i : {0, 1})
    {
        INFO(ts[i].label);
        CHECK(ts[i].status == TransferStatus::Failed);
        CHECK(ts[i].reason == old.reason);
        CHECK(ts[i].endNs == old.failedNs);
    }
    CHECK(ts[0].deliveredBytes > 0);
    CHECK(ts[0].deliveredBytes < ts[0].bytes);
    CHECK(ts[1].deliveredBytes == 0);
    CHECK(old.receivedBytes == ts[0].deliveredBytes + ts[1].deliveredBytes);
    CHECK(ts[2].connection == 1u);
    CHECK(ts[2].streamOffset == 0);
    CHECK(ts[2].status == TransferStatus::Completed);
    REQUIRE(notices.seen.size() == 3);
    CHECK(notices.seen[0].id == 0);
    CHECK(notices.seen[1].id == 1);
    CHECK(notices.seen[1].status == TransferStatus::Failed);
    CHECK(notices.seen[2].id == 2);
    ns3::Simulator::Destroy();
}

TEST_CASE("A message to a dead gateway fails at once, with its notice", "[regional][wan]")
{
    MeshPlanner planner(Triangle(10, 10, 10));
    auto wan = ns3::CreateObject<WideAreaNetwork>();
    wan->Build(planner, {0, 1, 2});
    Notices notices;
    notices.Attach(wan);
    wan->SendMessage(0, 2, 1'000'000, "to C");
    ns3::Simulator::Schedule(ns3::MicroSeconds(100), [&]() { wan->FailGateway(2); });
    ns3::Simulator::Schedule(ns3::MicroSeconds(200), [&]() { wan->SendMessage(0, 2, 10, "to dead C"); });
    ns3::Simulator::Stop(ns3::MilliSeconds(1));
    ns3::Simulator::Run();
    REQUIRE(notices.seen.size() == 2);
    CHECK(notices.seen[0].reason == "gateway of site C failed");
    CHECK(notices.seen[1].reason == "gateway of site C is down");
    CHECK_FALSE(notices.seen[1].connection);
    CHECK(wan->Connections().size() == 1);
    ns3::Simulator::Destroy();
}
