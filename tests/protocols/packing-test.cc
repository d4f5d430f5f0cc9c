// TL packing into DL flits: efficiency comes out of the half-flit geometry, checked against the
// closed forms derived from the public flit facts (protocols/README.md).

#include "ofab/protocols/model/address-cache.h"
#include "ofab/protocols/model/credit-state.h"
#include "ofab/protocols/model/forwarding-table.h"
#include "ofab/protocols/model/tl-packer.h"

#include "ofab/foundation/parameter-error.h"

#include <catch2/catch.hpp>

#include <deque>

using namespace ofab;
using namespace ofab::ualink;

namespace
{

/// An endless supply of identical messages (a saturated sender).
class Saturated : public TlPacker::Source
{
  public:
    explicit Saturated(TlMessage m)
        : m_msg(m)
    {
    }
    bool PeekSlots(uint32_t& slots) override
    {
        slots = HeaderSlots(m_msg, true);
        return true;
    }
    TlMessage Take() override
    {
        ++taken;
        return m_msg;
    }
    uint64_t taken = 0;

  private:
    TlMessage m_msg;
};

/// A finite list of messages.
class ListSource : public TlPacker::Source
{
  public:
    std::deque<TlMessage> q;
    bool PeekSlots(uint32_t& slots) override
    {
        if (q.empty())
        {
            return false;
        }
        slots = HeaderSlots(q.front(), true);
        return true;
    }
    TlMessage Take() override
    {
        TlMessage m = q.front();
        q.pop_front();
        return m;
    }
};

TlMessage
Request(TransactionKind k, uint16_t bytes, bool compressed)
{
    TlMessage m;
    m.kind = MessageKind::Request;
    m.txnKind = k;
    m.length = bytes;
    m.compressed = compressed;
    return m;
}

/// Payload bytes per wire byte over many DL flits for a saturated stream of `m`.
double
Efficiency(const TlMessage& m)
{
    TlPacker packer;
    Saturated src(m);
    DlFlit flit;
    uint64_t delivered = 0;
    const int flits = 20000;
    for (int i = 0; i < flits; ++i)
    {
        packer.Fill(flit, src);
        for (const auto& d : flit.messages)
        {
            delivered += PayloadBytes(d);
        }
    }
    return static_cast<double>(delivered) / (static_cast<double>(flits) * kDlFlitBytes);
}

} // namespace

TEST_CASE("DL flit geometry: 3 B header, 5 segment headers, 628 B payload, 4 B CRC", "[packing]")
{
    CHECK(kDlHeaderBytes + kDlSegmentHeaderBytes + kDlPayloadBytes + kDlCrcBytes == kDlFlitBytes);
    CHECK(kDlPayloadBytes == 628);
}

TEST_CASE("header sizes per control half-flit follow the reference", "[packing]")
{
    CHECK(kSlotsPerControlHalfFlit / kUncompressedRequestSlots == 2);
    CHECK(kSlotsPerControlHalfFlit / kCompressedRequestSlots == 4);
    CHECK(kSlotsPerControlHalfFlit / kCompressedResponseSlots == 8);
    CHECK(DataHalfFlits(Request(TransactionKind::WriteFull, 64, true)) == 2); // one 64 B beat
    CHECK(DataHalfFlits(Request(TransactionKind::Write, 256, true)) == 9);    // + byte enables
    CHECK(DataHalfFlits(Request(TransactionKind::Read, 256, true)) == 0);
    CHECK(DataCredits(Request(TransactionKind::Write, 256, true)) == 5);
}

TEST_CASE("saturated packing efficiencies match the derived closed forms", "[packing]")
{
    const double dl = 628.0 / 640.0;
    // WriteFull, compressed: 4 headers per control half-flit + 8 data half-flits each.
    CHECK(Efficiency(Request(TransactionKind::WriteFull, 256, true)) == Approx(256.0 / 264.0 * dl).epsilon(0.002));
    // Partial Write, uncompressed: 16 B header + 32 B byte enables per 256 B.
    CHECK(Efficiency(Request(TransactionKind::Write, 256, false)) == Approx(256.0 / 304.0 * dl).epsilon(0.002));
    // Read responses, compressed: 4 B header per 256 B.
    TlMessage rsp;
    rsp.kind = MessageKind::ReadResponse;
    rsp.txnKind = TransactionKind::Read;
    rsp.length = 256;
    CHECK(Efficiency(rsp) == Approx(256.0 / 260.0 * dl).epsilon(0.002));
    // 64 B WriteFull: header overhead is 4x larger per byte.
    CHECK(Efficiency(Request(TransactionKind::WriteFull, 64, true)) == Approx(64.0 / 72.0 * dl).epsilon(0.003));
}

