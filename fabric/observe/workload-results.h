#ifndef OFAB_FABRIC_OBSERVE_WORKLOAD_RESULTS_H
#define OFAB_FABRIC_OBSERVE_WORKLOAD_RESULTS_H

#include "ofab/fabric/observe/run-observer.h"
#include "ofab/fabric/trace/trace-recorder.h"
#include "ofab/fabric/workloads/workload.h"

#include <vector>

namespace ofab
{

/// The workloads' collectives and iterations into the summary, and their /collectives and
/// /iterations rows into the trace (`trace` may be null).
void AddWorkloadResults(const std::vector<ns3::Ptr<Workload>>& workloads, RunSummary& summary, TraceRecorder* trace);

} // namespace ofab

#endif
