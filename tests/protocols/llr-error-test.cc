// Link-level retry driven by the photonic layer's frame errors.

#include "protocol-test-util.h"

#include "ns3/simulator.h"
#include "ns3/string.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

using namespace ofab;
using namespace ns3;

namespace
{

struct PingPong
{
    Ptr<AcceleratorEndpoint> a;
    uint32_t left = 0;
    uint64_t next = 0;
};

void
IssueNext(PingPong* s, const TransactionRecord&)
{
    if (s->left == 0)
    {
        return;
    }
    --s->left;
    s->a->Read(1, (s->next++ % 4096) * 64, 64);
}

uint64_t
Sum(const UalinkHelper::Link& l, uint64_t UalinkPort::Stats::*field)
{
    return l.portA->GetStats().*field + l.portB->GetStats().*field;
}

} // namespace

TEST_CASE("retransmitted / sent DL flits follows p / (1 - p) of the photonic link", "[llr][photonics]")
{
    for (double target : {0.01, 0.05})
    {
        test::UsePicoseconds();
        UalinkHelper h;
        h.SetLanes(4);
        const double p = test::TuneFrameErrorProbability(h.Photonics(), target);
        auto pp = test::MakePointToPoint(h);
        h.AssignStreams(7);

        // One transaction at a time: one DL flit in flight per direction, so go-back-N re-sends
        // exactly the failed flit and the count of re-sends per flit is geometric.
        const uint32_t transactions = 20000;
        PingPong s{pp.a, transactions - 1, 0};
        pp.a->TraceConnectWithoutContext("TransactionCompleted", MakeBoundCallback(&IssueNext, &s));
        Simulator::Schedule(MicroSeconds(1), [&] { pp.a->Read(1, 0, 64); });
        Simulator::Run();

        const double sent = static_cast<double>(Sum(pp.link, &UalinkPort::Stats::flitsSent));
        const double replayed = static_cast<double>(Sum(pp.link, &UalinkPort::Stats::flitsReplayed));
        const double ratio = replayed / sent;
        const double expected = p / (1 - p);
        // Standard error of the mean of a geometric count over `sent` flits: sqrt(p) / (1 - p).
        const double sigma = std::sqrt(p / sent) / (1 - p);
        INFO("p = " << p << " sent " << sent << " replayed " << replayed << " ratio " << ratio << " expected "
                    << expected << " +- " << sigma);
        CHECK(std::fabs(ratio - expected) < 5 * sigma);
        CHECK(pp.a->GetCompletedCount() == transactions);
        CHECK(pp.a->GetFailedCount() == 0);
        CHECK(Sum(pp.link, &UalinkPort::Stats::crcErrors) > 0);
        Simulator::Destroy();
    }
}

TEST_CASE("under saturation with p = 0.05 every transaction completes and regions stay ordered", "[llr][ordering]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    const double p = test::TuneFrameErrorProbability(h.Photonics(), 0.05);
    auto pp = test::MakePointToPoint(h);
    h.AssignStreams(11);

    // Completer-side arrival order per 256 B region and VC.
    std::map<uint64_t, uint64_t> lastId;
    uint64_t outOfOrder = 0;
    struct Check
    {
        std::map<uint64_t, uint64_t>* last;
        uint64_t* bad;
    } check{&lastId, &outOfOrder};
    pp.b->TraceConnectWithoutContext("RequestServed", MakeBoundCallback(
                                                          +[](Check* c, const TlMessage& m) {
                                                              const uint64_t key = (m.address / 256) * 4 + (m.vc >> 1);
                                                              auto it = c->last->find(key);
                                                              if (it != c->last->end() && it->second > m.txnId)
                                                              {
                                                                  ++*c->bad;
                                                              }
                                                              (*c->last)[key] = m.txnId;
                                                          },
                                                          &check));

    const uint32_t count = 6000;
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i < count; ++i)
        {
            // 24 regions, both traffic classes, writes and reads interleaved in each region.
            const uint64_t region = i % 24;
            const uint8_t tc = (i / 24) % 2;
            if (i % 3 == 2)
            {
                pp.a->Read(1, region * 256, 128, tc);
            }
            else
            {
                pp.a->WriteFull(1, region * 256, 256, tc);
            }
        }
    });
    Simulator::Run();

    const auto& rx = pp.link.portB->GetStats();
    const double arrivals =
        rx.flitsAccepted + rx.controlFlitsReceived + rx.crcErrors + rx.outOfSequence + rx.duplicates;
    INFO("p = " << p << " crc " << rx.crcErrors << " of " << arrivals << " replayed "
                << pp.link.portA->GetStats().flitsReplayed << " sent " << pp.link.portA->GetStats().flitsSent);
    CHECK(pp.a->GetCompletedCount() == count);
    CHECK(pp.a->GetFailedCount() == 0);
    CHECK(outOfOrder == 0);
    CHECK(lastId.size() == 48);
    // The CRC failure rate seen by the receiver is the photonic p (binomial, 5 sigma).
    CHECK(std::fabs(rx.crcErrors / arrivals - p) < 5 * std::sqrt(p * (1 - p) / arrivals));
    // Go-back-N re-sends at least every failed flit (and the ones behind it that were in flight).
    CHECK(pp.link.portA->GetStats().flitsReplayed >= rx.crcErrors);
    CHECK(rx.bufferOverflows == 0);
    Simulator::Destroy();
}

