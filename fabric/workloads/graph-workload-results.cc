#include "ofab/fabric/workloads/graph-workload.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <utility>

// What a GraphWorkload reports: each iteration's times, its exposed communication and critical
// path, and each communication operation as a CollectiveResult. The run is in graph-workload.cc.

namespace ofab
{

namespace
{

/// Critical path operations listed in a result; longer paths keep their first and last ones.
constexpr std::size_t kPathListed = 64;

using Intervals = std::vector<std::pair<double, double>>;

/// Sorted, disjoint, merged.
Intervals
Merge(Intervals v)
{
    std::sort(v.begin(), v.end());
    Intervals out;
    for (const auto& [a, b] : v)
    {
        if (!out.empty() && a <= out.back().second)
        {
            out.back().second = std::max(out.back().second, b);
        }
        else if (b > a)
        {
            out.emplace_back(a, b);
        }
    }
    return out;
}

/// Length of `covered` outside `holes` (both merged).
double
LengthOutside(const Intervals& covered, const Intervals& holes)
{
    double total = 0;
    std::size_t h = 0;
    for (const auto& [a, b] : covered)
    {
        double from = a;
        while (h < holes.size() && holes[h].second <= from)
        {
            ++h;
        }
        for (std::size_t j = h; j < holes.size() && holes[j].first < b; ++j)
        {
            if (holes[j].first > from)
            {
                total += holes[j].first - from;
            }
            from = std::max(from, holes[j].second);
        }
        if (b > from)
        {
            total += b - from;
        }
    }
    return total;
}

} // namespace

Workload::IterationResult
GraphWorkload::Measure(CollectiveStatus status, TransactionStatus failure) const
{
    IterationResult res;
    res.name = m_name;
    res.iteration = m_iteration;
    res.start = m_iterationStart;
    res.end = ns3::Simulator::Now();
    res.status = status;
    res.failure = failure;
    res.operations = m_total;
    res.ended = m_ended;
    for (const auto& op : m_operations)
    {
        res.retries += op->Retries();
    }
    const double now = Ns(res.end);
    double exposedSum = 0;
    for (uint32_t r = 0; r < m_graph.ranks.size(); ++r)
    {
        Intervals compute;
        Intervals comm;
        double busy = 0;
        for (std::size_t i = 0; i < m_graph.ranks[r].size(); ++i)
        {
            const OpState& s = m_op[r][i];
            if (m_graph.ranks[r][i].kind == GraphOp::Kind::Compute)
            {
                if (s.ended)
                {
                    compute.emplace_back(Ns(s.start), Ns(s.end));
                    busy += Ns(s.end) - Ns(s.start);
                }
                continue;
            }
            const InstanceState& instance = m_instance[static_cast<std::size_t>(m_matching.instanceOf[r][i])];
            if (instance.op)
            {
                comm.emplace_back(Ns(instance.start), s.ended ? Ns(s.end) : now);
            }
        }
        const double exposed = LengthOutside(Merge(comm), Merge(compute));
        res.computeNs = std::max(res.computeNs, busy);
        res.exposedCommNs = std::max(res.exposedCommNs, exposed);
        exposedSum += exposed;
    }
    res.meanExposedCommNs = exposedSum / static_cast<double>(m_graph.ranks.size());
    if (status != CollectiveStatus::Completed)
    {
        return res;
    }
    // The critical path, back from the operation that ended last.
    int64_t key = kNoCause;
    for (uint32_t r = 0; r < m_graph.ranks.size(); ++r)
    {
        for (std::size_t i = 0; i < m_op[r].size(); ++i)
        {
            if (key == kNoCause || m_op[r][i].end > m_op[RankOfKey(key)][IndexOfKey(key)].end)
            {
                key = Key(r, i);
            }
        }
    }
    std::vector<std::string> path;
    for (uint64_t guard = 0; key != kNoCause && guard <= m_total; ++guard)
    {
        const uint32_t r = RankOfKey(key);
        const std::size_t i = IndexOfKey(key);
        const OpState& s = m_op[r][i];
        const GraphOp& op = m_graph.ranks[r][i];
        (op.kind == GraphOp::Kind::Compute ? res.criticalComputeNs : res.criticalCommNs) += Ns(s.end) - Ns(s.start);
        path.push_back("r" + std::to_string(r) + " " + (op.name.empty() ? "op " + std::to_string(op.id) : op.name));
        key = s.cause;
    }
    std::reverse(path.begin(), path.end());
    if (path.size() > kPathListed)
    {
        const std::size_t left = path.size() - kPathListed;
        path.erase(path.begin() + kPathListed / 2, path.begin() + kPathListed / 2 + left);
        path.insert(path.begin() + kPathListed / 2, "... " + std::to_string(left) + " more ...");
    }
    res.criticalPath = std::move(path);
    return res;
}

Workload::CollectiveResult
GraphWorkload::InstanceResult(std::size_t k, CollectiveStatus status) const
{
    const auto& members = m_matching.instances[k].members;
    const GraphOp& lead = m_graph.ranks[members[0].first][members[0].second];
    const InstanceState& instance = m_instance[k];
    const CollectiveAlgorithms::Algorithm algorithm =
        lead.kind == GraphOp::Kind::Collective ? lead.algorithm : CollectiveAlgorithms::SEND;
    CollectiveResult res;
    res.name = lead.name.empty() ? "op " + std::to_string(lead.id) : lead.name;
    res.algorithm = CollectiveAlgorithms::AlgorithmName(algorithm);
    res.ranks = static_cast<uint32_t>(members.size());
    res.bytes = lead.bytes;
    res.start = instance.start;
    res.end = ns3::Simulator::Now();
    res.status = status;
    res.completed = status == CollectiveStatus::Completed;
    res.repetition = m_iteration;
    res.retries = instance.op ? instance.op->Retries() : 0;
    res.workload = m_number;
    res.operation = OperationNumber(k);
    const double seconds = res.Duration().GetSeconds();
    if (res.completed && seconds > 0)
    {
        res.algbwGbps = lead.bytes * 8.0 / seconds / 1e9;
        res.busbwGbps = res.algbwGbps * CollectiveAlgorithms::BusFactor(algorithm, res.ranks);
    }
    return res;
}

std::vector<Workload::CollectiveResult>
GraphWorkload::GetCollectiveResults() const
{
    std::vector<CollectiveResult> out = m_collectives;
    if (m_running)
    {
        for (std::size_t k = 0; k < m_instance.size(); ++k)
        {
            if (m_instance[k].op && m_instance[k].op->Running())
            {
                out.push_back(InstanceResult(k, CollectiveStatus::Unfinished));
            }
        }
    }
    return out;
}

std::vector<Workload::IterationResult>
GraphWorkload::GetIterationResults() const
{
    std::vector<IterationResult> out = m_results;
    if (m_running)
    {
        out.push_back(Measure(CollectiveStatus::Unfinished, TransactionStatus::Okay));
    }
    return out;
}

} // namespace ofab
