#include "ofab/fabric/server/serve-commands.h"

#include "ofab/fabric/faults/fault-elements.h"
#include "ofab/fabric/server/ocs-request.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// Telemetry more often than this would mostly measure its own bins (a few flits each).
const ns3::Time kMinInterval = ns3::NanoSeconds(50);

bool
Flag(const Json& request, const char* key, bool fallback)
{
    const auto it = request.find(key);
    if (it == request.end())
    {
        return fallback;
    }
    if (!it->is_boolean())
    {
        throw RequestError(std::string("key '") + key + "': expected true or false");
    }
    return it->get<bool>();
}

} // namespace

ServeCommands::ServeCommands(Fabric& fabric, ns3::Ptr<FaultInjector> faults, LivePacer& pacer, LiveTelemetry& telemetry,
                             ControlServer& server, ExternalControllerLink& external, RunInfo info)
    : m_fabric(fabric),
      m_faults(faults),
      m_pacer(pacer),
      m_telemetry(telemetry),
      m_server(server),
      m_external(external),
      m_info(std::move(info))
{
    auto fault = [this](FaultVerb verb) {
        return Entry{[this, verb](ControlSession&, const Json& r) { return Fault(verb, r); }, {}, true};
    };
    m_commands["status"] = {[this](ControlSession&, const Json&) { return Status(); }};
    m_commands["topology"] = {[this](ControlSession&, const Json&) { return Topology(); }};
    m_commands["help"] = {[this](ControlSession&, const Json&) { return Help(); }};
    m_commands["cut"] = fault(FaultVerb::Cut);
    m_commands["repair"] = fault(FaultVerb::Repair);
    m_commands["degrade"] = fault(FaultVerb::Degrade);
    m_commands["reconfigure"] = {[this](ControlSession& s, const Json& r) {
                                     RequireRunning("reconfigure");
                                     return ReconfigureRequest({m_fabric.Ocs(), m_info.ocsMoveNeeds, m_info.duration,
                                                                "client " + std::to_string(s.Id())},
                                                               r);
                                 },
                                 {"cubes", "configuration", "at", "in"}};
    m_commands["subscribe"] = {[this](ControlSession& s, const Json& r) { return Subscribe(s, r); },
                               {"interval", "links", "latency", "events"}};
    m_commands["unsubscribe"] = {[this](ControlSession& s, const Json&) {
        return Json{{"unsubscribed", m_telemetry.Unsubscribe(s.Id())}};
    }};
    m_commands["pause"] = {[this](ControlSession&, const Json&) {
        RequireRunning("pause");
        m_pacer.Pause();
        return Json{{"state", "paused"}, {"sim_time_ns", Ns(ns3::Simulator::Now())}};
    }};
    m_commands["resume"] = {[this](ControlSession&, const Json&) {
        RequireRunning("resume");
        m_pacer.Resume();
        return Json{{"state", "running"}, {"sim_time_ns", Ns(ns3::Simulator::Now())}};
    }};
    m_commands["stop"] = {[this](ControlSession& s, const Json&) { return Stop(s); }};
    m_commands["controller"] = {[this](ControlSession& s, const Json& r) {
                                    RequireRunning("controller");
                                    return m_external.Register(s, r);
                                },
                                {"register"}};
    m_commands["routes"] = {[this](ControlSession& s, const Json& r) {
                                RequireRunning("routes");
                                return m_external.Routes(s, r);
                            },
                            {"event", "entries", "compute_time", "more"}};
}

Json
ServeCommands::Handle(ControlSession& session, const Json& request)
{
    const std::string cmd = request["cmd"].get<std::string>();
    const auto it = m_commands.find(cmd);
    if (it == m_commands.end())
    {
        std::vector<std::string> names;
        for (const auto& [name, entry] : m_commands)
        {
            names.push_back(name);
        }
        const std::string near = NearestName(cmd, names);
        throw RequestError("unknown command '" + cmd + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
                           "; commands: " + ListNames(names));
    }
    const Entry& entry = it->second;
    if (!entry.checksKeys)
    {
        // A mistyped key must not pass for an option that was set ("intervall" would keep 1us).
        for (auto key = request.begin(); key != request.end(); ++key)
        {
            if (key.key() != "cmd" && key.key() != "id" &&
                std::find(entry.keys.begin(), entry.keys.end(), key.key()) == entry.keys.end())
            {
                const std::string near = NearestName(key.key(), entry.keys);
                throw RequestError(
                    "key '" + key.key() + "': not a key of `" + cmd + "`" +
                    (near.empty() ? "" : "; did you mean '" + near + "'?") + " (keys: " +
                    (entry.keys.empty() ? std::string("none besides cmd and id") : ListNames(entry.keys)) + ")");
            }
        }
    }
    return entry.run(session, request);
}

void
ServeCommands::OnClose(ControlSession& session)
{
    m_telemetry.Unsubscribe(session.Id()); // a client that leaves changes nothing else about the run ...
    m_external.OnClose(session);           // ... but the external controller's events fall back from now on
}

