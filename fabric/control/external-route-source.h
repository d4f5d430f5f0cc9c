#ifndef OFAB_FABRIC_CONTROL_EXTERNAL_ROUTE_SOURCE_H
#define OFAB_FABRIC_CONTROL_EXTERNAL_ROUTE_SOURCE_H

#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ofab
{

/// One link as the reroute controller knows it (after detection and notification).
struct ExternalLinkState
{
    uint32_t link = 0;
    bool up = true;
    double capacityFraction = 1.0; ///< usable / nominal capacity (0 when down)
};

/// A link-state change the fabric asks an external controller to answer with routes.
struct ExternalEvent
{
    uint64_t id = 0;                           ///< 1, 2, ... in the order sent
    ns3::Time time;                            ///< when the controller has it (detection + ControlLatency)
    ns3::Time respondBy;                       ///< time + ExternalTimeout: a reply modelled later is refused
    ns3::Time defaultComputeTime;              ///< the controller's modelled think time unless it says otherwise
    std::vector<ExternalLinkState> changes;    ///< the links this event is about
    std::vector<ExternalLinkState> notNominal; ///< every link known down or below full capacity
};

/// One forwarding entry of an external controller's reply: at `node`, traffic for accelerator
/// `dst` leaves on `ports` (router ports; several are equal-cost choices). Names as in `topology`.
struct ExternalRouteEntry
{
    std::string node;
    std::string dst;
    std::vector<int64_t> ports; ///< signed, so that a negative port is reported rather than wrapped
};

/**
 * Where the "external" reroute policy gets its routes: a controller outside the simulator (ofab
 * serve implements this over its control connection; fabric/server/external-controller-link.h).
 * Keeps fabric/control free of any transport.
 *
 * The reroute controller calls Send with each event; the source hands it to its controller and
 * returns at once. The controller then calls Await, during which simulated time does not move: the
 * source serves its transport and passes the reply to RerouteController::DeliverExternalRoutes
 * (which validates and schedules the install), or gives up after its wall-clock limit. So a
 * controller's wall-clock think time never shows in simulated time: the reply's modelled compute
 * time does, and a run is the same on a fast or a slow machine.
 */
class ExternalRouteSource
{
  public:
    virtual ~ExternalRouteSource() = default;
    /// Hands `event` to the external controller; false when none is connected (the fallback applies).
    virtual bool Send(const ExternalEvent& event) = 0;
    /// Serves the transport until `answered()` holds or the wall-clock limit passed. Returns a reason
    /// when it gave up ("" when answered).
    virtual std::string Await(uint64_t event, const std::function<bool()>& answered) = 0;
    /// The external controller's name for /events rows ("client 3 (127.0.0.1:4711)").
    virtual std::string Describe() const = 0;
};

} // namespace ofab

#endif
