#include "ofab/fabric/trace/trace-recorder.h"

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace ofab
{

namespace
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
        .Add("latency_ns", offsetof(TransactionRow, latencyNs), H5T_NATIVE_DOUBLE);
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
        .AddEnum("status", offsetof(CollectiveRow, status), e.collectiveStatuses);
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

Hdf5Handle
MakeGroup(hid_t parent, const char* name)
{
    return Hdf5Handle(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                      std::string("create group ") + name);
}

void
SetUnits(const AppendableTable& table, const std::string& units)
{
    WriteAttribute(table.Id(), "units", units);
}

} // namespace

TraceRecorder::TraceRecorder(const std::string& path, const TraceEnums& enums, std::size_t linkDirections,
                             double throughputBinNs)
    : m_path(path),
      m_linkDirections(linkDirections)
{
    // HDF5 prints its own error stack by default; ofab reports one clear message instead.
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    {
        // Ask the OS first: its reason ("No such file or directory") is clearer than HDF5's.
        std::FILE* probe = std::fopen(path.c_str(), "wb");
        if (!probe)
        {
            throw TraceError("cannot write the trace file " + path + ": " + std::strerror(errno));
        }
        std::fclose(probe);
    }
    // Started before the datasets that take it; it runs nothing until the first chunk is full, so
    // the set-up below still calls HDF5 from this thread alone.
    m_writer = std::make_unique<WriterThread>();
    try
    {
        m_file = Hdf5Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                            "create the trace file " + path);
        m_meta = MakeGroup(m_file.Id(), "meta");
        WriteAttribute(m_meta.Id(), "status", std::string("running"));
        WriteAttribute(m_meta.Id(), "format_version", std::string(kFormatVersion));
        H5Fflush(m_file.Id(), H5F_SCOPE_GLOBAL);

        WriterThread* w = m_writer.get();
        m_topology = MakeGroup(m_file.Id(), "topology");
        m_nodes = std::make_unique<AppendableTable>(m_topology.Id(), "nodes", NodeType(enums), 1024, w);
        m_linkTable = std::make_unique<AppendableTable>(m_topology.Id(), "links", LinkType(), 1024, w);
        SetUnits(*m_linkTable, "length_m: m, capacity_gbps: Gb/s per direction at the start of the run");

        m_transactions =
            std::make_unique<AppendableTable>(m_file.Id(), "transactions", TransactionType(enums), 4096, w);
        SetUnits(*m_transactions,
                 "bytes: B, *_ns: ns of simulated time, NaN end for transactions in flight at the end");
        m_events = std::make_unique<AppendableTable>(m_file.Id(), "events", EventType(enums), 1024, w);
        SetUnits(*m_events, "time_ns: ns of simulated time");
        m_collectives = std::make_unique<AppendableTable>(m_file.Id(), "collectives", CollectiveType(enums), 256, w);
        SetUnits(*m_collectives, "bytes: B per rank, *_ns: ns, *_gbps: Gb/s (nccl-tests definitions)");

        m_links = MakeGroup(m_file.Id(), "links");
        m_linkState = std::make_unique<AppendableTable>(m_links.Id(), "state", LinkStateType(enums), 1024, w);
        SetUnits(*m_linkState, "time_ns: ns, capacity_gbps: Gb/s");
        m_throughput = std::make_unique<AppendableMatrix>(m_links.Id(), "throughput", linkDirections, 256, w);
        WriteAttribute(m_throughput->Id(), "units",
                       std::string("Gb/s carried per link direction, averaged over the bin"));
        WriteAttribute(m_throughput->Id(), "bin_width_ns", throughputBinNs);
        WriteAttribute(m_throughput->Id(), "columns",
                       std::string("column 2*link + direction (direction 0: a -> b, 1: b -> a)"));
    }
    catch (const TraceError& e)
    {
        Abandon(e.what());
        throw TraceError("cannot write the trace file " + path + ": " + e.what());
    }
}

TraceRecorder::~TraceRecorder()
{
    Abandon("the run stopped before the trace was finished");
}

void
TraceRecorder::Later(std::function<void()> write)
{
    if (m_closed)
    {
        throw TraceError("the trace " + m_path + " is already closed");
    }
    m_writer->Post(std::move(write));
}

void
TraceRecorder::SetMeta(const std::string& name, const std::string& value)
{
    Later([this, name, value] { WriteAttribute(m_meta.Id(), name, value); });
}

void
TraceRecorder::SetMeta(const std::string& name, double value)
{
    Later([this, name, value] { WriteAttribute(m_meta.Id(), name, value); });
}