void
ServeCommands::SetFinished(const std::string& state, Json final)
{
    m_finished = state;
    m_final = std::move(final);
}

void
ServeCommands::RequireRunning(const std::string& cmd) const
{
    if (!m_finished.empty())
    {
        throw RequestError(cmd + ": the run has ended (" + m_finished +
                           "); `status` has its results, `stop` "
                           "ends the server");
    }
    if (m_pacer.StopRequested())
    {
        throw RequestError(cmd + ": the run is stopping (" + m_pacer.StopReason() + ")");
    }
}

Json
ServeCommands::Status() const
{
    std::string state = m_finished;
    if (state.empty())
    {
        state = m_pacer.StopRequested() ? "stopping" : m_pacer.Paused() ? "paused" : "running";
    }
    uint64_t issued = 0, inFlight = 0;
    for (const auto& e : m_fabric.Endpoints())
    {
        issued += e->GetIssuedCount();
        inFlight += e->GetInFlightCount();
    }
    const ns3::Time now = ns3::Simulator::Now();
    Json s{{"state", state},
           {"experiment", m_info.experiment},
           {"sim_time_ns", Ns(now)},
           {"duration_ns", Ns(m_info.duration)},
           {"progress", now.GetSeconds() / m_info.duration.GetSeconds()},
           {"wall_s", m_pacer.RunningWallS()},
           {"events", ns3::Simulator::GetEventCount()},
           {"events_per_s", m_pacer.EventsPerSecond()},
           {"realtime", m_pacer.RealtimeFactor() > 0 ? Json(m_pacer.RealtimeFactor()) : Json(nullptr)},
           {"transactions",
            {{"issued", issued},
             {"completed", m_telemetry.Completed()},
             {"failed", m_telemetry.Failed()},
             {"in_flight", inFlight}}},
           {"faults", {{"injected", m_faults->GetFaultCount()}, {"repairs", m_faults->GetRepairCount()}}},
           {"failed_links", m_faults->GetFailedLinks()},
           {"clients", m_server.SessionCount()},
           {"controller", m_external.Status()},
           {"trace", m_info.trace}};
    if (const OcsLayer* ocs = m_fabric.Ocs())
    {
        s["ocs"] = OcsStatus(*ocs);
    }
    if (!m_final.is_null())
    {
        s["summary"] = m_final;
    }
    return s;
}

Json
ServeCommands::Topology() const
{
    const topo::Graph& g = m_fabric.Graph();
    Json nodes = Json::array();
    for (const topo::Node& n : g.GetNodes())
    {
        nodes.push_back({{"id", n.id},
                         {"name", n.name},
                         {"role", n.role == topo::NodeRole::Switch ? "switch" : "accelerator"},
                         {"forwards", n.transit}});
    }
    Json links = Json::array();
    const std::vector<uint32_t> failed = m_faults->GetFailedLinks(); // sorted; as status and telemetry say
    for (const FabricLink& l : m_fabric.Links())
    {
        links.push_back(
            {{"link", l.id},
             {"ends", {g.GetNode(l.a).name, g.GetNode(l.b).name}},
             // the router port at each end: what an external controller's route entries name
             {"ports", {m_fabric.RouterPort(l.a, g.PortAt(l.id, l.a)), m_fabric.RouterPort(l.b, g.PortAt(l.id, l.b))}},
             {"capacity_gbps",
              {l.channel->GetLink(0)->GetCapacityBps() / 1e9, l.channel->GetLink(1)->GetCapacityBps() / 1e9}},
             {"up", !std::binary_search(failed.begin(), failed.end(), l.id)}});
    }
    return Json{{"nodes", std::move(nodes)}, {"links", std::move(links)}};
}

Json
ServeCommands::Fault(FaultVerb verb, const Json& request)
{
    const char* names[] = {"cut", "repair", "degrade"};
    RequireRunning(names[static_cast<int>(verb)]);
    const ns3::Time now = ns3::Simulator::Now();
    const FaultSpec spec = FaultSpecFromRequest(verb, request, m_fabric, m_faults->GetGroups(), now);
    // What would happen after the run's end would never happen: say so rather than accept it.
    for (const auto& [key, at] : {std::pair<const char*, ns3::Time>{"at", spec.at},
                                  {"repair_at", spec.hasRepairAt ? spec.repairAt : ns3::Time(0)}})
    {
        if (at > m_info.duration)
        {
            throw RequestError(std::string("key '") + key + "': " + FormatTime(at) + " is after the end of the run (" +
                               FormatTime(m_info.duration) + "): it would never happen");
        }
    }
    FaultInjector::LiveOutcome out;
    try
    {
        out = m_faults->Inject(spec);
    }
    catch (const ConfigError& e)
    {
        throw RequestError(e.Message());
    }
    Json r{{"kind", spec.repair ? std::string("repair") : std::string(ToString(spec.kind))},
           {"element", out.element},
           {"at_ns", Ns(out.at)},
           {"applied", out.applied}};
    if (spec.repair)
    {
        r["of"] = ToString(spec.kind);
    }
    if (!out.detail.empty() && !spec.repair)
    {
        r["detail"] = out.detail;
    }
    if (spec.hasRepairAt)
    {
        r["repair_at_ns"] = Ns(spec.repairAt);
    }
    if (!out.applied)
    {
        r["note"] = "scheduled: checked when it comes due; a refusal then is pushed as {\"type\": \"refused\"}";
    }
    r["failed_links"] = m_faults->GetFailedLinks();
    return r;
}