TEST_CASE("TL flits straddle DL flits: nothing is lost at a DL boundary", "[packing]")
{
    TlPacker packer;
    ListSource src;
    for (int i = 0; i < 10; ++i)
    {
        src.q.push_back(Request(TransactionKind::WriteFull, 256, true));
    }
    // 10 writes = 3 control + 80 data half-flits = 83 x 32 B = 2656 B > 4 DL payloads (2512 B).
    DlFlit f;
    int delivered = 0;
    std::vector<uint16_t> tl;
    for (int i = 0; i < 5; ++i)
    {
        packer.Fill(f, src);
        delivered += static_cast<int>(f.messages.size());
        tl.push_back(f.tlBytes);
    }
    CHECK(delivered == 10);
    CHECK(tl[0] == 628);
    CHECK(tl[3] == 628);
    // 2656 - 4 x 628 = 144 B (a straddling half + 4 half-flits); 83 half-flits leave the 42nd TL
    // flit half full, so an idle half-flit closes it: 176 B.
    CHECK(tl[4] == 176);
    CHECK_FALSE(packer.HasWork());
}

TEST_CASE("messages are delivered in header order, also behind a write's data", "[packing]")
{
    TlPacker packer;
    ListSource src;
    TlMessage w = Request(TransactionKind::WriteFull, 256, true);
    w.tag = 1;
    TlMessage r = Request(TransactionKind::Read, 64, true);
    r.tag = 2;
    src.q = {w, r};
    DlFlit f;
    packer.Fill(f, src);
    REQUIRE(f.messages.size() == 2);
    CHECK(f.messages[0].tag == 1);
    CHECK(f.messages[1].tag == 2);
}

TEST_CASE("credits: zero until granted, cumulative grants never go backwards", "[credits]")
{
    TxCredits tx;
    TlMessage m = Request(TransactionKind::Write, 256, false);
    CHECK_FALSE(tx.CanSend(m)); // a sender starts with nothing
    CreditCounters grant{};
    grant[CreditIndex(0, CreditClass::RequestCommand)] = 2;
    grant[CreditIndex(0, CreditClass::RequestData)] = 5;
    CHECK(tx.OnGrant(grant));
    CHECK(tx.CanSend(m));
    tx.Consume(m);
    CHECK_FALSE(tx.CanSend(m)); // data credits used up (5 x 64 B for 256 B + byte enables)
    CreditCounters stale{};
    CHECK_FALSE(tx.OnGrant(stale)); // an old snapshot takes nothing back
    CHECK(tx.Available(0, CreditClass::RequestCommand) == 1);

    RxBuffers rx;
    rx.SetSizes(BufferSizes{2, 2, 6, 6});
    rx.Reset();
    CHECK(rx.Released()[CreditIndex(0, CreditClass::RequestData)] == 6);
    CHECK(rx.Occupy(m));
    CHECK_FALSE(rx.Occupy(m)); // 10 > 6: an overflow is detected
    rx.Release(0, ChannelClass::Request, 5);
    CHECK(rx.Released()[CreditIndex(0, CreditClass::RequestData)] == 11);
}

TEST_CASE("address cache: hits compress, LRU evicts, modes force", "[compression]")
{
    AddressCache c;
    c.Configure(AddressCache::Mode::Cache, 2, 4096);
    CHECK_FALSE(c.Compress(1, 0x1000)); // miss
    CHECK(c.Compress(1, 0x1100));       // same 4 KiB region
    CHECK_FALSE(c.Compress(2, 0x1000)); // other destination
    CHECK_FALSE(c.Compress(1, 0x9000)); // evicts the least recently used: (1, 0x1000)
    CHECK(c.WouldCompress(2, 0x1000));
    CHECK_FALSE(c.WouldCompress(1, 0x1f00));
    c.Configure(AddressCache::Mode::Always, 2, 4096);
    CHECK(c.Compress(3, 0));
    c.Configure(AddressCache::Mode::Never, 2, 4096);
    CHECK_FALSE(c.Compress(1, 0x1000));
}

TEST_CASE("forwarding table: flat entries, default route, limits", "[forwarding]")
{
    ForwardingTable t;
    t.Resize(16);
    const ForwardingChoice* c = nullptr;
    CHECK(t.Lookup(3, c) == 0);
    t.SetDefault({{0, false}, {1, false}});
    CHECK(t.Lookup(3, c) == 2);
    t.SetEntry(3, {{5, true}});
    REQUIRE(t.Lookup(3, c) == 1);
    CHECK(c[0].port == 5);
    CHECK(c[0].crossesDateline);
    t.AddChoice(3, {6, false});
    t.AddChoice(3, {6, false}); // no duplicate
    CHECK(t.GetEntry(3).size() == 2);
    CHECK_THROWS_AS(t.SetEntry(16, {}), ParameterError);
    CHECK_THROWS_AS(t.SetEntry(2, std::vector<ForwardingChoice>(9)), ParameterError);
    CHECK_THROWS_AS(t.Resize(2000), ParameterError);
}