void
TraceRecorder::SetMeta(const std::string& name, int64_t value)
{
    Later([this, name, value] { WriteAttribute(m_meta.Id(), name, value); });
}

void
TraceRecorder::AddNode(const NodeRow& row)
{
    m_nodes->Append(&row);
}

void
TraceRecorder::AddLink(const LinkRow& row)
{
    m_linkTable->Append(&row);
}

void
TraceRecorder::AddTransaction(const TransactionRow& row)
{
    m_transactions->Append(&row);
}

void
TraceRecorder::AddEvent(const EventRow& row)
{
    m_events->Append(&row);
    if (m_eventTap)
    {
        m_eventTap(row);
    }
}

void
TraceRecorder::AddLinkState(const LinkStateRow& row)
{
    m_linkState->Append(&row);
}

void
TraceRecorder::AddCollective(const CollectiveRow& row)
{
    m_collectives->Append(&row);
}

void
TraceRecorder::AddThroughputBin(const std::vector<double>& gbpsPerLinkDirection)
{
    if (gbpsPerLinkDirection.size() != m_linkDirections)
    {
        throw TraceError("throughput bin has " + std::to_string(gbpsPerLinkDirection.size()) + " columns, expected " +
                         std::to_string(m_linkDirections));
    }
    m_throughput->AppendRow(gbpsPerLinkDirection.data());
}

uint64_t
TraceRecorder::TransactionRows() const
{
    return m_transactions ? m_transactions->Rows() : 0;
}

void
TraceRecorder::FlushAll()
{
    for (AppendableTable* t : {m_nodes.get(), m_linkTable.get(), m_transactions.get(), m_events.get(),
                               m_linkState.get(), m_collectives.get()})
    {
        if (t)
        {
            t->Flush();
        }
    }
    if (m_throughput)
    {
        m_throughput->Flush();
    }
}

void
TraceRecorder::CloseAll() noexcept
{
    // Nothing may still be writing: the writer is idle after this, and every call below is ours.
    if (m_writer)
    {
        m_writer->DrainQuietly();
    }
    // Datasets before groups before the file: HDF5 keeps a file open while any object in it is.
    m_throughput.reset();
    m_nodes.reset();
    m_linkTable.reset();
    m_transactions.reset();
    m_events.reset();
    m_linkState.reset();
    m_collectives.reset();
    m_summary.Close();
    m_links.Close();
    m_topology.Close();
    m_meta.Close();
    m_file.Close();
}

void
TraceRecorder::Finish(const std::map<std::string, double>& figures, const std::string& summaryJson)
{
    if (m_closed)
    {
        throw TraceError("the trace " + m_path + " is already closed");
    }
    try
    {
        FlushAll();
        m_writer->Drain(); // every row on disk, or the error that stopped it
        m_summary = MakeGroup(m_file.Id(), "summary");
        for (const auto& [name, value] : figures)
        {
            WriteAttribute(m_summary.Id(), name, value);
        }
        // The dataset takes a summary of any size; the attribute (format 1.2 and older) only up to
        // its 64 KiB, which a run with many faults outgrows: kept for 1.x readers when it fits.
        WriteTextDataset(m_summary.Id(), "json", summaryJson);
        if (summaryJson.size() < kMaxAttributeText)
        {
            WriteAttribute(m_summary.Id(), "json", summaryJson);
        }
        // Only a trace whose every dataset reached the disk says "complete" (written last).
        if (H5Fflush(m_file.Id(), H5F_SCOPE_GLOBAL) < 0)
        {
            throw TraceError("HDF5 could not flush the trace to disk (is the disk full?)");
        }
    }
    catch (const TraceError& e)
    {
        Abandon(e.what());
        throw;
    }
    WriteAttribute(m_meta.Id(), "status", std::string("complete"));
    m_closed = true;
    CloseAll();
}

void
TraceRecorder::Abandon(const std::string& reason) noexcept
{
    if (m_closed)
    {
        return;
    }
    m_closed = true;
    try
    {
        FlushAll();
    }
    catch (...)
    {
        // The reason below still says the trace is not whole; what did not flush is lost.
    }
    if (m_writer)
    {
        m_writer->DrainQuietly();
    }
    try
    {
        if (m_meta.Id() >= 0)
        {
            WriteAttribute(m_meta.Id(), "status", "incomplete: " + reason);
        }
    }
    catch (...)
    {
    }
    CloseAll();
}

} // namespace ofab
