#ifndef OFAB_FABRIC_SERVER_SERVE_COMMANDS_H
#define OFAB_FABRIC_SERVER_SERVE_COMMANDS_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/faults/fault-injector.h"
#include "ofab/fabric/server/control-server.h"
#include "ofab/fabric/server/external-controller-link.h"
#include "ofab/fabric/server/fault-request.h"
#include "ofab/fabric/server/live-pacer.h"
#include "ofab/fabric/server/live-telemetry.h"

#include "ns3/nstime.h"

#include <functional>
#include <map>
#include <string>

namespace ofab
{

/**
 * The commands of `ofab serve` (protocol in docs/control-protocol.md): status, topology, cut,
 * repair, degrade, reconfigure (circuit switches), subscribe, unsubscribe, pause, resume, stop, help, and for
 * an external reroute
 * controller controller and routes (ExternalControllerLink). They run on the simulator's
 * thread (see LivePacer), so they read and change the models directly.
 */
class ServeCommands : public RequestHandler
{
  public:
    struct RunInfo
    {
        std::string experiment;
        std::string trace;
        ns3::Time duration;
        std::string ocsMoveNeeds; ///< why the circuit switches cannot move (MoveNeeds(); "" when they can)
    };

    ServeCommands(Fabric& fabric, ns3::Ptr<FaultInjector> faults, LivePacer& pacer, LiveTelemetry& telemetry,
                  ControlServer& server, ExternalControllerLink& external, RunInfo info);

    Json Handle(ControlSession& session, const Json& request) override;
    void OnClose(ControlSession& session) override;

    /// The run is over: fault and pause commands are refused from now on; status reports `final`.
    void SetFinished(const std::string& state, Json final);
    /// `stop` after the run has ended (with --hold) sets this.
    bool HoldReleased() const { return m_holdReleased; }

  private:
    using Command = std::function<Json(ControlSession&, const Json&)>;
    /// A command and the keys its requests may have besides `cmd` and `id`; `checksKeys`: the command
    /// checks its keys itself (the fault verbs, through the fault parser).
    struct Entry
    {
        Entry() = default;
        Entry(Command r, std::vector<std::string> k = {}, bool checks = false)
            : run(std::move(r)),
              keys(std::move(k)),
              checksKeys(checks)
        {
        }

        Command run;
        std::vector<std::string> keys;
        bool checksKeys = false;
    };

    Json Status() const;
    Json Topology() const;
    Json Fault(FaultVerb verb, const Json& request);
    Json Subscribe(ControlSession& session, const Json& request);
    Json Stop(ControlSession& session);
    Json Help() const;
    void RequireRunning(const std::string& cmd) const;

    Fabric& m_fabric;
    ns3::Ptr<FaultInjector> m_faults;
    LivePacer& m_pacer;
    LiveTelemetry& m_telemetry;
    ControlServer& m_server;
    ExternalControllerLink& m_external;
    RunInfo m_info;
    std::map<std::string, Entry> m_commands;
    std::string m_finished; ///< "" while running; then "complete" / "stopped" / "interrupted"
    Json m_final;
    bool m_holdReleased = false;
};

} // namespace ofab

#endif
