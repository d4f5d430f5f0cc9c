#include "ofab/fabric/observe/workload-results.h"
#include "ofab/foundation/unit-text.h"

namespace ofab
{

namespace
{

} // namespace

void
AddWorkloadResults(const std::vector<ns3::Ptr<Workload>>& workloads, RunSummary& s, TraceRecorder* trace)
{
    for (const auto& w : workloads)
    {
        for (auto& c : w->GetCollectiveResults())
        {
            s.collectives.push_back(c);
        }
        for (auto& it : w->GetIterationResults())
        {
            s.iterations.push_back(it);
        }
    }
    if (!trace)
    {
        return;
    }
    uint32_t id = 0;
    for (const auto& c : s.collectives)
    {
        CollectiveRow row{};
        row.id = id++;
        SetText(row.name, c.name);
        SetText(row.algorithm, c.algorithm);
        row.ranks = c.ranks;
        row.bytes = c.bytes;
        row.startNs = Ns(c.start);
        row.endNs = Ns(c.end);
        row.timeNs = Ns(c.Duration());
        row.algbwGbps = c.algbwGbps;
        row.busbwGbps = c.busbwGbps;
        row.status = static_cast<uint8_t>(c.status);
        row.workload = c.workload;
        row.operation = c.operation;
        trace->AddCollective(row);
    }
    for (const auto& it : s.iterations)
    {
        IterationRow row{};
        SetText(row.name, it.name);
        row.iteration = it.iteration;
        row.startNs = Ns(it.start);
        row.endNs = Ns(it.end);
        row.timeNs = Ns(it.Duration());
        row.status = static_cast<uint8_t>(it.status);
        row.computeNs = it.computeNs;
        row.exposedCommNs = it.exposedCommNs;
        row.meanExposedCommNs = it.meanExposedCommNs;
        row.criticalComputeNs = it.criticalComputeNs;
        row.criticalCommNs = it.criticalCommNs;
        row.operations = it.operations;
        row.ended = it.ended;
        trace->AddIteration(row);
    }
}

} // namespace ofab