TEST_CASE("a worse link budget shows up as retries and latency", "[llr][photonics]")
{
    Time mean[2];
    uint64_t retries[2];
    int i = 0;
    for (double target : {1e-4, 0.05})
    {
        test::UsePicoseconds();
        UalinkHelper h;
        h.SetLanes(4);
        test::TuneFrameErrorProbability(h.Photonics(), target);
        auto pp = test::MakePointToPoint(h);
        h.AssignStreams(3);
        Time total;
        pp.a->TraceConnectWithoutContext("TransactionCompleted",
                                         MakeBoundCallback(
                                             +[](Time* t, const TransactionRecord& r) { *t += r.Latency(); }, &total));
        Simulator::Schedule(MicroSeconds(1), [&] {
            for (uint32_t k = 0; k < 3000; ++k)
            {
                pp.a->Read(1, k * 256, 256);
            }
        });
        Simulator::Run();
        REQUIRE(pp.a->GetCompletedCount() == 3000);
        mean[i] = total / 3000;
        retries[i] = Sum(pp.link, &UalinkPort::Stats::flitsReplayed);
        Simulator::Destroy();
        ++i;
    }
    CHECK(retries[1] > 10 * (retries[0] + 1));
    CHECK(mean[1] > mean[0]);
}

TEST_CASE("sequence numbers wrap 511 -> 1 on a live link, with retries across the wrap", "[llr]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    test::TuneFrameErrorProbability(h.Photonics(), 0.02);
    auto pp = test::MakePointToPoint(h);
    h.AssignStreams(5);
    std::vector<uint16_t> sent;
    pp.link.portA->TraceConnectWithoutContext("DlFlitSent", MakeBoundCallback(
                                                                +[](std::vector<uint16_t>* v, uint16_t seq, uint16_t) {
                                                                    if (seq != 0)
                                                                    {
                                                                        v->push_back(seq);
                                                                    }
                                                                },
                                                                &sent));
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i < 3000; ++i)
        {
            pp.a->WriteFull(1, i * 256, 256);
        }
    });
    Simulator::Run();
    REQUIRE(sent.size() > 1100); // more than two trips round the 511 numbers
    int wraps = 0;
    for (std::size_t i = 1; i < sent.size(); ++i)
    {
        REQUIRE(sent[i] >= 1);
        REQUIRE(sent[i] <= 511);
        REQUIRE(sent[i] == (sent[i - 1] == 511 ? 1 : sent[i - 1] + 1)); // new flits are consecutive
        wraps += sent[i - 1] == 511 ? 1 : 0;
    }
    CHECK(wraps >= 2);
    CHECK(pp.link.portA->GetStats().flitsReplayed > 0);
    CHECK(pp.a->GetCompletedCount() == 3000);
    CHECK(pp.b->GetCompleterStats().requestsServed == 3000); // nothing twice, nothing lost
    Simulator::Destroy();
}

TEST_CASE("laser lines failing mid-transfer slow the port down, it keeps working", "[photonics]")
{
    test::UsePicoseconds();
    UalinkHelper h;
    h.SetLanes(4);
    h.SetPortAttribute("AddressCompression", StringValue("Always"));
    auto pp = test::MakePointToPoint(h);
    std::vector<Time> served;
    pp.b->TraceConnectWithoutContext(
        "RequestServed", MakeBoundCallback(
                             +[](std::vector<Time>* v, const TlMessage&) { v->push_back(Simulator::Now()); }, &served));
    const uint32_t count = 12000;
    Simulator::Schedule(MicroSeconds(1), [&] {
        for (uint32_t i = 0; i < count; ++i)
        {
            pp.a->WriteFull(1, (i % 65536) * 256, 256);
        }
    });
    // Half-way through, four of the eight lines of the A -> B direction go dark.
    Ptr<LaserSource> source = pp.link.channel->GetLink(0)->GetLaserSource();
    Simulator::Schedule(MicroSeconds(17), [&] {
        for (uint32_t line = 0; line < 4; ++line)
        {
            source->FailLine(line);
        }
    });
    Simulator::Run();
    REQUIRE(served.size() == count);
    CHECK(pp.a->GetCompletedCount() == count);
    CHECK(pp.link.portA->GetCapacityBps() == Approx(400e9));
    CHECK(pp.link.portA->GetLanes() == 2);
    // Rate before (writes 1000..3000) and after (writes count-3000..count-1000) the failure.
    const double before = 2000 / (served[3000] - served[1000]).GetSeconds();
    const double after = 2000 / (served[count - 1000] - served[count - 3000]).GetSeconds();
    CHECK(after / before == Approx(0.5).margin(0.02));
    CHECK(pp.link.portA->GetStats().linkDowns == 0);
    Simulator::Destroy();
}
