#include "ofab/fabric/trace/region-trace.h"

#include "ofab/fabric/trace/trace-recorder.h"

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace ofab
{

const std::vector<std::string> RegionTraceWriter::kWhen{"provisioned", "end"};
const std::vector<std::string> RegionTraceWriter::kTransferKinds{"transfer", "message"};
const std::vector<std::string> RegionTraceWriter::kTransferStatuses{"in_flight", "completed", "failed"};
const std::vector<std::string> RegionTraceWriter::kIterationStatuses{"completed", "failed", "unfinished"};
const std::vector<std::string> RegionTraceWriter::kEventKinds{"failure", "loss_of_light", "protection_switch",
                                                              "restoration", "packet_reroute"};

namespace
{

Hdf5Handle
Group(hid_t parent, const char* name)
{
    return Hdf5Handle(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                      std::string("create group ") + name);
}

/// Writes `rows` as the table `name` of `parent`, with its units.
template <typename Row>
void
Table(hid_t parent, const char* name, const CompoundType& type, const std::vector<Row>& rows, const std::string& units)
{
    AppendableTable t(parent, name, type, 1024);
    for (const Row& r : rows)
    {
        t.Append(&r);
    }
    t.Flush();
    WriteAttribute(t.Id(), "units", units);
}

CompoundType
SiteType()
{
    CompoundType t(sizeof(RegionSiteRow));
    t.AddString("name", offsetof(RegionSiteRow, name), sizeof(RegionSiteRow::name))
        .AddString("topology", offsetof(RegionSiteRow, topology), sizeof(RegionSiteRow::topology))
        .Add("accelerators", offsetof(RegionSiteRow, accelerators), H5T_NATIVE_UINT32)
        .Add("gateway", offsetof(RegionSiteRow, gateway), H5T_NATIVE_UINT32)
        .Add("nics", offsetof(RegionSiteRow, nics), H5T_NATIVE_UINT32)
        .Add("lost", offsetof(RegionSiteRow, lost), H5T_NATIVE_UINT8)
        .Add("issued", offsetof(RegionSiteRow, issued), H5T_NATIVE_UINT64)
        .Add("completed", offsetof(RegionSiteRow, completed), H5T_NATIVE_UINT64)
        .Add("failed", offsetof(RegionSiteRow, failed), H5T_NATIVE_UINT64)
        .Add("faults", offsetof(RegionSiteRow, faults), H5T_NATIVE_UINT64)
        .AddString("controller", offsetof(RegionSiteRow, controller), sizeof(RegionSiteRow::controller));
    return t;
}

CompoundType
LightpathType()
{
    CompoundType t(sizeof(RegionLightpathRow));
    t.AddEnum("when", offsetof(RegionLightpathRow, when), RegionTraceWriter::kWhen)
        .Add("id", offsetof(RegionLightpathRow, id), H5T_NATIVE_UINT32)
        .AddString("label", offsetof(RegionLightpathRow, label), sizeof(RegionLightpathRow::label))
        .Add("up", offsetof(RegionLightpathRow, up), H5T_NATIVE_UINT8)
        .AddString("state", offsetof(RegionLightpathRow, state), sizeof(RegionLightpathRow::state))
        .AddString("path", offsetof(RegionLightpathRow, path), sizeof(RegionLightpathRow::path))
        .Add("wavelength", offsetof(RegionLightpathRow, wavelength), H5T_NATIVE_INT32)
        .Add("km", offsetof(RegionLightpathRow, km), H5T_NATIVE_DOUBLE)
        .Add("osnr_db", offsetof(RegionLightpathRow, osnrDb), H5T_NATIVE_DOUBLE)
        .Add("margin_db", offsetof(RegionLightpathRow, marginDb), H5T_NATIVE_DOUBLE)
        .Add("latency_ms", offsetof(RegionLightpathRow, latencyMs), H5T_NATIVE_DOUBLE);
    return t;
}

CompoundType
FailureType()
{
    CompoundType t(sizeof(RegionFailureRow));
    t.Add("id", offsetof(RegionFailureRow, id), H5T_NATIVE_UINT32)
        .AddString("kind", offsetof(RegionFailureRow, kind), sizeof(RegionFailureRow::kind))
        .AddString("element", offsetof(RegionFailureRow, element), sizeof(RegionFailureRow::element))
        .Add("at_ns", offsetof(RegionFailureRow, atNs), H5T_NATIVE_DOUBLE)
        .Add("t_detect_ns", offsetof(RegionFailureRow, detectNs), H5T_NATIVE_DOUBLE)
        .Add("t_protect_ns", offsetof(RegionFailureRow, protectNs), H5T_NATIVE_DOUBLE)
        .Add("t_restore_ns", offsetof(RegionFailureRow, restoreNs), H5T_NATIVE_DOUBLE)
        .Add("t_reroute_ns", offsetof(RegionFailureRow, rerouteNs), H5T_NATIVE_DOUBLE)
        .Add("t_recover95_ns", offsetof(RegionFailureRow, recover95Ns), H5T_NATIVE_DOUBLE)
        .Add("lightpaths_down", offsetof(RegionFailureRow, lightpathsDown), H5T_NATIVE_UINT32)
        .Add("switched_to_protection", offsetof(RegionFailureRow, switchedToProtection), H5T_NATIVE_UINT32)
        .Add("lost_bytes", offsetof(RegionFailureRow, lostBytes), H5T_NATIVE_UINT64);
    return t;
}

CompoundType
TransferType()
{
    CompoundType t(sizeof(RegionTransferRow));
    t.Add("id", offsetof(RegionTransferRow, id), H5T_NATIVE_UINT64)
        .AddString("label", offsetof(RegionTransferRow, label), sizeof(RegionTransferRow::label))
        .AddEnum("kind", offsetof(RegionTransferRow, kind), RegionTraceWriter::kTransferKinds)
        .AddEnum("status", offsetof(RegionTransferRow, status), RegionTraceWriter::kTransferStatuses)
        .Add("from_site", offsetof(RegionTransferRow, fromSite), H5T_NATIVE_UINT32)
        .Add("from_nic", offsetof(RegionTransferRow, fromNic), H5T_NATIVE_INT32)
        .Add("to_site", offsetof(RegionTransferRow, toSite), H5T_NATIVE_UINT32)
        .Add("to_nic", offsetof(RegionTransferRow, toNic), H5T_NATIVE_INT32)
        .Add("bytes", offsetof(RegionTransferRow, bytes), H5T_NATIVE_UINT64)
        .Add("start_ns", offsetof(RegionTransferRow, startNs), H5T_NATIVE_DOUBLE)
        .Add("first_byte_ns", offsetof(RegionTransferRow, firstByteNs), H5T_NATIVE_DOUBLE)
        .Add("end_ns", offsetof(RegionTransferRow, endNs), H5T_NATIVE_DOUBLE)
        .Add("delivered_bytes", offsetof(RegionTransferRow, deliveredBytes), H5T_NATIVE_UINT64)
        .Add("retransmitted_bytes", offsetof(RegionTransferRow, retransmittedBytes), H5T_NATIVE_UINT64)
        .AddString("reason", offsetof(RegionTransferRow, reason), sizeof(RegionTransferRow::reason));
    return t;
}

CompoundType
AllReduceType()
{
    CompoundType t(sizeof(RegionAllReduceRow));
    t.AddString("name", offsetof(RegionAllReduceRow, name), sizeof(RegionAllReduceRow::name))
        .Add("iteration", offsetof(RegionAllReduceRow, iteration), H5T_NATIVE_UINT32)
        .AddString("algorithm", offsetof(RegionAllReduceRow, algorithm), sizeof(RegionAllReduceRow::algorithm))
        .Add("sites", offsetof(RegionAllReduceRow, sites), H5T_NATIVE_UINT32)
        .Add("bytes", offsetof(RegionAllReduceRow, bytes), H5T_NATIVE_UINT64)
        .Add("start_ns", offsetof(RegionAllReduceRow, startNs), H5T_NATIVE_DOUBLE)
        .Add("reduced_ns", offsetof(RegionAllReduceRow, reducedNs), H5T_NATIVE_DOUBLE)
        .Add("exchanged_ns", offsetof(RegionAllReduceRow, exchangedNs), H5T_NATIVE_DOUBLE)
        .Add("end_ns", offsetof(RegionAllReduceRow, endNs), H5T_NATIVE_DOUBLE)
        .AddEnum("status", offsetof(RegionAllReduceRow, status), RegionTraceWriter::kIterationStatuses)
        .AddString("failure", offsetof(RegionAllReduceRow, failure), sizeof(RegionAllReduceRow::failure));
    return t;
}

CompoundType
RegionEventType()
{
    CompoundType t(sizeof(EventRow));
    t.Add("time_ns", offsetof(EventRow, timeNs), H5T_NATIVE_DOUBLE)
        .AddEnum("kind", offsetof(EventRow, kind), RegionTraceWriter::kEventKinds)
        .AddString("element", offsetof(EventRow, element), sizeof(EventRow::element))
        .AddString("detail", offsetof(EventRow, detail), sizeof(EventRow::detail));
    return t;
}

void
WriteContent(hid_t file, const RegionTraceContent& c)
{
    const Hdf5Handle region = Group(file, "region");
    Table(region.Id(), "sites", SiteType(), c.sites, "issued, completed, failed: transactions of the site's endpoints");
    Table(region.Id(), "lightpaths", LightpathType(), c.lightpaths,
          "km: km, osnr_db and margin_db: dB, latency_ms: ms one way");
    Table(region.Id(), "failures", FailureType(), c.failures,
          "at_ns: ns of simulated time; t_*_ns: ns from the failure, NaN: did not happen; lost_bytes: B");
    Table(region.Id(), "transfers", TransferType(), c.transfers,
          "bytes: B; *_ns: ns of simulated time, NaN: did not happen; from_nic, to_nic: -1 = the gateway");
    Table(region.Id(), "allreduce", AllReduceType(), c.allReduce,
          "bytes: B; *_ns: ns of simulated time, NaN: the phase did not end");
    Table(file, "events", RegionEventType(), c.events, "time_ns: ns of simulated time");

    std::size_t bins = 0;
    for (const auto& series : c.throughput)
    {
        bins = std::max(bins, series.size());
    }
    AppendableMatrix m(region.Id(), "throughput", c.pairs.size());
    std::vector<double> row(c.pairs.size());
    for (std::size_t b = 0; b < bins; ++b)
    {
        for (std::size_t p = 0; p < c.pairs.size(); ++p)
        {
            row[p] = b < c.throughput[p].size() ? c.throughput[p][b] : 0.0;
        }
        m.AppendRow(row.data());
    }
    m.Flush();
    WriteAttribute(m.Id(), "bin_width_ns", c.binNs);
    WriteAttribute(m.Id(), "units", std::string("Gb/s of payload delivered from one site to another, per bin"));
    std::string columns;
    for (const std::string& p : c.pairs)
    {
        columns += (columns.empty() ? "" : ",") + p;
    }
    WriteAttribute(m.Id(), "columns", columns);

    const Hdf5Handle summary = Group(file, "summary");
    for (const auto& [name, value] : c.summaryFigures)
    {
        WriteAttribute(summary.Id(), name, value);
    }
    WriteTextDataset(summary.Id(), "json", c.summaryJson);
}

} // namespace

void
RegionTraceWriter::Write(const std::string& path, const RegionTraceContent& content)
{
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    CheckTraceWritable(path);
    Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
    if (H5Pset_libver_bounds(fapl.Id(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0)
    {
        throw TraceError("HDF5: cannot select the 1.10 file format");
    }
    Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.Id()), H5Fclose,
                    "create the trace file " + path);
    Hdf5Handle meta = Group(file.Id(), "meta");
    WriteAttribute(meta.Id(), "status", std::string("running"));
    WriteAttribute(meta.Id(), "format_version", std::string(TraceRecorder::kFormatVersion));
    WriteAttribute(meta.Id(), "kind", std::string("region"));
    if (H5Fflush(file.Id(), H5F_SCOPE_GLOBAL) < 0)
    {
        throw TraceError("HDF5 could not flush the new file " + path + " (is the disk full?)");
    }
    try
    {
        for (const auto& [name, value] : content.metaText)
        {
            if (value.size() > 60 * 1024)
            {
                WriteTextDataset(meta.Id(), name, value); // an attribute holds at most 64 KiB
            }
            else
            {
                WriteAttribute(meta.Id(), name, value);
            }
        }
        for (const auto& [name, value] : content.metaIntegers)
        {
            WriteAttribute(meta.Id(), name, value);
        }
        for (const auto& [name, value] : content.metaNumbers)
        {
            WriteAttribute(meta.Id(), name, value);
        }
        WriteContent(file.Id(), content);
        if (H5Fflush(file.Id(), H5F_SCOPE_GLOBAL) < 0)
        {
            throw TraceError("HDF5 could not flush " + path + " (is the disk full?)");
        }
        WriteAttribute(meta.Id(), "status", std::string("complete"));
        meta.Close();
        if (H5Fclose(file.Release()) < 0)
        {
            throw TraceError("HDF5 could not close " + path + " (is the disk full?)");
        }
    }
    catch (const TraceError& e)
    {
        if (meta.Id() >= 0)
        {
            try
            {
                WriteAttribute(meta.Id(), "status", std::string("incomplete: ") + e.what());
            }
            catch (const TraceError&)
            {
                // The file is beyond marking: it still says "running", which a reader never trusts.
            }
        }
        throw;
    }
}

} // namespace ofab
