#ifndef OFAB_FABRIC_TRACE_TRACE_RECORDER_H
#define OFAB_FABRIC_TRACE_TRACE_RECORDER_H

#include "ofab/fabric/trace/hdf5-table.h"
#include "ofab/fabric/trace/trace-rows.h"
#include "ofab/fabric/trace/writer-thread.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/// Names of the one-byte enumerations in the trace (stored as HDF5 enums, so readers see the names).
struct TraceEnums
{
    std::vector<std::string> transactionKinds;
    std::vector<std::string> transactionStatuses;
    std::vector<std::string> eventKinds;
    std::vector<std::string> linkStates;
    std::vector<std::string> collectiveStatuses;
    std::vector<std::string> nodeRoles;
};

/**
 * Writes one run's HDF5 trace (layout and units in docs/trace-format.md) incrementally: rows are
 * buffered a chunk at a time, so memory stays bounded however long the run is.
 *
 * Once the file is open and until Finish() or Abandon(), every HDF5 call goes to one writer thread
 * in program order (a full chunk of rows is compressed and written there while the simulation goes
 * on); errors of those calls come back as TraceError from a later call on the recorder, or from
 * Finish(). Finish() and Abandon() wait for the writer, then close the file from the caller's thread.
 *
 * The file says whether it is whole: /meta@status is "running" from the start (flushed to disk at
 * once), "complete" only after Finish(), and "incomplete: <reason>" after Abandon() or when the
 * recorder is destroyed without Finish() (an exception unwinding the run). A reader must check it.
 */
class TraceRecorder
{
  public:
    static constexpr const char* kFormatVersion = "1.4";
    /// Longer text goes to a dataset only: an HDF5 attribute holds at most 64 KiB.
    static constexpr std::size_t kMaxAttributeText = 60 * 1024;

    /// Creates (truncates) `path`; TraceError naming the path when it cannot be written.
    TraceRecorder(const std::string& path, const TraceEnums& enums, std::size_t linkDirections, double throughputBinNs);
    ~TraceRecorder();
    TraceRecorder(const TraceRecorder&) = delete;
    TraceRecorder& operator=(const TraceRecorder&) = delete;

    const std::string& Path() const { return m_path; }

    /// /meta attributes: text and numbers (format version, versions, seed, resolved config ...).
    void SetMeta(const std::string& name, const std::string& value);
    void SetMeta(const std::string& name, double value);
    void SetMeta(const std::string& name, int64_t value);

    void AddNode(const NodeRow& row);
    void AddLink(const LinkRow& row);
    void AddTransaction(const TransactionRow& row);
    void AddEvent(const EventRow& row);
    /// Also hands every /events row to `tap` as it is written (`ofab serve` streams them to its
    /// clients: faults, repairs, signal changes, and whatever else writes /events rows).
    void SetEventTap(std::function<void(const EventRow&)> tap) { m_eventTap = std::move(tap); }
    void AddLinkState(const LinkStateRow& row);
    void AddCollective(const CollectiveRow& row);
    /// One time bin of /links/throughput: Gb/s carried by each link direction during the bin.
    void AddThroughputBin(const std::vector<double>& gbpsPerLinkDirection);

    /// /summary attributes and the summary as JSON text; marks the file complete and closes it.
    void Finish(const std::map<std::string, double>& figures, const std::string& summaryJson);
    /// Marks the file incomplete with a reason and closes it (idempotent; never throws).
    void Abandon(const std::string& reason) noexcept;

    uint64_t TransactionRows() const;

  private:
    void FlushAll();
    void CloseAll() noexcept;
    /// Runs `write` on the writer thread (after everything queued before it).
    void Later(std::function<void()> write);

    std::string m_path;
    std::size_t m_linkDirections;
    Hdf5Handle m_file;
    Hdf5Handle m_meta;
    Hdf5Handle m_topology;
    Hdf5Handle m_links;
    Hdf5Handle m_summary;
    std::unique_ptr<AppendableTable> m_nodes;
    std::unique_ptr<AppendableTable> m_linkTable;
    std::unique_ptr<AppendableTable> m_transactions;
    std::unique_ptr<AppendableTable> m_events;
    std::unique_ptr<AppendableTable> m_linkState;
    std::unique_ptr<AppendableTable> m_collectives;
    std::unique_ptr<AppendableMatrix> m_throughput;
    std::function<void(const EventRow&)> m_eventTap;
    bool m_closed = false;
    /// Last: destroyed first, so its queued writes finish while the datasets they use are open.
    std::unique_ptr<WriterThread> m_writer;
};

} // namespace ofab

#endif
