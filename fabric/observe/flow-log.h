#ifndef OFAB_FABRIC_OBSERVE_FLOW_LOG_H
#define OFAB_FABRIC_OBSERVE_FLOW_LOG_H

#include "ofab/fabric/trace/trace-rows.h"
#include "ofab/protocols/model/transaction.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ofab
{

/**
 * Per flow (issuing workload, source, destination accelerator), what ended: transactions,
 * completed and failed, payload, first issue and last end, mean and largest latency, as ns-3's
 * FlowMonitor counts per flow. One hash lookup per transaction; only when outputs.flows asks.
 */
class FlowLog
{
  public:
    void Add(const TransactionRecord& r, double ticksPerNs);
    /// One row per flow, by workload, source, destination.
    std::vector<FlowRow> Rows() const;

  private:
    struct Flow
    {
        uint64_t transactions = 0;
        uint64_t completed = 0;
        uint64_t bytes = 0;
        double firstIssueNs = 0;
        double lastEndNs = 0;
        double latencySumNs = 0;
        double maxLatencyNs = 0;
    };

    std::unordered_map<uint64_t, Flow> m_flows; ///< key: workload << 32 | src << 16 | dst
};

} // namespace ofab

#endif
