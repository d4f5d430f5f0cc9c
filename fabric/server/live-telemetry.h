#ifndef OFAB_FABRIC_SERVER_LIVE_TELEMETRY_H
#define OFAB_FABRIC_SERVER_LIVE_TELEMETRY_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/faults/fault-injector.h"
#include "ofab/fabric/server/control-server.h"
#include "ofab/fabric/trace/trace-rows.h"

#include "ofab/protocols/model/transaction.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace ofab
{

/// What one client subscribed to.
struct TelemetryOptions
{
    ns3::Time interval;         ///< simulated time between telemetry messages
    bool links = true;          ///< per-link throughput and state
    std::vector<uint32_t> only; ///< ... of these links only (empty: every link)
    bool latency = true;        ///< latency percentiles of the transactions completed in the interval
    bool events = true;         ///< every /events row as it is written, and refused injections
};

/**
 * The control plane's observations of a running fabric, pushed to subscribed clients:
 *  - telemetry every `interval` of simulated time (one simulator event per subscription, on exact
 *    bin edges): payload Gb/s per link direction over the interval (from the ports' byte counters,
 *    as /links/throughput) and their sum (`carried_gbps`), the payload of the transactions completed
 *    in the interval (`delivered_gbps`, as the summary's throughput_gbps), the links down now, and
 *    nearest-rank latency percentiles of the transactions that completed in the interval;
 *  - events as they happen: every /events row of the trace (faults, repairs, loss of signal, and
 *    anything else that writes /events, a reroute controller's route installs included) as
 *    {"type": "event", "time_ns", "kind", "element", "detail"}, and the injector's refusals as
 *    {"type": "refused", ...}.
 * A client that is behind (SessionLimits::telemetrySkipBytes queued) misses telemetry messages; the
 * next one says how many (`skipped`). Events are never skipped; an overflowing client is disconnected.
 */
class LiveTelemetry
{
  public:
    LiveTelemetry(Fabric& fabric, ns3::Ptr<FaultInjector> faults, ControlServer& server);
    ~LiveTelemetry();

    /// Connects to the endpoints' transaction traces and the injector's Refused trace.
    void Start();
    /// Replaces the session's subscription; the first message comes one interval from now.
    void Subscribe(uint64_t session, const TelemetryOptions& options);
    bool Unsubscribe(uint64_t session);
    /// Cancels every pending sample (the run is over).
    void Stop();

    /// Feeds one /events row to the clients that want events (TraceRecorder::SetEventTap).
    void OnEventRow(const EventRow& row);

    uint64_t Completed() const { return m_completed; }
    uint64_t Failed() const { return m_failed; }

  private:
    struct Subscription
    {
        TelemetryOptions options;
        ns3::EventId next;
        ns3::Time since;
        std::vector<uint64_t> lastBytes; ///< per link direction at the last sample
        std::vector<double> latencies;   ///< a uniform sample of the interval's latencies
        uint64_t completed = 0;          ///< in the interval
        uint64_t failed = 0;
        uint64_t deliveredBytes = 0; ///< payload of the transactions completed in the interval
    };

    /// Latencies kept per interval and subscription (reservoir sample beyond it).
    static constexpr std::size_t kMaxLatencySamples = 65536;

    void OnTransactionEnd(const TransactionRecord& r);
    void OnRefused(ns3::Time time, FaultKind kind, const std::string& element, const std::string& reason);
    void Sample(uint64_t session);
    std::vector<uint64_t> BytesSent() const;

    Fabric& m_fabric;
    ns3::Ptr<FaultInjector> m_faults;
    ControlServer& m_server;
    std::vector<std::string> m_eventKinds;
    std::map<uint64_t, Subscription> m_subs;
    std::minstd_rand m_reservoir; ///< not an ns-3 stream: observing must never change the run's draws
    uint64_t m_completed = 0;
    uint64_t m_failed = 0;
    bool m_started = false;
};

} // namespace ofab

#endif
