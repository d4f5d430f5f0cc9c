#ifndef OFAB_FABRIC_ASSEMBLY_OCS_LAYER_H
#define OFAB_FABRIC_ASSEMBLY_OCS_LAYER_H

#include "ofab/photonics/model/optical-channel.h"
#include "ofab/photonics/model/optical-circuit-switch.h"
#include "ofab/topologies/ocs-cubes.h"

#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

struct FabricLink;

/**
 * The optical circuit switches of a fabric built from cubes (topo::OcsCubes): one
 * OpticalCircuitSwitch element per OCS of the layout, the configuration in force, and its changes.
 *
 * Every candidate circuit of the layout is a graph link with its own ports and channel; a circuit
 * the cross-connect map does not join is a channel without a circuit (no light: its ports stay
 * down). A reconfiguration darkens the circuits that leave the map at once and lights each new one
 * when its switch has finished moving: a time drawn per switch (OpticalCircuitSwitch::
 * DrawReconfigurationTime), all switches moving in parallel. Circuits in both maps stay lit. The data
 * links of the new circuits then train (UalinkPort LinkRetrainTime) like any link that comes back.
 *
 * Routes follow the configuration being moved to (Current()) from the moment the move starts:
 * the route planner routes the slice of Current() in dimension order (fabric/routing), with the
 * circuits still dark masked out like any link that is down.
 */
class OcsLayer
{
  public:
    /// One circuit a reconfiguration moved: it went dark at the start or lights at `litAt`.
    struct CircuitMove
    {
        uint32_t link = 0;
        uint32_t ocs = 0;
        bool lights = false; ///< true: a new circuit (dark until litAt); false: one taken down for good
        ns3::Time litAt;     ///< when light reaches it (lights only)
    };

    struct Reconfiguration
    {
        std::size_t from = 0;
        std::size_t to = 0;
        std::string reason;
        ns3::Time start;
        ns3::Time lit;   ///< every new circuit lit (zero while moving)
        ns3::Time ready; ///< routes for the new slice in force everywhere (zero until then)
        std::vector<CircuitMove> moves;
        std::vector<ns3::Time> switchTimes; ///< the drawn time of each switch that moved, by switch index
    };

    /// Builds one switch per OCS of `layout` from `switchFactory` (ofab::OpticalCircuitSwitch with
    /// the experiment's attributes), adds each switch's insertion loss and crosstalk to the links of
    /// its circuits, and applies configuration 0: every circuit outside it has no circuit.
    /// ParameterError from the switches' checks (port count below the layout's, a map that uses a
    /// port twice).
    OcsLayer(std::shared_ptr<const topo::OcsCubes> layout, const ns3::ObjectFactory& switchFactory,
             const std::vector<FabricLink>& links);

    const topo::OcsCubes& Layout() const { return *m_layout; }
    const std::vector<ns3::Ptr<OpticalCircuitSwitch>>& Switches() const { return m_switches; }
    /// The configuration routes are planned for: the one in force, or the one being moved to.
    std::size_t Current() const { return m_current; }
    bool Moving() const { return m_moving; }
    /// The slice of Current() as a torus (cached).
    const topo::SliceView& View() const { return m_view; }
    /// The accelerator ids of Current()'s slice, in slice (torus node) order: where a job's ranks run.
    std::vector<uint32_t> SliceAccelerators() const;
    /// Graph links of Current()'s slice: its circuits and the links inside its cubes.
    const topo::LinkMask& SliceMask() const { return m_sliceMask; }

    /// Why a move to configuration `target` cannot start now ("" when it can): it does not exist, it
    /// is the current one, or the switches are still moving.
    std::string RefusalFor(std::size_t target) const;
    /// Starts moving to configuration `target` now. ParameterError("Configuration") with RefusalFor().
    const Reconfiguration& Reconfigure(std::size_t target, const std::string& reason);
    /// Moves to `target` after `delay` if it can then; otherwise the skipped listener hears why and
    /// nothing moves (a scheduled or requested move meets the switches as they are when it comes due).
    void ReconfigureIn(ns3::Time delay, std::size_t target, const std::string& reason);
    /// Routes planned for Current() with every slice link usable were installed: the slice is ready
    /// (called by Fabric::InstallRoutes). Fires the ready callback once per reconfiguration.
    void OnRoutesInstalled(std::size_t configuration, bool complete);

    const std::vector<Reconfiguration>& History() const { return m_history; }

    /// Who hears of the moves, each with the reconfiguration's index in History(): when one starts
    /// (circuits go dark), when its last circuit lights, and when its routes are in force; `skipped`
    /// when a ReconfigureIn came due and could not start (with the configuration and RefusalFor()).
    /// Empty functions: nobody listens.
    using Listener = std::function<void(std::size_t)>;
    struct Listeners
    {
        Listener started;
        Listener lit;
        Listener ready;
        std::function<void(std::size_t configuration, const std::string& why)> skipped;
    };
    void SetListeners(Listeners listeners) { m_listeners = std::move(listeners); }

    int64_t AssignStreams(int64_t stream);

  private:
    void Select(std::size_t configuration); ///< Current(), its view and mask
    void Light(std::size_t reconfiguration, uint32_t ocs);

    std::shared_ptr<const topo::OcsCubes> m_layout;
    std::vector<ns3::Ptr<OpticalCircuitSwitch>> m_switches;
    std::vector<ns3::Ptr<OpticalChannel>> m_channel; ///< by graph link id (null for cube links)
    std::vector<int32_t> m_circuitOf;                ///< graph link id -> index in layout circuits, -1
    std::size_t m_current = 0;
    bool m_moving = false;
    uint32_t m_switchesMoving = 0;
    topo::SliceView m_view;
    topo::LinkMask m_sliceMask;
    std::vector<Reconfiguration> m_history;
    Listeners m_listeners;
};

} // namespace ofab

#endif
