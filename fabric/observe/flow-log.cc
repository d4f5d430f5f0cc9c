#include "ofab/fabric/observe/flow-log.h"

#include <algorithm>
#include <limits>

namespace ofab
{

void
FlowLog::Add(const TransactionRecord& r, double ticksPerNs)
{
    const uint64_t key = (uint64_t{r.workload} << 32) | (uint64_t{r.src} << 16) | r.dst;
    const double issue = static_cast<double>(r.issueTime.GetTimeStep()) / ticksPerNs;
    const double end = static_cast<double>(r.endTime.GetTimeStep()) / ticksPerNs;
    Flow& f = m_flows[key];
    if (f.transactions == 0 || issue < f.firstIssueNs)
    {
        f.firstIssueNs = issue;
    }
    f.lastEndNs = std::max(f.lastEndNs, end);
    ++f.transactions;
    if (r.status == TransactionStatus::Okay)
    {
        ++f.completed;
        f.bytes += r.bytes;
        f.latencySumNs += end - issue;
        f.maxLatencyNs = std::max(f.maxLatencyNs, end - issue);
    }
}

std::vector<FlowRow>
FlowLog::Rows() const
{
    std::vector<uint64_t> keys;
    keys.reserve(m_flows.size());
    for (const auto& [key, flow] : m_flows)
    {
        keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    std::vector<FlowRow> rows;
    rows.reserve(keys.size());
    for (uint64_t key : keys)
    {
        const Flow& f = m_flows.at(key);
        FlowRow row{};
        row.workload = static_cast<uint32_t>(key >> 32);
        row.src = static_cast<uint32_t>((key >> 16) & 0xffff);
        row.dst = static_cast<uint32_t>(key & 0xffff);
        row.transactions = f.transactions;
        row.completed = f.completed;
        row.failed = f.transactions - f.completed;
        row.bytes = f.bytes;
        row.firstIssueNs = f.firstIssueNs;
        row.lastEndNs = f.lastEndNs;
        row.meanLatencyNs =
            f.completed ? f.latencySumNs / static_cast<double>(f.completed) : std::numeric_limits<double>::quiet_NaN();
        row.maxLatencyNs = f.maxLatencyNs;
        const double span = f.lastEndNs - f.firstIssueNs;
        row.throughputGbps = span > 0 ? f.bytes * 8.0 / span : 0.0;
        rows.push_back(row);
    }
    return rows;
}

} // namespace ofab
