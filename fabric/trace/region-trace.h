#ifndef OFAB_FABRIC_TRACE_REGION_TRACE_H
#define OFAB_FABRIC_TRACE_REGION_TRACE_H

// The HDF5 trace of a run over several sites (docs/trace-format.md, "A region's trace"): its rows and
// the writer. A region's results come from the wide-area network's records at the end of the run, so
// the file is written then, in one pass, with the same /meta@status discipline as a fabric's trace.

#include "ofab/fabric/trace/hdf5-table.h"
#include "ofab/fabric/trace/trace-rows.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/// /region/sites: one row per site.
struct RegionSiteRow
{
    char name[32];
    char topology[16];
    uint32_t accelerators;
    uint32_t gateway; ///< the accelerator hosting the gateway
    uint32_t nics;
    uint8_t lost;
    uint64_t issued; ///< transactions of the site's endpoints
    uint64_t completed;
    uint64_t failed;
    uint64_t faults;     ///< its own faults (its file's `faults:`) that fired
    char controller[16]; ///< its reroute controller's policy; "" = none
};

/// /region/lightpaths: one row per lightpath as provisioned (when 0) and at the end (when 1).
struct RegionLightpathRow
{
    uint8_t when; ///< RegionTraceWriter::kWhen
    uint32_t id;
    char label[32];
    uint8_t up;
    char state[48];     ///< "up", or why it is down
    char path[64];      ///< mesh nodes joined by '-'
    int32_t wavelength; ///< -1: none
    double km;
    double osnrDb;
    double marginDb;
    double latencyMs;
};

/// /region/failures: one row per failure and its healing per layer (NaN: did not happen).
struct RegionFailureRow
{
    uint32_t id;
    char kind[16];
    char element[48];
    double atNs;
    double detectNs; ///< T_detect, from the failure
    double protectNs;
    double restoreNs;
    double rerouteNs;
    double recover95Ns;
    uint32_t lightpathsDown;
    uint32_t switchedToProtection;
    uint64_t lostBytes;
};

/// /region/transfers: one row per transfer or message.
struct RegionTransferRow
{
    uint64_t id;
    char label[48];
    uint8_t kind;      ///< RegionTraceWriter::kTransferKinds
    uint8_t status;    ///< RegionTraceWriter::kTransferStatuses
    uint32_t fromSite; ///< index in /region/sites
    int32_t fromNic;   ///< -1: the gateway itself
    uint32_t toSite;
    int32_t toNic;
    uint64_t bytes;
    double startNs;
    double firstByteNs; ///< NaN: none arrived
    double endNs;       ///< NaN: in flight at the end
    uint64_t deliveredBytes;
    uint64_t retransmittedBytes;
    char reason[96];
};

/// /region/allreduce: one row per iteration of a hierarchical all-reduce (NaN: a phase that did not end).
struct RegionAllReduceRow
{
    char name[32];
    uint32_t iteration;
    char algorithm[16];
    uint32_t sites;
    uint64_t bytes;
    double startNs;
    double reducedNs;
    double exchangedNs;
    double endNs;
    uint8_t status; ///< RegionTraceWriter::kIterationStatuses
    char failure[96];
};

/// Everything a region's trace holds.
struct RegionTraceContent
{
    std::map<std::string, std::string> metaText; ///< /meta attributes beyond status and format_version
    std::map<std::string, int64_t> metaIntegers; ///< e.g. seed, int64 as in a fabric's trace
    std::map<std::string, double> metaNumbers;
    std::vector<RegionSiteRow> sites;
    std::vector<RegionLightpathRow> lightpaths;
    std::vector<RegionFailureRow> failures;
    std::vector<EventRow> events; ///< kinds: RegionTraceWriter::kEventKinds
    std::vector<RegionTransferRow> transfers;
    std::vector<RegionAllReduceRow> allReduce;
    double binNs = 0;
    std::vector<std::string> pairs;              ///< "west->east": the columns of /region/throughput
    std::vector<std::vector<double>> throughput; ///< per pair, Gb/s per bin
    std::map<std::string, double> summaryFigures;
    std::string summaryJson;
};

/**
 * Writes a region's trace: creates (truncates) the file with /meta@status "running" (flushed at
 * once), writes every dataset, then the summary, then "complete". TraceError naming the path when
 * the file cannot be written; a file that could not be completed is left "incomplete: <reason>"
 * when HDF5 still lets it be marked, never "complete".
 */
class RegionTraceWriter
{
  public:
    static const std::vector<std::string> kWhen;              ///< provisioned, end
    static const std::vector<std::string> kTransferKinds;     ///< transfer, message
    static const std::vector<std::string> kTransferStatuses;  ///< in_flight, completed, failed
    static const std::vector<std::string> kIterationStatuses; ///< completed, failed, unfinished
    static const std::vector<std::string>
        kEventKinds; ///< failure, loss_of_light, protection_switch, restoration, packet_reroute

    static void Write(const std::string& path, const RegionTraceContent& content);
};

} // namespace ofab

#endif
