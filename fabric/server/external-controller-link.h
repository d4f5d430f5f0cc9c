#ifndef OFAB_FABRIC_SERVER_EXTERNAL_CONTROLLER_LINK_H
#define OFAB_FABRIC_SERVER_EXTERNAL_CONTROLLER_LINK_H

#include "ofab/fabric/control/external-reroute.h"
#include "ofab/fabric/control/external-route-source.h"
#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/fabric/server/control-server.h"
#include "ofab/fabric/server/live-pacer.h"

#include "ns3/ptr.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ofab
{

/**
 * The external reroute policy's way out of the simulator in `ofab serve`: one client of the control
 * server registers as the controller ({"cmd": "controller", "register": true}); the fabric's events
 * are pushed to it as {"type": "controller_event", ...} lines and its {"cmd": "routes", ...} replies
 * are handed to ExternalReroute::DeliverExternalRoutes (docs/control-protocol.md).
 *
 * While an event awaits its reply the simulator's thread serves the network here (Await), so
 * simulated time holds: the controller's wall-clock think time is invisible to the run, which is why
 * a run with a given controller is the same on any machine. The wait is bounded by `wallLimit`
 * (--controller-wait); a controller that does not answer in it is treated as silent, and the
 * simulation goes on to the (simulated) ExternalTimeout and the fallback.
 */
class ExternalControllerLink : public ExternalRouteSource
{
  public:
    ExternalControllerLink(ControlServer& server, LivePacer& pacer, const Fabric& fabric,
                           ns3::Ptr<RerouteController> controller, std::chrono::milliseconds wallLimit);

    // ExternalRouteSource
    bool Send(const ExternalEvent& event) override;
    std::string Await(uint64_t event, const std::function<bool()>& answered) override;
    std::string Describe() const override;

    /// {"cmd": "controller", "register": true|false}
    Json Register(ControlSession& session, const Json& request);
    /// {"cmd": "routes", "event": N, "entries": [...], "compute_time": "12us", "more": false}
    Json Routes(ControlSession& session, const Json& request);
    void OnClose(ControlSession& session);
    /// For `status`: the policy, who is registered, the event awaiting a reply.
    Json Status() const;

  private:
    bool Registered() const;
    void RequireExternalPolicy() const;

    ControlServer& m_server;
    LivePacer& m_pacer;
    const Fabric& m_fabric;
    ns3::Ptr<RerouteController> m_controller;
    ns3::Ptr<ExternalReroute> m_external; ///< m_controller when its policy is external, else null
    std::chrono::milliseconds m_wallLimit;
    uint64_t m_session = 0; ///< the registered controller's session (0: none)
    std::string m_peer;
    uint64_t m_eventsSent = 0;
    std::map<uint64_t, std::vector<ExternalRouteEntry>> m_partial; ///< entries of replies sent in parts ("more")
};

} // namespace ofab

#endif
