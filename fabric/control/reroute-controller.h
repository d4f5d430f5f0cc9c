#ifndef OFAB_FABRIC_CONTROL_REROUTE_CONTROLLER_H
#define OFAB_FABRIC_CONTROL_REROUTE_CONTROLLER_H

#include "ofab/fabric/control/external-route-source.h"
#include "ofab/fabric/routing/route-planner.h"
#include "ofab/fabric/control/stall-detector.h"
#include "ofab/fabric/assembly/fabric.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ofab
{

/// How the fabric reacts to a link that failed, degraded or came back (see fabric/README.md).
enum class ReroutePolicy : uint8_t
{
    Oracle, ///< instant global recompute at the change itself: the baseline peers use
    Local,  ///< the detecting nodes switch to precomputed loop-free alternates
    Global, ///< central recompute, then a two-phase (consistent) table install
    Hybrid, ///< local at detection, then global re-optimisation
    External, ///< an external controller's routes (ExternalRouteSource), validated; Fallback otherwise
};

const char* ToString(ReroutePolicy p);

/**
 * The reroute controller: watches every link of a fabric and repairs the forwarding tables when
 * links fail, lose lines or come back, with the timing of a real control plane.
 *
 * Detection: a change on a link (loss of signal, lines lost or regained) is seen by the nodes at
 * its ends DetectionDelay later (loss-of-lock debounce / data-link timeout); they tell the
 * controller over the control channel (ControlLatency one way). The oracle policy sees the change
 * itself with no delay and installs everywhere at once.
 *
 * Local switch-over: each detecting node replaces, after SwitchOverTime, the entries that used the
 * dead port: first by dropping it from an equal-cost set, else by a loop-free alternate found by
 * walking the tables in force from each neighbour (the walk must reach the destination without
 * coming back through the node or the dead link). Destinations with no such alternate stay broken
 * (reported as unprotected): local repair cannot heal them.
 *
 * Global recompute: ComputeTime after the first notification, the controller plans every table
 * for the links it knows to be down and the capacities it was told (PlanRoutes: fault-tolerant
 * dimension order on tori, weighted shortest paths elsewhere), sends the changed entries to the
 * routers that need them (ControlLatency + InstallTime, in parallel), collects the acks
 * (ControlLatency) and commits (ControlLatency): every router switches at the same instant, so no
 * packet meets a mix of old and new tables (no transient loop or black hole). Notifications that
 * arrive meanwhile start one more round when this one commits.
 *
 * Repairs: a link that has come back is used again once it stayed up for WaitToRestore (after
 * detection); the policy then installs the routes for the new state (the original ones when
 * everything is up again). A link that fails again meanwhile keeps its detour.
 *
 * Messages that the protocol layer gives up on at a dead port (queued or unacknowledged there) are
 * re-routed when the router already has a live choice for them (always after an oracle install),
 * else they take the protocol's link-down policy (the transaction fails back to its originator).
 *
 * A StallDetector (StallTimeout) watches every port, so routes that are not deadlock-free by
 * construction (shortest-path fallback on a torus, local detours) are caught if they do deadlock.
 *
 * External: each notification round (the same instant as a global round would start) is sent as an
 * ExternalEvent to an ExternalRouteSource (the controller a client of `ofab serve` runs). Its reply,
 * route entries on top of the tables in force, is modelled to reach the fabric at the event's time +
 * its compute time (the reply may give one, else ComputeTime); it is validated (CheckTables: known
 * nodes and ports, every reachable pair reaches, no loop, no dead link) and installed like a global
 * round: every router at reply + ControlLatency + InstallTime + 2 x ControlLatency. No controller,
 * a rejected reply, or no reply within ExternalTimeout (simulated) hands the incident to the
 * Fallback policy, with an /events row saying why.
 *
 * Trace source "Action": (time, kind, element, detail) for every detection, switch-over, install,
 * restore, partition, unprotected destination and stall: the rows of the trace's /events table.
 */
class RerouteController : public ns3::Object
{
  public:
    /// What one change of the link state (one instant; a laser source takes several links at once) cost.
    struct Incident
    {
        double timeNs = 0;                 ///< when the links changed
        std::vector<uint32_t> links;       ///< links that changed at that instant
        bool repair = false;               ///< links came back (all of them did)
        std::optional<double> detectNs;    ///< T_detect: change -> first detection (0 for the oracle)
        std::optional<double> rerouteNs;   ///< T_reroute: change -> no router left with only dead choices
        std::optional<double> optimisedNs; ///< change -> the global re-optimisation committed (global, hybrid)
        uint32_t routersUpdated = 0;       ///< routers whose tables changed because of it
        uint64_t partitionedPairs = 0;     ///< accelerator pairs without any path after it
        std::vector<std::pair<uint32_t, uint32_t>> partitionExamples; ///< up to 16 of them
        uint32_t unprotected = 0;          ///< (router, destination) entries local repair could not fix
    };

    static ns3::TypeId GetTypeId();
    RerouteController();

    /// Starts watching `fabric` (kept by reference: it must outlive the controller's use). Call once,
    /// after the routes are installed and before the simulation runs.
    void Attach(Fabric& fabric);

    ReroutePolicy GetPolicy() const { return static_cast<ReroutePolicy>(m_policy); }
    const std::vector<Incident>& GetIncidents() const { return m_incidents; }
    /// Routers whose entries point only at dead ports right now (0 once a reroute is complete).
    uint64_t CountBrokenEntries() const;
    /// Ports reported stalled (see StallDetector; attribute StallTimeout).
    uint64_t GetStallCount() const { return m_stalls ? m_stalls->GetStallCount() : 0; }

    /// Where the external policy sends its events (not owned; null: none, every event falls back).
    void SetExternalRouteSource(ExternalRouteSource* source) { m_external = source; }
    /**
     * The external controller's routes for event `event`, modelled to take `computeTime` of simulated
     * time (negative: ComputeTime). Validated at once: returns "" when accepted (the install is
     * scheduled), else why it was refused; a refused reply for the event being awaited hands the
     * incident to the Fallback policy.
     */
    std::string DeliverExternalRoutes(uint64_t event, const std::vector<ExternalRouteEntry>& entries,
                                      ns3::Time computeTime);
    /// The event awaiting an external reply (0: none).
    uint64_t PendingExternalEvent() const { return m_externalPending; }
    ns3::Time GetExternalTimeout() const { return m_externalTimeout; }
    ReroutePolicy GetFallback() const { return static_cast<ReroutePolicy>(m_fallback); }

    typedef void (*ActionTracedCallback)(ns3::Time time, const std::string& kind, const std::string& element,
                                         const std::string& detail);

  protected:
    void DoDispose() override;

  private:
    struct LinkView
    {
        bool up = true;
        double weight = 1.0;
    };

    /// An entry a local switch-over replaced, to put back when the link is restored.
    struct SavedEntry
    {
        uint32_t node;
        uint16_t dst;
        std::vector<ForwardingChoice> choices;
    };

    // physical changes (trace sinks)
    static void OnSignal(RerouteController* self, uint32_t link, uint8_t receivingEnd);
    static void OnCapacity(RerouteController* self, uint32_t link, uint8_t direction, uint32_t usable, double bps);
    void OnLinkChanged(uint32_t link);
    LinkView Physical(uint32_t link) const;
    /// The incident of this instant that `link` joins (a new one if none); returns its index.
    std::size_t OpenIncident(uint32_t link, bool repair);

    // reactions
    /// The nodes at the ends of `link` see the change that made it `seen`.
    void Detect(uint32_t link, LinkView seen, std::size_t incident);
    void LocalSwitchOver(uint32_t link, std::size_t incident);
    /// Local repair at `node` for its port `port` on dead `link`; returns entries changed.
    uint32_t SwitchOverAt(uint32_t node, uint16_t port, uint32_t link, Incident& incident);
    void RestoreAfterWait(uint32_t link, std::size_t incident);
    void Notify(uint32_t link, LinkView seen, std::size_t incident);
    void StartRound();
    void StartGlobalRound();
    /// Plans the tables for m_known and commits them (CommitGlobalRound) after the round's delays.
    void PlanGlobalRound(const char* how);
    void CommitGlobalRound();
    void EndRound();
    // external policy
    void StartExternalRound();
    void OnExternalTimeout(uint64_t event);
    /// Hands the round's incidents to the Fallback policy now, saying why.
    void Fallback(const std::string& why);
    void CommitExternalRound();
    /// The reply's entries onto a copy of the tables in force; "" or the first bad entry.
    std::string ApplyEntries(const std::vector<ExternalRouteEntry>& entries, std::vector<ForwardingTable>& tables) const;
    topo::LinkMask KnownMask() const;
    topo::LinkWeights KnownWeights() const;
    void PutBackSaved(uint32_t link);
    void InstallNow(const RoutePlan& plan, std::vector<std::size_t> incidents, const char* how);
    void CheckRerouted(double nowNs);
    void RequestRerouteCheck();
    void RunRerouteCheck();
    /// Reports (once per change) whether the routes in force allow a credit loop (FindDependencyCycle).
    void AuditDeadlockFreedom();
    void OracleCatchUp();
    void OnLinkDown(uint32_t node, uint16_t port, std::vector<TlMessage>& messages);
    bool HasLiveChoice(uint32_t node, uint16_t dst) const;
    /// Hops from `start` to accelerator `dst` following the tables in force, or -1 when the walk
    /// loops, meets a dead port, enters `avoidNode` or uses `avoidLink`.
    int WalkLength(uint32_t start, uint16_t dst, uint32_t avoidNode, uint32_t avoidLink) const;
    std::string LinkName(uint32_t link) const;
    void Record(const std::string& kind, const std::string& element, const std::string& detail);

    // attributes
    int m_policy; ///< ReroutePolicy (ns-3 3.37 enum attributes are int)
    ns3::Time m_detectionDelay;
    ns3::Time m_controlLatency;
    ns3::Time m_computeTime;
    ns3::Time m_installTime;
    ns3::Time m_switchOverTime;
    ns3::Time m_waitToRestore;
    ns3::Time m_stallTimeout;
    ns3::Time m_externalTimeout;
    int m_fallback; ///< ReroutePolicy, not External
    bool m_externalRefuseDeadlockRisk;

    Fabric* m_fabric = nullptr;
    std::unique_ptr<StallDetector> m_stalls;
    std::vector<LinkView> m_known;     ///< what the controller has been told (the oracle: the truth)
    std::vector<LinkView> m_physical;  ///< the truth, as last seen by the trace sinks
    std::vector<double> m_nominalBps;  ///< per link: the smaller direction's capacity at the start
    std::vector<std::vector<uint32_t>> m_portLink; ///< [node][router port] -> graph link
    std::vector<std::vector<uint8_t>> m_noRoute;   ///< [node][dst]: the last plan has no path (not broken)
    std::vector<ns3::EventId> m_restoreEvents; ///< per link: pending wait-to-restore
    std::vector<std::vector<SavedEntry>> m_saved; ///< per link: entries its local switch-overs replaced
    std::vector<Incident> m_incidents;
    std::vector<std::size_t> m_openIncidents;   ///< not yet rerouted
    std::vector<std::size_t> m_pendingGlobal;   ///< notified, waiting for the next global round
    bool m_roundRunning = false;
    bool m_checkPending = false;
    bool m_deadlockRisk = false;                  ///< the last audit found a dependency cycle
    int64_t m_oracleInstallTick = -1;             ///< when the oracle last installed
    std::vector<std::size_t> m_oracleIncidents;   ///< changes of that instant not installed yet
    RoutePlan m_roundPlan;                      ///< the plan of the global round in progress
    std::vector<std::size_t> m_roundIncidents;  ///< the incidents it answers
    std::string m_roundHow;                     ///< how the round's install is labelled ("global", ...)
    ExternalRouteSource* m_external = nullptr;
    uint64_t m_externalEvents = 0;              ///< events sent (ids 1..)
    uint64_t m_externalPending = 0;             ///< the event awaiting its reply (0: none)
    ns3::Time m_externalSentAt;                 ///< when it reached the controller
    ns3::EventId m_externalTimeoutEvent;
    ns3::TracedCallback<ns3::Time, const std::string&, const std::string&, const std::string&> m_actionTrace;
};

} // namespace ofab

#endif
