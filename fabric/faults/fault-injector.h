#ifndef OFAB_FABRIC_FAULTS_FAULT_INJECTOR_H
#define OFAB_FABRIC_FAULTS_FAULT_INJECTOR_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/faults/fault-resolve.h"
#include "ofab/fabric/faults/fault-spec.h"
#include "ofab/fabric/faults/fault-state.h"
#include "ofab/fabric/faults/laser-map.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/**
 * Injects a fault plan into a built fabric: schedules every fault and repair with the ns-3
 * simulator and applies them through the models (OpticalChannel::Cut/Restore, LaserSource line and
 * source calls, AcceleratorEndpoint::SetIsolated), holder-counted by FaultState so a repair gives
 * back exactly what its fault took.
 *
 * It does not touch routes: what the protocol layer does on a dead link (its documented link-down
 * policy) is what a fabric without a reroute controller does. A controller watches the trace
 * sources below (or the channels' LossOfSignal, with its own detection delay) and reads
 * GetLinkMask() for the route planner (PlanRoutes).
 *
 * Use: CreateObject, Configure(fabric, plan) (ConfigError at the key for a bad source index, line, or
 * a repair of something not failed), AssignStreams, Install(until) before Simulator::Run().
 *
 * While the simulation runs, Inject() adds a fault or repair that was not planned (`ofab serve`'s
 * cut / repair / degrade, a controller, a test), at the current simulated time or later, through the
 * same resolution, holder counting, trace sources and /events rows as planned ones.
 *
 * Trace sources:
 *   Fault(time, kind, element, detail, isRepair): every fault and repair as it is applied (after the
 *     models changed, so GetLinkMask() already shows it); a flap fires (Flap, false) going down and
 *     (Flap, true) coming up.
 *   LinkFailed(link, failed): a link entered (true) or left (false) the failed set of GetLinkMask().
 *   Refused(time, kind, element, reason): an injected action that came due with nothing to do (a
 *     repair with no such fault in effect, a fault on an element that already has one of its kind);
 *     nothing changed.
 */
class FaultInjector : public ns3::Object
{
  public:
    /// One scheduled step: fault `fault` (index into GetFaults()) fails or is repaired at `at`.
    struct Action
    {
        ns3::Time at;
        uint32_t fault = 0;
        bool repair = false;
        uint32_t cycle = 0; ///< flap cycle 1..count; 0 for anything else (a flap's repair stops it)
    };

    /// What Inject() did with one request.
    struct LiveOutcome
    {
        bool applied = false; ///< done now (the models already changed); false: scheduled for `at`
        ns3::Time at;
        uint32_t fault = UINT32_MAX; ///< index into GetFaults(): the fault made, or the fault a repair undid now
        std::string element;         ///< as the trace names it: "link 3", "laser a(1,0)#0 line 2" ...
        std::string detail;
    };

    static ns3::TypeId GetTypeId();
    FaultInjector();

    /// Resolves `plan` against `fabric` (kept by reference: it must outlive the injector's use) and
    /// checks the explicit timeline. ConfigError naming the key for what the fabric refuses.
    void Configure(const Fabric& fabric, const FaultPlan& plan);
    /// One stream per stochastic class (links, laser lines, laser sources, switches, groups,
    /// accelerators): 6.
    int64_t AssignStreams(int64_t stream);
    /// Draws the stochastic schedule up to `until` and schedules every action before it (call once,
    /// at time 0): one at or after `until` never happens.
    void Install(ns3::Time until);

    /**
     * Injects a fault or repair into the running fabric (after Install(), from inside the simulation:
     * a simulator event, or code that runs between events on the simulator's thread). `spec` is an
     * entry as the `faults:` list writes it (ParseFaultEntry), at `spec.at` >= now; `repair_at` and
     * flaps work as in a plan. A repair undoes the most recent fault of that kind in effect on that
     * element when it comes due, planned or injected alike.
     * At the current time it acts at once and throws ConfigError at `spec.key` when there is nothing
     * to do (no such fault in effect to repair; the element already has a fault of that kind); a
     * later action is checked when it comes due and fires Refused instead. ConfigError also for a
     * time in the past and for an element the fabric does not have (a laser index, a line).
     */
    LiveOutcome Inject(const FaultSpec& spec);

    const std::vector<InjectedFault>& GetFaults() const { return m_faults; }
    /// The declared shared-risk groups (what an injected `group` fault may name).
    const std::vector<FaultGroup>& GetGroups() const { return m_groups; }
    /// Every planned action in execution order (explicit and drawn), available after Install(), then
    /// the injected actions in the order they were requested.
    const std::vector<Action>& GetSchedule() const { return m_schedule; }
    /// One flag per link, true = up (the route planner's convention, topo::LinkMask): false while a link is cut
    /// or has a direction without usable lines.
    const topo::LinkMask& GetLinkMask() const;
    /// Links down (GetLinkMask()), without the circuits an optical circuit switch does not join (dark
    /// by design, not failed).
    std::vector<uint32_t> GetFailedLinks() const;
    uint64_t GetFaultCount() const { return m_faultsFired; }
    uint64_t GetRepairCount() const { return m_repairsFired; }

    typedef void (*FaultTracedCallback)(ns3::Time time, FaultKind kind, const std::string& element,
                                        const std::string& detail, bool isRepair);
    typedef void (*LinkFailedTracedCallback)(uint32_t link, bool failed);
    typedef void (*RefusedTracedCallback)(ns3::Time time, FaultKind kind, const std::string& element,
                                          const std::string& reason);

  protected:
    void DoDispose() override;

  private:
    /// How a repair finds its fault: the kind a repair matches and the element as a repair names it.
    static std::string RepairKey(FaultKind kind, const std::string& identity);
    struct Status
    {
        bool active = false;  ///< a non-flap fault in effect, or a flap link down now
        bool stopped = false; ///< a flap whose repair came: its remaining cycles do nothing
        ns3::Time since;      ///< when it last failed
    };

    void BuildExplicitTimeline(const FaultPlan& plan);
    void DrawStochastic(ns3::Time until);
    /// One element's alternating failures and repairs from `start` to `until`; the fault is made on first use.
    template <class Make>
    void DrawElement(const FailureRates& rates, ns3::ExponentialRandomVariable& rv, ns3::Time until, Make&& make);
    void Execute(uint32_t action);
    /// An injected fault's action: refused when its element already has a fault of its kind.
    void ExecuteInjected(uint32_t action);
    /// An injected repair: undoes the latest fault in effect under `key` (-1 and Refused when none).
    int64_t ExecuteRepair(const std::string& key, FaultKind kind, const std::string& element);
    uint32_t AddAction(const Action& a);
    /// Keeps m_inEffect: which faults are in effect on each element, per kind family.
    void SetInEffect(uint32_t fault, bool on);
    void Fire(const InjectedFault& f, bool repair, const std::string& detail);
    void OnMaskChange(uint32_t link, bool failed);

    const Fabric* m_fabric = nullptr;
    std::unique_ptr<LaserMap> m_lasers;
    std::unique_ptr<FaultState> m_state;
    std::vector<FaultGroup> m_groups;
    StochasticFaults m_stochastic;
    std::vector<InjectedFault> m_faults;
    std::vector<Status> m_status;
    std::vector<Action> m_explicit; ///< from the plan, in checked order
    std::vector<Action> m_schedule;
    std::vector<ns3::EventId> m_events;
    std::map<std::string, std::vector<uint32_t>> m_inEffect; ///< "kind|element" -> faults, oldest first
    std::array<ns3::Ptr<ns3::ExponentialRandomVariable>, 6> m_rv;
    bool m_installed = false; ///< Install() ran: Inject() may add to the schedule
    uint64_t m_faultsFired = 0;
    uint64_t m_repairsFired = 0;
    ns3::TracedCallback<ns3::Time, FaultKind, const std::string&, const std::string&, bool> m_faultTrace;
    ns3::TracedCallback<uint32_t, bool> m_linkFailedTrace;
    ns3::TracedCallback<ns3::Time, FaultKind, const std::string&, const std::string&> m_refusedTrace;
};

} // namespace ofab

#endif
