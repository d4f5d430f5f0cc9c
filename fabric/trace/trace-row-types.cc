#include "ofab/fabric/trace/trace-row-types.h"

#include "ofab/fabric/trace/trace-recorder.h"

#include <cstddef>

namespace ofab
{

CompoundType
TransactionType(const TraceEnums& e)
{
    CompoundType t(sizeof(TransactionRow));
    t.Add("id", offsetof(TransactionRow, id), H5T_NATIVE_UINT64)
        .Add("src", offsetof(TransactionRow, src), H5T_NATIVE_UINT32)
        .Add("dst", offsetof(TransactionRow, dst), H5T_NATIVE_UINT32)
        .AddEnum("kind", offsetof(TransactionRow, kind), e.transactionKinds)
        .AddEnum("status", offsetof(TransactionRow, status), e.transactionStatuses)
        .Add("vc", offsetof(TransactionRow, vc), H5T_NATIVE_UINT8)
        .Add("bytes", offsetof(TransactionRow, bytes), H5T_NATIVE_UINT32)
        .Add("hops", offsetof(TransactionRow, hops), H5T_NATIVE_UINT32)
        .Add("issue_ns", offsetof(TransactionRow, issueNs), H5T_NATIVE_DOUBLE)
        .Add("end_ns", offsetof(TransactionRow, endNs), H5T_NATIVE_DOUBLE)
        .Add("latency_ns", offsetof(TransactionRow, latencyNs), H5T_NATIVE_DOUBLE)
        .Add("workload", offsetof(TransactionRow, workload), H5T_NATIVE_UINT16)
        .Add("operation", offsetof(TransactionRow, operation), H5T_NATIVE_UINT32);
    return t;
}

CompoundType
EventType(const TraceEnums& e)
{
    CompoundType t(sizeof(EventRow));
    t.Add("time_ns", offsetof(EventRow, timeNs), H5T_NATIVE_DOUBLE)
        .AddEnum("kind", offsetof(EventRow, kind), e.eventKinds)
        .AddString("element", offsetof(EventRow, element), sizeof(EventRow::element))
        .AddString("detail", offsetof(EventRow, detail), sizeof(EventRow::detail));
    return t;
}

CompoundType
LinkStateType(const TraceEnums& e)
{
    CompoundType t(sizeof(LinkStateRow));
    t.Add("time_ns", offsetof(LinkStateRow, timeNs), H5T_NATIVE_DOUBLE)
        .Add("link", offsetof(LinkStateRow, link), H5T_NATIVE_UINT32)
        .Add("direction", offsetof(LinkStateRow, direction), H5T_NATIVE_UINT8)
        .AddEnum("state", offsetof(LinkStateRow, state), e.linkStates)
        .Add("usable_lines", offsetof(LinkStateRow, usableLines), H5T_NATIVE_UINT16)
        .Add("capacity_gbps", offsetof(LinkStateRow, capacityGbps), H5T_NATIVE_DOUBLE);
    return t;
}

CompoundType
CollectiveType(const TraceEnums& e)
{
    CompoundType t(sizeof(CollectiveRow));
    t.Add("id", offsetof(CollectiveRow, id), H5T_NATIVE_UINT32)
        .AddString("name", offsetof(CollectiveRow, name), sizeof(CollectiveRow::name))
        .AddString("algorithm", offsetof(CollectiveRow, algorithm), sizeof(CollectiveRow::algorithm))
        .Add("ranks", offsetof(CollectiveRow, ranks), H5T_NATIVE_UINT32)
        .Add("bytes", offsetof(CollectiveRow, bytes), H5T_NATIVE_UINT64)
        .Add("start_ns", offsetof(CollectiveRow, startNs), H5T_NATIVE_DOUBLE)
        .Add("end_ns", offsetof(CollectiveRow, endNs), H5T_NATIVE_DOUBLE)
        .Add("time_ns", offsetof(CollectiveRow, timeNs), H5T_NATIVE_DOUBLE)
        .Add("algbw_gbps", offsetof(CollectiveRow, algbwGbps), H5T_NATIVE_DOUBLE)
        .Add("busbw_gbps", offsetof(CollectiveRow, busbwGbps), H5T_NATIVE_DOUBLE)
        .AddEnum("status", offsetof(CollectiveRow, status), e.collectiveStatuses)
        .Add("workload", offsetof(CollectiveRow, workload), H5T_NATIVE_UINT16)
        .Add("operation", offsetof(CollectiveRow, operation), H5T_NATIVE_UINT32);
    return t;
}

CompoundType
FlowType()
{
    CompoundType t(sizeof(FlowRow));
    t.Add("workload", offsetof(FlowRow, workload), H5T_NATIVE_UINT32)
        .Add("src", offsetof(FlowRow, src), H5T_NATIVE_UINT32)
        .Add("dst", offsetof(FlowRow, dst), H5T_NATIVE_UINT32)
        .Add("transactions", offsetof(FlowRow, transactions), H5T_NATIVE_UINT64)
        .Add("completed", offsetof(FlowRow, completed), H5T_NATIVE_UINT64)
        .Add("failed", offsetof(FlowRow, failed), H5T_NATIVE_UINT64)
        .Add("bytes", offsetof(FlowRow, bytes), H5T_NATIVE_UINT64)
        .Add("first_issue_ns", offsetof(FlowRow, firstIssueNs), H5T_NATIVE_DOUBLE)
        .Add("last_end_ns", offsetof(FlowRow, lastEndNs), H5T_NATIVE_DOUBLE)
        .Add("mean_latency_ns", offsetof(FlowRow, meanLatencyNs), H5T_NATIVE_DOUBLE)
        .Add("max_latency_ns", offsetof(FlowRow, maxLatencyNs), H5T_NATIVE_DOUBLE)
        .Add("throughput_gbps", offsetof(FlowRow, throughputGbps), H5T_NATIVE_DOUBLE);
    return t;
}

CompoundType
IterationType(const TraceEnums& e)
{
    CompoundType t(sizeof(IterationRow));
    t.AddString("name", offsetof(IterationRow, name), sizeof(IterationRow::name))
        .Add("iteration", offsetof(IterationRow, iteration), H5T_NATIVE_UINT32)
        .Add("start_ns", offsetof(IterationRow, startNs), H5T_NATIVE_DOUBLE)
        .Add("end_ns", offsetof(IterationRow, endNs), H5T_NATIVE_DOUBLE)
        .Add("time_ns", offsetof(IterationRow, timeNs), H5T_NATIVE_DOUBLE)
        .AddEnum("status", offsetof(IterationRow, status), e.collectiveStatuses)
        .Add("compute_ns", offsetof(IterationRow, computeNs), H5T_NATIVE_DOUBLE)
        .Add("exposed_comm_ns", offsetof(IterationRow, exposedCommNs), H5T_NATIVE_DOUBLE)
        .Add("mean_exposed_comm_ns", offsetof(IterationRow, meanExposedCommNs), H5T_NATIVE_DOUBLE)
        .Add("critical_compute_ns", offsetof(IterationRow, criticalComputeNs), H5T_NATIVE_DOUBLE)
        .Add("critical_comm_ns", offsetof(IterationRow, criticalCommNs), H5T_NATIVE_DOUBLE)
        .Add("operations", offsetof(IterationRow, operations), H5T_NATIVE_UINT64)
        .Add("ended", offsetof(IterationRow, ended), H5T_NATIVE_UINT64);
    return t;
}

CompoundType
NodeType(const TraceEnums& e)
{
    CompoundType t(sizeof(NodeRow));
    t.Add("id", offsetof(NodeRow, id), H5T_NATIVE_UINT32)
        .AddEnum("role", offsetof(NodeRow, role), e.nodeRoles)
        .AddString("name", offsetof(NodeRow, name), sizeof(NodeRow::name));
    return t;
}

CompoundType
LinkType()
{
    CompoundType t(sizeof(LinkRow));
    t.Add("id", offsetof(LinkRow, id), H5T_NATIVE_UINT32)
        .Add("a", offsetof(LinkRow, a), H5T_NATIVE_UINT32)
        .Add("b", offsetof(LinkRow, b), H5T_NATIVE_UINT32)
        .Add("port_a", offsetof(LinkRow, portA), H5T_NATIVE_UINT32)
        .Add("port_b", offsetof(LinkRow, portB), H5T_NATIVE_UINT32)
        .Add("length_m", offsetof(LinkRow, lengthM), H5T_NATIVE_DOUBLE)
        .Add("capacity_gbps", offsetof(LinkRow, capacityGbps), H5T_NATIVE_DOUBLE)
        .AddString("class", offsetof(LinkRow, linkClass), sizeof(LinkRow::linkClass));
    return t;
}

} // namespace ofab
