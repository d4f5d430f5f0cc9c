#ifndef OFAB_FABRIC_FAULT_INJECTOR_H
#define OFAB_FABRIC_FAULT_INJECTOR_H

#include "fabric/faults/fault-resolve.h"
#include "fabric/faults/fault-spec.h"
#include "fabric/faults/fault-state.h"
#include "fabric/faults/laser-map.h"
#include "fabric/helper/fabric-builder.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>
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
 * GetLinkMask() for Fabric::InstallRoutes.
 *
 * Use: CreateObject, Configure(fabric, plan) (ConfigError at the key for a bad source index, line, or
 * a repair of something not failed), AssignStreams, Install(until) before Simulator::Run().
 *
 * Trace sources:
 *   Fault(time, kind, element, detail, isRepair): every fault and repair as it is applied (after the
 *     models changed, so GetLinkMask() already shows it); a flap fires (Flap, false) going down and
 *     (Flap, true) coming up.
 *   LinkFailed(link, failed): a link entered (true) or left (false) the failed set of GetLinkMask().
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

    static ns3::TypeId GetTypeId();
    FaultInjector();

    /// Resolves `plan` against `fabric` (kept by reference: it must outlive the injector's use) and
    /// checks the explicit timeline. ConfigError naming the key for what the fabric refuses.
    void Configure(const Fabric& fabric, const FaultPlan& plan);
    /// One stream per stochastic class (links, laser lines, laser sources, switches, groups): 5.
    int64_t AssignStreams(int64_t stream);
    /// Draws the stochastic schedule up to `until` and schedules every action (call once, at time 0).
    void Install(ns3::Time until);

    const std::vector<InjectedFault>& GetFaults() const { return m_faults; }
    /// Every action in execution order (explicit and drawn), available after Install().
    const std::vector<Action>& GetSchedule() const { return m_schedule; }
    /// One flag per link, true = up (Fabric::InstallRoutes' convention): false while a link is cut
    /// or has a direction without usable lines.
    const topo::LinkMask& GetLinkMask() const;
    std::vector<uint32_t> GetFailedLinks() const;
    uint64_t GetFaultCount() const { return m_faultsFired; }
    uint64_t GetRepairCount() const { return m_repairsFired; }

    typedef void (*FaultTracedCallback)(ns3::Time time, FaultKind kind, const std::string& element,
                                        const std::string& detail, bool isRepair);
    typedef void (*LinkFailedTracedCallback)(uint32_t link, bool failed);

  protected:
    void DoDispose() override;

  private:
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
    std::array<ns3::Ptr<ns3::ExponentialRandomVariable>, 5> m_rv;
    uint64_t m_faultsFired = 0;
    uint64_t m_repairsFired = 0;
    ns3::TracedCallback<ns3::Time, FaultKind, const std::string&, const std::string&, bool> m_faultTrace;
    ns3::TracedCallback<uint32_t, bool> m_linkFailedTrace;
};

} // namespace ofab

#endif