Json
ServeCommands::Subscribe(ControlSession& session, const Json& request)
{
    RequireRunning("subscribe");
    TelemetryOptions o;
    o.interval = ns3::MicroSeconds(1);
    if (request.contains("interval"))
    {
        const Json& v = request["interval"];
        if (!v.is_string() || !ParseTimeText(v.get<std::string>(), o.interval))
        {
            throw RequestError("key 'interval': expected a simulated time with a unit, e.g. \"1us\" or \"500ns\"");
        }
    }
    if (o.interval < kMinInterval)
    {
        throw RequestError("key 'interval': at least " + FormatTime(kMinInterval) + ", got " + FormatTime(o.interval));
    }
    o.latency = Flag(request, "latency", true);
    o.events = Flag(request, "events", true);
    if (request.contains("links") && request["links"].is_array())
    {
        for (const Json& l : request["links"])
        {
            if (!l.is_number_unsigned() || l.get<uint64_t>() >= m_fabric.Links().size())
            {
                throw RequestError("key 'links': expected link ids from 0 to " +
                                   std::to_string(m_fabric.Links().size() - 1) + ", true or false");
            }
            o.only.push_back(static_cast<uint32_t>(l.get<uint64_t>()));
        }
    }
    else
    {
        o.links = Flag(request, "links", true);
    }
    m_telemetry.Subscribe(session.Id(), o);
    Json only = Json::array();
    for (uint32_t l : o.only)
    {
        only.push_back(l);
    }
    return Json{{"interval_ns", Ns(o.interval)},
                {"links", o.only.empty() ? Json(o.links) : only},
                {"latency", o.latency},
                {"events", o.events},
                {"first_at_ns", Ns(ns3::Simulator::Now() + o.interval)}};
}

Json
ServeCommands::Stop(ControlSession& session)
{
    if (!m_finished.empty())
    {
        m_holdReleased = true; // --hold: the server closes
        return Json{{"state", m_finished}, {"note", "the server closes"}};
    }
    m_pacer.RequestStop("stopped by client " + std::to_string(session.Id()) + " (" + session.Peer() + ") at " +
                        FormatTime(ns3::Simulator::Now()));
    return Json{{"state", "stopping"}, {"sim_time_ns", Ns(ns3::Simulator::Now())}};
}

Json
ServeCommands::Help() const
{
    return Json{{"commands",
                 {{"status", "simulated time, events/s, transaction and fault counts, links down"},
                  {"topology", "nodes and links with ids, ends, capacity, up"},
                  {"cut", "a fault now, at `at` or `in`: {\"cmd\":\"cut\",\"link\":\"a(0,0)-a(1,0)\"}; also "
                          "between, node, source (+line), group, kind, repair_at"},
                  {"repair", "undo the fault of that kind on the element: {\"cmd\":\"repair\",\"link\":3}"},
                  {"degrade", "a laser line weaker: {\"cmd\":\"degrade\",\"source\":{\"node\":\"a(0,0)\",\"index\":0},"
                              "\"line\":2,\"power_drop_db\":3}"},
                  {"reconfigure", "move the circuit switches (ocs_cubes) to a declared slice, now, at `at` or `in`: "
                                  "{\"cmd\":\"reconfigure\",\"cubes\":[0,2],\"in\":\"5us\"}"},
                  {"subscribe", "telemetry every `interval` of simulated time: {\"cmd\":\"subscribe\",\"interval\":"
                                "\"1us\",\"links\":true,\"latency\":true,\"events\":true}"},
                  {"unsubscribe", "stop telemetry and events"},
                  {"pause", "hold the simulation (the server keeps answering)"},
                  {"resume", "continue"},
                  {"stop", "end the run now: the trace is finished and complete"},
                  {"controller", "{\"cmd\":\"controller\",\"register\":true}: become the fabric's external "
                                 "controller (policy external): controller_event lines are pushed to you"},
                  {"routes", "answer a controller_event: {\"cmd\":\"routes\",\"event\":1,\"entries\":[{\"node\":"
                             "\"a(0,0)\",\"dst\":\"a(1,0)\",\"ports\":[2]}],\"compute_time\":\"10us\"}"},
                  {"auth", "{\"cmd\":\"auth\",\"token\":\"...\"}: first, when the server has a token"}}},
                {"protocol", "docs/control-protocol.md"}};
}

} // namespace ofab
