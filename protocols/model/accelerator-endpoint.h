#ifndef OFAB_PROTOCOLS_MODEL_ACCELERATOR_ENDPOINT_H
#define OFAB_PROTOCOLS_MODEL_ACCELERATOR_ENDPOINT_H

#include "ofab/foundation/ring-queue.h"
#include "ofab/protocols/model/transaction.h"
#include "ofab/protocols/model/ualink-router.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * An accelerator's UALink side: Originator (issues requests, tracks them by 11-bit tag per port),
 * Completer (answers requests to its memory), and, in direct topologies, a router for TL traffic
 * addressed to other accelerators.
 *
 * Issue(): the request leaves on the port its forwarding entry picks for the 256 B region (address
 * / 256 mod the live choices), so one region keeps one port and one order; in a switched pod the
 * default entry lists every plane. At most 2048 requests are outstanding per originator port: the
 * next ones wait in issue order for a tag. A transaction ends exactly once: completed (status
 * OKAY), or failed with the response's status, CompletionTimeout, or LinkDown (policy in
 * UalinkRouter); until then it is in flight and listed by GetInFlightTransactions(). A response
 * for a transaction that already ended (a late one after a timeout) is counted as stale and
 * dropped; the unique transaction id it carries tells it from the tag's next user.
 */
class AcceleratorEndpoint : public UalinkRouter
{
  public:
    struct CompleterStats
    {
        uint64_t requestsServed = 0;
        uint64_t decodeErrors = 0;
        uint64_t payloadBytesWritten = 0;
        uint64_t payloadBytesRead = 0;
        uint64_t responsesUnroutable = 0;
    };

    static ns3::TypeId GetTypeId();
    AcceleratorEndpoint();

    /// Throws ParameterError naming the attribute when a value is unusable.
    void Validate() const;

    uint16_t GetAcceleratorId() const { return m_id; }

    /**
     * Starts a transaction; returns its id. Throws ParameterError for a request the protocol does
     * not allow: size 0 or > 256 B, crossing a 256 B boundary, WriteFull not whole 64 B beats,
     * atomics not 4/8 B aligned, destination out of range or self, traffic class > 1.
     * A request with no usable route fails at once (DecodeError / LinkDown), counted like any other.
     */
    uint64_t Issue(const TransactionSpec& spec);
    uint64_t Read(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t trafficClass = 0);
    uint64_t Write(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t trafficClass = 0);
    uint64_t WriteFull(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t trafficClass = 0);
    uint64_t AtomicR(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t trafficClass = 0);
    uint64_t AtomicNR(uint16_t dst, uint64_t address, uint32_t bytes, uint8_t trafficClass = 0);

    /// Transactions waiting for a tag or outstanding now.
    std::vector<TransactionRecord> GetInFlightTransactions() const;
    uint64_t GetIssuedCount() const { return m_issued; }
    uint64_t GetCompletedCount() const { return m_completed; }
    uint64_t GetFailedCount() const { return m_failed; }
    uint64_t GetInFlightCount() const { return m_issued - m_completed - m_failed; }
    uint64_t GetStaleResponses() const { return m_staleResponses; }
    uint32_t GetOutstanding(uint16_t port) const;
    uint32_t GetWaitingForTag(uint16_t port) const;
    const CompleterStats& GetCompleterStats() const { return m_completer; }

    /// Isolation: new requests fail with Isolate at once, and the completer answers Isolate.
    void SetIsolated(bool isolated) { m_isolated = isolated; }
    bool IsIsolated() const { return m_isolated; }

    void Receive(UalinkPort& in, TlMessage& m, int64_t nowTick) override;

    typedef void (*TransactionTracedCallback)(const TransactionRecord& record);
    typedef void (*RequestTracedCallback)(const TlMessage& request);

  protected:
    void DoDispose() override;
    void FailLocalRequest(const TlMessage& m, TransactionStatus reason) override;
    void PortWentDown(uint16_t index) override;

  private:
    static constexpr uint32_t kNoSlot = 0xFFFFFFFF;

    struct Deadline
    {
        int64_t tick = 0;
        uint64_t txnId = 0;
        uint16_t tag = 0;
    };

    /// Tag space and completion-timeout bookkeeping of one originator port.
    struct OriginatorPort
    {
        std::vector<uint32_t> tagSlot;  ///< tag -> record slot, kNoSlot when free
        std::vector<uint16_t> freeTags; ///< stack of free tags
        RingQueue<uint32_t> waiting;    ///< record slots waiting for a tag, issue order
        RingQueue<Deadline> deadlines;  ///< in tag-assignment order = deadline order
        ns3::EventId timer;
        bool timerArmed = false; ///< timer is pending (cheaper than EventId::IsRunning())
        bool granting = false;   ///< Finish() is handing freed tags to waiting requests
        uint32_t outstanding = 0;
    };

    void ValidateSpec(const TransactionSpec& spec) const;
    OriginatorPort& Orig(uint16_t port);
    uint32_t NewRecord();
    void StartRequest(uint16_t port, uint32_t slot);
    void Finish(uint32_t slot, TransactionStatus status);
    bool IsLive(const OriginatorPort& op, const Deadline& d) const;
    void ArmTimeout(uint16_t port);
    void OnTimeout(uint16_t port);
    void OnResponse(TlMessage& m);
    void OnRequest(TlMessage& m, int64_t nowTick);

    // attributes
    uint16_t m_id;
    ns3::Time m_completionTimeout;
    ns3::Time m_completerLatency;
    ns3::Time m_routerLatency;
    uint64_t m_memoryBytes;

    bool m_isolated = false;
    uint64_t m_nextTxn = 0;
    uint64_t m_issued = 0;
    uint64_t m_completed = 0;
    uint64_t m_failed = 0;
    uint64_t m_staleResponses = 0;
    std::vector<TransactionRecord> m_records; ///< active (waiting / outstanding) and free slots
    std::vector<uint32_t> m_freeRecords;
    std::vector<OriginatorPort> m_orig;
    CompleterStats m_completer;

    ns3::TracedCallback<const TransactionRecord&> m_issuedTrace;
    ns3::TracedCallback<const TransactionRecord&> m_completedTrace;
    ns3::TracedCallback<const TransactionRecord&> m_failedTrace;
    ns3::TracedCallback<const TlMessage&> m_requestServedTrace;
};

} // namespace ofab

#endif
