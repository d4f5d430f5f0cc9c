#ifndef OFAB_FABRIC_CONTROL_REROUTE_CONTROLLER_H
#define OFAB_FABRIC_CONTROL_REROUTE_CONTROLLER_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/control/stall-detector.h"
#include "ofab/fabric/routing/route-planner.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * One step in handling an incident (the link changes of one instant), as the controller takes it.
 * These are facts of the control plane; the observation floor turns them into T_detect, T_reroute
 * and the rest (fabric/observe/incident-log.h). Incidents are numbered 0, 1, ... as they open.
 */
struct IncidentStep
{
    enum class Kind : uint8_t
    {
        Opened,         ///< `link` changed at `time`; `repair`: it came back
        LinkJoined,     ///< `link` changed at the same instant: one more link of the incident
        Detected,       ///< the incident's first detection, at `time`
        Rerouted,       ///< forwarding state changed everywhere needed, in force at `time` (a later step overrides)
        Optimised,      ///< a central re-optimisation committed at `time` (a later step overrides)
        RoutersUpdated, ///< `count` more routers got entries because of it
        Unprotected,    ///< `count` more (router, destination) entries local repair found no alternate for
        Partitioned,    ///< an install left `partitioned` accelerator pairs without any path (overrides)
    };

    Kind kind = Kind::Opened;
    std::size_t incident = 0;
    ns3::Time time;
    uint32_t link = 0;
    bool repair = false;
    uint32_t count = 0;
    const std::vector<std::pair<uint32_t, uint32_t>>* partitioned = nullptr;
};

/**
 * The reroute controller: watches every link of a fabric and repairs the forwarding tables when
 * links fail, lose lines or come back, with the timing of a real control plane. This class holds
 * what every policy shares; the policies are its subclasses (ns-3 TypeIds, chosen by the YAML key
 * `controller.policy`, fabric/control/reroute-policies.h): OracleReroute, LocalReroute,
 * GlobalReroute, HybridReroute, ExternalReroute. A policy decides what happens when a change is
 * seen, detected, and when a repaired link has waited long enough; the mechanisms it uses are here.
 *
 * Detection: a change on a link (loss of signal, lines lost or regained) is seen by the nodes at
 * its ends DetectionDelay later (loss-of-lock debounce / data-link timeout); they may tell the
 * controller over the control channel (ControlLatency one way).
 *
 * Local switch-over (a mechanism of local, hybrid and an external fallback): each detecting node
 * replaces, after SwitchOverTime, the entries that used the dead port: first by dropping it from an
 * equal-cost set, else by a loop-free alternate found by walking the tables in force from each
 * neighbour (the walk must reach the destination without coming back through the node or the dead
 * link). Destinations with no such alternate stay broken (reported as unprotected).
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
 * Trace sources: "Action" (time, kind, element, detail) for every detection, switch-over, install,
 * restore, partition, unprotected destination and stall: the rows of the trace's /events table;
 * "Incident" (IncidentStep) for every step of every incident.
 */
class RerouteController : public ns3::Object
{
  public:
    static ns3::TypeId GetTypeId();
    RerouteController();

    /// ParameterError for a value no run can live with (a stall timeout so short that checking
    /// every port that often would never let the run end).
    virtual void Validate() const;

    /// Starts watching `fabric` (kept by reference: it must outlive the controller's use). Call once,
    /// after the routes are installed and before the simulation runs.
    void Attach(Fabric& fabric);

    /// The policy's name, as `controller.policy` writes it ("oracle", "local", ...).
    virtual const char* GetPolicyName() const = 0;
    /// Whether the policy installs routes it planned over the whole fabric (the route planner's), as a
    /// circuit switch move needs: its new slice is ready when such routes go in. Local switch-overs
    /// and an external controller's tables do not.
    virtual bool InstallsPlannedRoutes() const { return true; }
    /// Routers whose entries point only at dead ports right now (0 once a reroute is complete).
    uint64_t CountBrokenEntries() const;
    /// Ports reported stalled (see StallDetector; attribute StallTimeout).
    uint64_t GetStallCount() const { return m_stalls ? m_stalls->GetStallCount() : 0; }
    /// Of those, the ports reported starved (a message waiting past StallTimeout).
    uint64_t GetStarvedCount() const { return m_stalls ? m_stalls->GetStarvedCount() : 0; }

    typedef void (*ActionTracedCallback)(ns3::Time time, const std::string& kind, const std::string& element,
                                         const std::string& detail);
    typedef void (*IncidentTracedCallback)(const IncidentStep& step);

  protected:
    /// A link as the controller sees it.
    struct LinkView
    {
        bool up = true;
        double weight = 1.0; ///< nominal / remaining capacity (1: intact)
    };

    /// What the controller keeps of an incident to act on it (the figures are the observer's).
    struct Incident
    {
        ns3::Time time;              ///< when the links changed
        std::vector<uint32_t> links; ///< links that changed at that instant
        bool repair = false;         ///< links came back (all of them did)
        /// It took a link down (else it degraded or repaired links): only such an incident needs
        /// its routes moved off a dead link, whatever happens to its links later.
        bool cut = false;
        bool detected = false;
        bool rerouted = false;
    };

    void DoDispose() override;

