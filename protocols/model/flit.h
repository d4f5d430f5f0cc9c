#ifndef OFAB_PROTOCOLS_MODEL_FLIT_H
#define OFAB_PROTOCOLS_MODEL_FLIT_H

// Flit geometry, TL message kinds and the sizes they take in the TL flit stream.
//
// Nothing here is a per-flit object with behaviour: the hot path copies these plain structs
// between ring buffers, so they stay trivially copyable and small.

#include <cstdint>
#include <vector>

namespace ofab
{
namespace ualink
{

// --- Geometry (UALink 200G 1.0 public talks; see protocols/README.md) ---------------------------
constexpr uint32_t kHalfFlitBytes = 32; ///< TL half-flit: control, data, message
constexpr uint32_t kTlFlitBytes = 64;   ///< TL flit = two half-flits
constexpr uint32_t kDlFlitBytes = 640;  ///< what goes on the wire per DL flit (one FEC codeword)
constexpr uint32_t kDlHeaderBytes = 3;
constexpr uint32_t kDlSegmentHeaderBytes = 5; ///< 5 segments x 1 B
constexpr uint32_t kDlCrcBytes = 4;
constexpr uint32_t kDlPayloadBytes =
    kDlFlitBytes - kDlHeaderBytes - kDlSegmentHeaderBytes - kDlCrcBytes; ///< 628 B of TL flits
static_assert(kDlPayloadBytes == 628, "DL payload is 628 B");

/// A control half-flit is counted in 4-byte header slots: 8 slots per half-flit.
constexpr uint32_t kSlotBytes = 4;
constexpr uint32_t kSlotsPerControlHalfFlit = kHalfFlitBytes / kSlotBytes;
constexpr uint32_t kUncompressedRequestSlots = 4;  ///< 128-bit request: 2 per control half-flit
constexpr uint32_t kCompressedRequestSlots = 2;    ///< 4 per control half-flit
constexpr uint32_t kCompressedResponseSlots = 1;   ///< 8 per control half-flit
constexpr uint32_t kUncompressedResponseSlots = 2; ///< assumption: 4 per control half-flit

constexpr uint32_t kDataCreditBytes = 64; ///< one data credit = one 64 B buffer
constexpr uint32_t kMaxTransactionBytes = 256;
constexpr uint32_t kRegionBytes = 256;     ///< ordering / interleave granularity
constexpr uint32_t kTagCount = 2048;       ///< 11-bit tags per originator port
constexpr uint32_t kVcCount = 4;           ///< 2-bit VC: (traffic class << 1) | dateline class
constexpr uint32_t kChannelClassCount = 2; ///< request family, response family (see ChannelClass)
constexpr uint32_t kQueueClassCount = kVcCount * kChannelClassCount;
constexpr uint32_t kMaxAccelerators = 1024; ///< 10-bit accelerator ids

constexpr uint16_t kLocalInput = 0xFFFF; ///< TlMessage::inPort of a message injected by the node itself
constexpr uint16_t kNoGroup = 0xFFFF;

} // namespace ualink

/// UPLI transaction kinds an originator can issue.
enum class TransactionKind : uint8_t
{
    Read,      ///< up to 256 B, data comes back in the read response
    Write,     ///< partial write: data + one byte-enable half-flit
    WriteFull, ///< 64..256 B in whole 64 B beats, no byte enables
    AtomicR,   ///< 4 or 8 B operand, returns data
    AtomicNR,  ///< 4 or 8 B operand, returns only a completion
};

/// What a TL message is on the wire. Requests carry their write data with them (the Originator
/// Data channel rides behind the request header); responses are read (with data) or write ones.
enum class MessageKind : uint8_t
{
    Request,
    ReadResponse,  ///< Read / AtomicR completion, with data when the status is OKAY
    WriteResponse, ///< Write / WriteFull / AtomicNR completion
};

/**
 * Credit and queue family. The four UPLI channels map onto two families because each family has
 * its own credits: Request + Originator Data use request-command / request-data credits, Read
 * Response + Write Response use response-command / response-data credits. Keeping the families in
 * separate queues is what keeps responses flowing when requests are blocked (no protocol deadlock).
 */
enum class ChannelClass : uint8_t
{
    Request = 0,
    Response = 1,
};

enum class TransactionStatus : uint8_t
{
    Okay,
    DecodeError,         ///< address outside the completer's memory, or no route to the destination
    ProtectionViolation, ///< listed for completeness; the model never raises it
    CompletionTimeout,
    Isolate,  ///< the completer (or originator) is isolated
    LinkDown, ///< a link on the path went down with the request on it
};

const char* ToString(TransactionKind k);
const char* ToString(TransactionStatus s);

/**
 * One TL message (a request with its data, or a response with its data) as it moves hop by hop.
 * Fields the real header would carry (ids, tag, address, VC, status) plus simulation bookkeeping
 * (the unique transaction id to detect stale responses, the input it occupies at this node).
 */
struct TlMessage
{
    uint64_t txnId = 0; ///< unique per run; tags are reused, this is not
    uint64_t address = 0;
    int64_t readyTick = 0; ///< earliest time (ns-3 ticks) this message may leave the current node
    /// When its transaction's request entered the fabric, in ns modulo 2^32 (age-based arbitration
    /// compares ages by wrapped difference: exact for ages under 2 s).
    uint32_t bornNs = 0;
    /// A request's workload and operation (TransactionSpec): the memory region its data is for, as
    /// the address would tell a real completer (a collective's rank learns of its incoming data by
    /// them). They fill the struct's padding: a message stays 56 bytes.
    uint32_t operation = 0;
    uint16_t src = 0; ///< originator accelerator id
    uint16_t dst = 0; ///< accelerator id this message is addressed to
    uint16_t tag = 0;
    uint16_t length = 0;                   ///< transaction length in bytes
    uint16_t inPort = ualink::kLocalInput; ///< input port at the current node (credits to release)
    uint16_t workload = 0;                 ///< see `operation`
    uint8_t origPort = 0;                  ///< originator port: the scope of the tag
    MessageKind kind = MessageKind::Request;
    TransactionKind txnKind = TransactionKind::Read;
    /// A response's status; on a request given to RequestServed, how the completer answers it.
    TransactionStatus status = TransactionStatus::Okay;
    uint8_t vc = 0;          ///< VC on the next link
    uint8_t inVc = 0;        ///< VC it arrived on (whose credits it holds at this node)
    uint8_t hops = 0;        ///< links traversed so far
    uint8_t requestHops = 0; ///< on a response: the links its request traversed
    bool compressed = false; ///< decided per hop when packed (address cache)
    /// Its receive buffers at this node were freed when it left: a message handed back by a link
    /// that went down (unacknowledged, or mid-packing) holds none, so it must not free them again.
    bool inputReleased = false;
    /// Data half-flits, cached by ualink::Seal() when the message is created (kUnsealed: computed
    /// on every use). The hot path asks for it several times per hop.
    uint8_t dataHalfFlits = 0xFF;

