// The output arbiter on its own: oldest transaction first, FIFO inside a queue, round robin on equal
// ages, heads without credits skipped and reported.

#include "ofab/protocols/model/output-arbiter.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace ofab;

namespace
{

/// A 64 B write request from input `in` on VC `vc`, born at `bornNs`, ready at once.
TlMessage
Request(uint16_t in, uint8_t vc, uint32_t bornNs, uint64_t id)
{
    TlMessage m;
    m.txnId = id;
    m.kind = MessageKind::Request;
    m.txnKind = TransactionKind::WriteFull;
    m.length = 64;
    m.inPort = in;
    m.vc = vc;
    m.bornNs = bornNs;
    ualink::Seal(m);
    return m;
}

/// Credits as a receiver with `commands` command and 1024 data buffers per VC and class grants them.
TxCredits
Granted(uint32_t commands)
{
    TxCredits c;
    CreditCounters released{};
    for (uint8_t vc = 0; vc < ualink::kVcCount; ++vc)
    {
        released[CreditIndex(vc, CreditClass::RequestCommand)] = commands;
        released[CreditIndex(vc, CreditClass::ResponseCommand)] = commands;
        released[CreditIndex(vc, CreditClass::RequestData)] = 1024;
        released[CreditIndex(vc, CreditClass::ResponseData)] = 1024;
    }
    c.OnGrant(released);
    return c;
}

/// Transaction ids in the order the arbiter hands them out.
std::vector<uint64_t>
DrainOrder(OutputArbiter& a, const TxCredits& credits)
{
    std::vector<uint64_t> order;
    TlMessage out;
    while (a.Peek(0, credits) != nullptr)
    {
        a.PopInto(out);
        order.push_back(out.txnId);
    }
    return order;
}

} // namespace

TEST_CASE("output arbiter: the oldest transaction goes first, whatever its input and VC", "[arbiter]")
{
    OutputArbiter a;
    a.Enqueue(Request(0, 0, 300, 1), 0);
    a.Enqueue(Request(2, 1, 100, 2), 0);
    a.Enqueue(Request(ualink::kLocalInput, 0, 200, 3), 0);
    a.Enqueue(Request(1, 0, 50, 4), 0);
    CHECK(DrainOrder(a, Granted(256)) == std::vector<uint64_t>{4, 2, 3, 1});
}

TEST_CASE("output arbiter: a queue is FIFO even when a younger message leads it", "[arbiter]")
{
    // Input 0 holds a young message in front of an old one; input 1 one of middle age. Only heads
    // compete: the old message may not overtake the young one in its own queue (region ordering).
    OutputArbiter a;
    a.Enqueue(Request(0, 0, 500, 1), 0);
    a.Enqueue(Request(0, 0, 10, 2), 0);
    a.Enqueue(Request(1, 0, 200, 3), 0);
    CHECK(DrainOrder(a, Granted(256)) == std::vector<uint64_t>{3, 1, 2});
}

TEST_CASE("output arbiter: equal ages go round robin over the inputs", "[arbiter]")
{
    OutputArbiter a;
    for (uint64_t k = 0; k < 3; ++k)
    {
        a.Enqueue(Request(0, 0, 7, 10 + k), 0);
        a.Enqueue(Request(1, 0, 7, 20 + k), 0);
        a.Enqueue(Request(2, 0, 7, 30 + k), 0);
    }
    CHECK(DrainOrder(a, Granted(256)) == std::vector<uint64_t>{10, 20, 30, 11, 21, 31, 12, 22, 32});
}

TEST_CASE("output arbiter: ages compare across the 32-bit wrap of the ns counter", "[arbiter]")
{
    // 0xFFFFFF00 ns is 256 ns before 0 (wrapped), so it is the older of the two.
    OutputArbiter a;
    a.Enqueue(Request(0, 0, 0x10, 1), 0);
    a.Enqueue(Request(1, 0, 0xFFFFFF00u, 2), 0);
    CHECK(DrainOrder(a, Granted(256)) == std::vector<uint64_t>{2, 1});
}

TEST_CASE("output arbiter: a head without credits is skipped and reported, younger ones go", "[arbiter]")
{
    OutputArbiter a;
    a.Enqueue(Request(0, 1, 1, 1), 0); // oldest, on VC 1
    a.Enqueue(Request(1, 0, 9, 2), 0);
    // Command credits on VC 0 only: VC 1's head may not go.
    TxCredits credits;
    CreditCounters released{};
    released[CreditIndex(0, CreditClass::RequestCommand)] = 4;
    released[CreditIndex(0, CreditClass::RequestData)] = 64;
    released[CreditIndex(1, CreditClass::RequestData)] = 64;
    credits.OnGrant(released);
    const TlMessage* m = a.Peek(0, credits);
    REQUIRE(m != nullptr);
    CHECK(m->txnId == 2);
    TlMessage out;
    a.PopInto(out);
    CHECK(a.Peek(0, credits) == nullptr);
    CHECK(a.CreditStalledMask() == 1u << ualink::QueueClass(1, ChannelClass::Request));
    CHECK(a.Size() == 1);
}