    // What a policy decides.
    /// Change -> the nodes at the link's ends know.
    virtual ns3::Time GetDetectionDelay() const { return m_detectionDelay; }
    /// A link failed or degraded (not a repair: see OnRestoreDue). By default the end nodes detect it.
    virtual void OnChange(uint32_t link, LinkView now, std::size_t incident);
    /// The end nodes detected a change that left the link `seen`.
    virtual void OnDetected(uint32_t link, LinkView seen, std::size_t incident) = 0;
    /// A link that came back stayed up for the wait-to-restore time.
    virtual void OnRestoreDue(uint32_t link, std::size_t incident) = 0;
    /// The protocol layer gave up on messages at a dead port of `link` (before the link's own trace
    /// sinks may have run): a policy that acts on the truth can learn of the change here.
    virtual void OnPortDown(uint32_t link);

    // Mechanisms the policies use.
    /// Routes for the link state the controller knows (m_known).
    RoutePlan PlanKnownRoutes() const;
    /// Installs `plan` everywhere now; the incidents it answers get their routers and partition.
    void InstallNow(const RoutePlan& plan, std::vector<std::size_t> incidents, const char* how);
    /// The two end nodes of dead `link` switch its routes to alternates (see the class comment).
    void LocalSwitchOver(uint32_t link, std::size_t incident);
    /// LocalSwitchOver after SwitchOverTime, when the detected change left the link dead.
    void SwitchOverIfDead(uint32_t link, LinkView seen, std::size_t incident);
    /// Every entry a local switch-over replaced goes back to what it was before the first of them
    /// once each of its links is up and past its wait-to-restore (the others keep their detours).
    void PutBackDetours();
    /// Schedules one reroute check and deadlock audit for this instant.
    void RequestRerouteCheck();
    /// The incident's first detection, now (later ones change nothing).
    void ReportDetected(std::size_t incident);
    /// The incident's reroute is complete, in force at `at`.
    void ReportRerouted(std::size_t incident, ns3::Time at);
    void ReportStep(IncidentStep step);
    void Record(const std::string& kind, const std::string& element, const std::string& detail);
    std::string LinkName(uint32_t link) const;
    /// Takes in a change of `link` (the trace sinks call it; the oracle too, from OnPortDown).
    void OnLinkChanged(uint32_t link);
    topo::LinkMask KnownMask() const;
    topo::LinkWeights KnownWeights() const;

    // attributes
    ns3::Time m_detectionDelay;
    ns3::Time m_controlLatency;
    ns3::Time m_computeTime;
    ns3::Time m_installTime;
    ns3::Time m_switchOverTime;
    ns3::Time m_waitToRestore;
    ns3::Time m_stallTimeout;

    Fabric* m_fabric = nullptr;
    std::vector<LinkView> m_known;    ///< what the controller has been told (the oracle: the truth)
    std::vector<LinkView> m_physical; ///< the truth, as last seen by the trace sinks
    /// What the end nodes last detected (or saw restored): a change is news to them when the truth
    /// differs from this, whether or not their last report has reached the controller yet.
    std::vector<LinkView> m_seen;
    std::vector<std::vector<uint32_t>> m_portLink; ///< [node][router port] -> graph link
    std::vector<ns3::EventId> m_restoreEvents;     ///< per link: pending wait-to-restore
    std::vector<Incident> m_incidents;

  private:
    // physical changes (trace sinks)
    static void OnSignal(RerouteController* self, uint32_t link, uint8_t receivingEnd);
    static void OnCapacity(RerouteController* self, uint32_t link, uint8_t direction, uint32_t usable, double bps);
    LinkView Physical(uint32_t link) const;
    /// The incident of this instant that `link` joins (a new one if none); returns its index.
    /// cut: the change took the link down.
    std::size_t OpenIncident(uint32_t link, bool repair, bool cut);
    /// The nodes at the ends of `link` see the change that made it `seen`.
    void Detect(uint32_t link, LinkView seen, std::size_t incident);
    void RestoreAfterWait(uint32_t link, std::size_t incident);
    void OnLinkDown(uint32_t node, uint16_t port, std::vector<TlMessage>& messages);
    bool HasLiveChoice(uint32_t node, uint16_t dst) const;

    // local repair (reroute-controller-local.cc)
    /// Local repair at `node` for its port `port` on dead `link`; returns entries changed, counts
    /// destinations without an alternate in `unprotected`.
    uint32_t SwitchOverAt(uint32_t node, uint16_t port, uint32_t link, uint32_t& unprotected);
    /// Hops from `start` to accelerator `dst` following the tables in force, or -1 when the walk
    /// loops, meets a dead port, enters `avoidNode` or uses `avoidLink`.
    int WalkLength(uint32_t start, uint16_t dst, uint32_t avoidNode, uint32_t avoidLink) const;

    // checks after every change of the tables (reroute-controller-checks.cc)
    void RunRerouteCheck();
    void CheckRerouted();
    /// Reports (once per change) whether the routes in force allow a credit loop (FindDependencyCycle).
    void AuditDeadlockFreedom();

    std::unique_ptr<StallDetector> m_stalls;
    std::vector<double> m_nominalBps;            ///< per link: the smaller direction's capacity at the start
    std::vector<std::vector<uint8_t>> m_noRoute; ///< [node][dst]: the last plan has no path (not broken)
    /// (node, destination) -> its entry before the first local switch-over that replaced it. One record
    /// however many switch-overs followed: putting back per link once restored a detour over the original.
    std::map<std::pair<uint32_t, uint16_t>, std::vector<ForwardingChoice>> m_homeEntries;
    std::vector<std::size_t> m_openIncidents; ///< not yet rerouted
    bool m_checkPending = false;
    bool m_deadlockRisk = false; ///< the last audit found a dependency cycle
    ns3::TracedCallback<ns3::Time, const std::string&, const std::string&, const std::string&> m_actionTrace;
    ns3::TracedCallback<const IncidentStep&> m_incidentTrace;
};

} // namespace ofab

#endif
