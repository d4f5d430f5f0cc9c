#ifndef OFAB_FABRIC_TRACE_TRACE_RECORDER_H
#define OFAB_FABRIC_TRACE_TRACE_RECORDER_H

#include "ofab/fabric/trace/hdf5-table.h"
#include "ofab/fabric/trace/trace-rows.h"
#include "ofab/fabric/trace/writer-thread.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
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
 *
 * A killed run (SIGKILL, the OOM killer, a lost node) keeps what was flushed: every `flushEvery` of
 * wall-clock time the writer switches the file to HDF5's single-writer/multiple-reader mode (once)
 * and flushes it. SWMR orders the metadata writes so the file on disk is readable at every moment,
 * up to the last flush, by a reader that opens it in SWMR mode (h5py: `swmr=True`); its status stays
 * "running". Attributes set after the switch wait until Finish() or Abandon(), which close the file
 * and reopen it in the ordinary mode to write them, the summary and the status.
 *
 * Every HDF5 call is checked, the closing ones too: a trace that could not be completed (a full
 * disk) is a TraceError from Finish(), never a file that claims to be whole.
 */
class TraceRecorder
{
  public:
    static constexpr const char* kFormatVersion = "1.9";
    /// Longer text goes to a dataset only: an HDF5 attribute holds at most 64 KiB.
    static constexpr std::size_t kMaxAttributeText = 60 * 1024;

    /// Creates (truncates) `path`; TraceError naming the path when it cannot be written. A zero
    /// `flushEvery` never flushes before the end.
    TraceRecorder(const std::string& path, const TraceEnums& enums, std::size_t linkDirections, double throughputBinNs,
                  std::chrono::milliseconds flushEvery = std::chrono::seconds(10));
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
    /// Keeps one /transactions row in `every` (0: none, 1: all, the default), the same rows in every
    /// run of the same seed: a row is kept when a hash of its id is a multiple of `every`. Recorded
    /// as /transactions@sample_every. Call before the first row.
    void SetTransactionSample(uint32_t every);
    void AddTransaction(const TransactionRow& row);
    void AddEvent(const EventRow& row);
    /// Also hands every /events row to `tap` as it is written (`ofab serve` streams them to its
    /// clients: faults, repairs, signal changes, and whatever else writes /events rows).
    void SetEventTap(std::function<void(const EventRow&)> tap) { m_eventTap = std::move(tap); }
    void AddLinkState(const LinkStateRow& row);
    void AddCollective(const CollectiveRow& row);
    void AddIteration(const IterationRow& row);
    void AddFlow(const FlowRow& row);
    /// One time bin of /links/throughput: Gb/s carried by each link direction during the bin.
    void AddThroughputBin(const std::vector<double>& gbpsPerLinkDirection);

    /// /summary attributes and the summary as JSON text; marks the file complete and closes it.
    /// TraceError when the trace could not be completed (also for a failure during the run).
    void Finish(const std::map<std::string, double>& figures, const std::string& summaryJson);
    /// Marks the file incomplete with a reason and closes it (idempotent; never throws).
    void Abandon(const std::string& reason) noexcept;

    uint64_t TransactionRows() const;

    /// Puts every row handed over so far on disk and returns when it is there (switching the file
    /// to SWMR mode, as the periodic flush does): what a killed run would keep from now on.
    void Flush();
    /// Bytes of the file on disk now (what was flushed or written so far).
    uint64_t FileBytes() const;

  private:
    using MetaValue = std::variant<std::string, double, int64_t>;
    void FlushAll();
    /// Closes every object and the file; false when HDF5 could not close the file (nothing written).
    bool CloseAll() noexcept;
    void SetMetaValue(const std::string& name, MetaValue value);
    /// Runs one append; the first TraceError closes the file as incomplete and makes every later
    /// append a no-op, so the simulation finishes and Finish() reports the reason.
    template <typename Write>
    void Guarded(Write write);
    /// On the writer thread: switch to SWMR (first time) and flush what was written.
    void PeriodicFlush();
    /// After the writer is idle: back in the ordinary mode (reopened when in SWMR) with the
    /// attributes that waited written; TraceError when the file cannot be reopened.
    void LeaveSwmr();
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
    std::unique_ptr<AppendableTable> m_iterations;
    std::unique_ptr<AppendableTable> m_flows;
    std::unique_ptr<AppendableMatrix> m_throughput;
    std::function<void(const EventRow&)> m_eventTap;
    bool m_closed = false;
    uint32_t m_sampleEvery = 1;                  ///< SetTransactionSample
    std::string m_failure;                       ///< why the trace stopped being written ("" while it is fine)
    bool m_swmr = false;                         ///< writer thread's, until it is idle at the end
    std::map<std::string, MetaValue> m_lateMeta; ///< set while in SWMR: written by LeaveSwmr()
    /// Last: destroyed first, so its queued writes finish while the datasets they use are open.
    std::unique_ptr<WriterThread> m_writer;
};

} // namespace ofab

#endif
