#ifndef OFAB_PROTOCOLS_MODEL_TRANSACTION_H
#define OFAB_PROTOCOLS_MODEL_TRANSACTION_H

#include "ofab/protocols/model/flit.h"

#include "ns3/nstime.h"

#include <cstdint>

namespace ofab
{

/// What a caller asks an AcceleratorEndpoint to do.
struct TransactionSpec
{
    TransactionKind kind = TransactionKind::Read;
    uint16_t dst = 0;     ///< completer accelerator id
    uint64_t address = 0; ///< in the completer's memory
    uint32_t bytes = 64;
    uint8_t trafficClass = 0; ///< 0 or 1: VC = trafficClass * 2 (+1 after a dateline)
    uint16_t workload = 0;    ///< who issued it, for the trace: the workload's number (0: none)
    uint32_t operation = 0;   ///< and its operation (a collective's), numbered from 1 (0: none)
};

/// Lifecycle of one transaction at its originator. Each ends exactly once: completed or failed.
enum class TransactionState : uint8_t
{
    WaitingForTag, ///< the originator port has 2048 outstanding: waits in order
    Outstanding,   ///< tag assigned, request issued, response not yet back
    Completed,
    Failed,
};

const char* ToString(TransactionState s);

/// One row of the transaction trace.
struct TransactionRecord
{
    uint64_t id = 0;
    uint16_t src = 0;
    uint16_t dst = 0;
    TransactionKind kind = TransactionKind::Read;
    uint32_t bytes = 0;
    uint64_t address = 0;
    uint8_t vc = 0;
    uint8_t port = 0; ///< originator port the request left on
    uint16_t tag = 0;
    TransactionState state = TransactionState::WaitingForTag;
    TransactionStatus status = TransactionStatus::Okay;
    ns3::Time issueTime; ///< when Issue() was called
    ns3::Time tagTime;   ///< when the tag was assigned (completion timeout starts here)
    ns3::Time endTime;   ///< completion or failure
    uint8_t requestHops = 0;
    uint8_t responseHops = 0;
    uint16_t workload = 0;  ///< TransactionSpec::workload
    uint32_t operation = 0; ///< TransactionSpec::operation

    ns3::Time Latency() const { return endTime - issueTime; }
};

} // namespace ofab

#endif
