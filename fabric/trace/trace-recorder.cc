#include "ofab/fabric/trace/trace-recorder.h"

#include "ofab/fabric/trace/trace-row-types.h"

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace ofab
{

namespace
{

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

/// File access in the HDF5 1.10 format: the one single-writer/multiple-reader mode needs.
Hdf5Handle
FileAccess()
{
    Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
    if (H5Pset_libver_bounds(fapl.Id(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0)
    {
        throw TraceError("HDF5: cannot select the 1.10 file format");
    }
    return fapl;
}

/// HDF5 prints its error stack by default (per thread); ofab reports one clear message instead.
void
SilenceHdf5Errors()
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

} // namespace

TraceRecorder::TraceRecorder(const std::string& path, const TraceEnums& enums, std::size_t linkDirections,
                             double throughputBinNs, std::chrono::milliseconds flushEvery)
    : m_path(path),
      m_linkDirections(linkDirections)
{
    // At exit HDF5 closes what is still open; a file whose close failed (a full disk) is left
    // half torn down by 1.10, and closing it again there crashes. The recorder closes its own.
    H5dont_atexit();
    SilenceHdf5Errors();
    CheckTraceWritable(path);
    // Started before the datasets that take it. Until the first chunk is full it runs only the
    // silencing of HDF5's error printing (per thread); Debian's HDF5 is built thread-safe and
    // serialises the calls, and the set-up below is in program order on this thread.
    m_writer = std::make_unique<WriterThread>();
    m_writer->Post(SilenceHdf5Errors);
    if (flushEvery.count() > 0)
    {
        m_writer->SetPeriodic(flushEvery, [this] { PeriodicFlush(); });
    }
    try
    {
        m_file = Hdf5Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, FileAccess().Id()), H5Fclose,
                            "create the trace file " + path);
        m_meta = MakeGroup(m_file.Id(), "meta");
        WriteAttribute(m_meta.Id(), "status", std::string("running"));
        WriteAttribute(m_meta.Id(), "format_version", std::string(kFormatVersion));
        if (H5Fflush(m_file.Id(), H5F_SCOPE_GLOBAL) < 0)
        {
            throw TraceError("HDF5 could not flush the new file (is the disk full?)");
        }

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
        m_iterations = std::make_unique<AppendableTable>(m_file.Id(), "iterations", IterationType(enums), 64, w);
        SetUnits(*m_iterations, "*_ns: ns of simulated time");
        m_flows = std::make_unique<AppendableTable>(m_file.Id(), "flows", FlowType(), 1024, w);
        SetUnits(*m_flows, "bytes: B of completed payload, *_ns: ns, throughput_gbps: Gb/s");

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
TraceRecorder::SetMetaValue(const std::string& name, MetaValue value)
{
    if (!m_failure.empty())
    {
        return;
    }
    Later([this, name, value = std::move(value)] {
        if (m_swmr)
        {
            m_lateMeta[name] = value; // no new attributes in SWMR mode: written when it ends
            return;
        }
        std::visit([this, &name](const auto& v) { WriteAttribute(m_meta.Id(), name, v); }, value);
    });
}

void
TraceRecorder::SetMeta(const std::string& name, const std::string& value)
{
    SetMetaValue(name, value);
}

void
TraceRecorder::SetMeta(const std::string& name, double value)
{
    SetMetaValue(name, value);
}

void
TraceRecorder::SetMeta(const std::string& name, int64_t value)
{
    SetMetaValue(name, value);
}

void
TraceRecorder::PeriodicFlush()
{
    if (!m_swmr)
    {
        if (H5Fstart_swmr_write(m_file.Id()) < 0)
        {
            throw TraceError("HDF5 could not switch the trace to single-writer/multiple-reader mode");
        }
        m_swmr = true;
    }
    if (H5Fflush(m_file.Id(), H5F_SCOPE_LOCAL) < 0)
    {
        throw TraceError("HDF5 could not flush the trace to disk (is the disk full?)");
    }
}

void
TraceRecorder::LeaveSwmr()
{
    if (m_swmr)
    {
        m_swmr = false;
        if (!CloseAll())
        {
            throw TraceError("HDF5 could not close the trace (is the disk full?)");
        }
        m_file = Hdf5Handle(H5Fopen(m_path.c_str(), H5F_ACC_RDWR, FileAccess().Id()), H5Fclose,
                            "reopen the trace file " + m_path);
        m_meta = Hdf5Handle(H5Gopen2(m_file.Id(), "meta", H5P_DEFAULT), H5Gclose, "open group meta");
    }
    for (const auto& [name, value] : m_lateMeta)
    {
        std::visit([this, &name = name](const auto& v) { WriteAttribute(m_meta.Id(), name, v); }, value);
    }
    m_lateMeta.clear();
}

void
TraceRecorder::Flush()
{
    if (!m_failure.empty())
    {
        throw TraceError(m_failure);
    }
    FlushAll();
    Later([this] { PeriodicFlush(); });
    m_writer->Drain();
}

uint64_t
TraceRecorder::FileBytes() const
{
    std::error_code ignored;
    const auto bytes = std::filesystem::file_size(m_path, ignored);
    return ignored ? 0 : static_cast<uint64_t>(bytes);
}

template <typename Write>
void
TraceRecorder::Guarded(Write write)
{
    if (!m_failure.empty())
    {
        return; // the trace already failed: the run goes on, its rows are not kept
    }
    try
    {
        write();
    }
    catch (const TraceError& e)
    {
        // A full disk must not cost the simulation: the file is closed as incomplete now, and
        // Finish() reports the reason so the run's summary can say it.
        m_failure = e.what();
        Abandon(m_failure);
    }
}

void
TraceRecorder::AddNode(const NodeRow& row)
{
    Guarded([&] { m_nodes->Append(&row); });
}

void
TraceRecorder::AddLink(const LinkRow& row)
{
    Guarded([&] { m_linkTable->Append(&row); });
}

void
TraceRecorder::SetTransactionSample(uint32_t every)
{
    m_sampleEvery = every;
    Later([this, every] { WriteAttribute(m_transactions->Id(), "sample_every", int64_t{every}); });
}

namespace
{
/// SplitMix64's finaliser: ids that differ in one bit land far apart, so a sample by id modulo N
/// does not follow the ids' own pattern (source in the high bits, a counter in the low ones).
uint64_t
MixId(uint64_t id)
{
    id = (id ^ (id >> 30)) * 0xbf58476d1ce4e5b9ULL;
    id = (id ^ (id >> 27)) * 0x94d049bb133111ebULL;
    return id ^ (id >> 31);
}
} // namespace

void
TraceRecorder::AddTransaction(const TransactionRow& row)
{
    if (m_sampleEvery != 1 && (m_sampleEvery == 0 || MixId(row.id) % m_sampleEvery != 0))
    {
        return;
    }
    Guarded([&] { m_transactions->Append(&row); });
}

void
TraceRecorder::AddEvent(const EventRow& row)
{
    Guarded([&] { m_events->Append(&row); });
    if (m_eventTap)
    {
        m_eventTap(row);
    }
}

void
TraceRecorder::AddLinkState(const LinkStateRow& row)
{
    Guarded([&] { m_linkState->Append(&row); });
}

void
TraceRecorder::AddCollective(const CollectiveRow& row)
{
    Guarded([&] { m_collectives->Append(&row); });
}

void
TraceRecorder::AddIteration(const IterationRow& row)
{
    Guarded([&] { m_iterations->Append(&row); });
}

void
TraceRecorder::AddFlow(const FlowRow& row)
{
    Guarded([&] { m_flows->Append(&row); });
}

void
TraceRecorder::AddThroughputBin(const std::vector<double>& gbpsPerLinkDirection)
{
    if (gbpsPerLinkDirection.size() != m_linkDirections)
    {
        throw TraceError("throughput bin has " + std::to_string(gbpsPerLinkDirection.size()) + " columns, expected " +
                         std::to_string(m_linkDirections));
    }
    Guarded([&] { m_throughput->AppendRow(gbpsPerLinkDirection.data()); });
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
                               m_linkState.get(), m_collectives.get(), m_iterations.get(), m_flows.get()})
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

bool
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
    m_iterations.reset();
    m_flows.reset();
    m_summary.Close();
    m_links.Close();
    m_topology.Close();
    m_meta.Close();
    // The close writes what HDF5 still caches: on a full disk it is the call that fails.
    const hid_t file = m_file.Release();
    return file < 0 || H5Fclose(file) >= 0;
}

void
TraceRecorder::Finish(const std::map<std::string, double>& figures, const std::string& summaryJson)
{
    if (!m_failure.empty())
    {
        throw TraceError(m_failure);
    }
    if (m_closed)
    {
        throw TraceError("the trace " + m_path + " is already closed");
    }
    try
    {
        FlushAll();
        m_writer->Drain(); // every row on disk, or the error that stopped it
        m_writer->SetPeriodic({}, nullptr);
        LeaveSwmr();
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
        if (H5Fflush(m_file.Id(), H5F_SCOPE_GLOBAL) < 0)
        {
            throw TraceError("HDF5 could not flush the trace to disk (is the disk full?)");
        }
        // Only a trace whose every dataset reached the disk says "complete": written last, and
        // kept only by a file that then closes cleanly.
        WriteAttribute(m_meta.Id(), "status", std::string("complete"));
    }
    catch (const TraceError& e)
    {
        Abandon(e.what());
        throw;
    }
    m_closed = true;
    if (!CloseAll())
    {
        throw TraceError("HDF5 could not close the trace " + m_path + " (is the disk full?)");
    }
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
        m_writer->SetPeriodic({}, nullptr);
    }
    try
    {
        LeaveSwmr();
        if (m_meta.Id() >= 0)
        {
            WriteAttribute(m_meta.Id(), "status", "incomplete: " + reason);
        }
    }
    catch (...)
    {
        // A file that cannot take the reason keeps "running": still not complete to a reader.
    }
    CloseAll();
}

} // namespace ofab