    ChannelClass Class() const { return kind == MessageKind::Request ? ChannelClass::Request : ChannelClass::Response; }
};

static_assert(sizeof(TlMessage) == 56, "a message is copied at every hop: keep it within 56 bytes");

namespace ualink
{

constexpr uint8_t kUnsealed = 0xFF;

/// Data half-flits that follow the header in the TL stream (byte-enable half-flit included),
/// computed from the message fields.
inline uint32_t
ComputeDataHalfFlits(const TlMessage& m)
{
    const uint32_t beats = (m.length + kHalfFlitBytes - 1) / kHalfFlitBytes;
    switch (m.kind)
    {
    case MessageKind::Request:
        switch (m.txnKind)
        {
        case TransactionKind::Read:
            return 0;
        case TransactionKind::Write:
            return beats + 1; // + byte-enable half-flit
        case TransactionKind::WriteFull:
            return beats;
        case TransactionKind::AtomicR:
        case TransactionKind::AtomicNR:
            return 1; // 4/8 B operand in one data half-flit
        }
        return 0;
    case MessageKind::ReadResponse:
        if (m.status != TransactionStatus::Okay)
        {
            return 0;
        }
        return m.txnKind == TransactionKind::AtomicR ? 1 : beats;
    case MessageKind::WriteResponse:
        return 0;
    }
    return 0;
}

/// Data half-flits of `m`: the sealed value, or computed when the message was built by hand.
inline uint32_t
DataHalfFlits(const TlMessage& m)
{
    return m.dataHalfFlits != kUnsealed ? m.dataHalfFlits : ComputeDataHalfFlits(m);
}

/// Caches the derived sizes in a message whose kind, length and status are final.
inline void
Seal(TlMessage& m)
{
    m.dataHalfFlits = static_cast<uint8_t>(ComputeDataHalfFlits(m));
}

/// Header slots (4 B each) taken in a control half-flit.
inline uint32_t
HeaderSlots(const TlMessage& m, bool compressResponses)
{
    if (m.kind == MessageKind::Request)
    {
        return m.compressed ? kCompressedRequestSlots : kUncompressedRequestSlots;
    }
    return compressResponses ? kCompressedResponseSlots : kUncompressedResponseSlots;
}

/// 64 B data credits a message needs at the receiver (data and byte-enable half-flits).
inline uint32_t
DataCredits(const TlMessage& m)
{
    return (DataHalfFlits(m) + 1) / 2;
}

/// Payload bytes the transaction moves (what goodput counts): write data on requests, read data on responses.
inline uint32_t
PayloadBytes(const TlMessage& m)
{
    if (m.kind == MessageKind::Request)
    {
        return m.txnKind == TransactionKind::Read ? 0 : m.length;
    }
    if (m.kind == MessageKind::ReadResponse && m.status == TransactionStatus::Okay)
    {
        return m.length;
    }
    return 0;
}

inline uint32_t
QueueClass(uint8_t vc, ChannelClass c)
{
    return vc * kChannelClassCount + static_cast<uint32_t>(c);
}

} // namespace ualink

/**
 * Contents of one sequenced DL flit: the TL messages whose last byte it carries (a TL message that
 * straddles into the next DL flit is listed there). Kept in the sender's replay buffer and read by
 * the receiver when the flit is accepted, so one object serves every (re)transmission.
 */
struct DlFlit
{
    std::vector<TlMessage> messages;
    uint16_t seq = 0;
    uint16_t tlBytes = 0; ///< payload bytes holding TL half-flits (the rest is padding)
};

} // namespace ofab

#endif
