#include "ofab/fabric/server/external-controller-link.h"

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <cstdio>

namespace ofab
{

namespace
{

ExternalRouteEntry
ParseEntry(const Json& e, std::size_t index)
{
    const std::string where = "key 'entries', entry " + std::to_string(index) + ": ";
    if (!e.is_object())
    {
        throw RequestError(where + "expected an object {\"node\": ..., \"dst\": ..., \"ports\": [...]}");
    }
    for (const auto& [key, value] : e.items())
    {
        if (key != "node" && key != "dst" && key != "ports")
        {
            throw RequestError(where + "unknown key '" + key + "' (node, dst, ports)");
        }
    }
    ExternalRouteEntry out;
    if (!e.contains("node") || !e["node"].is_string() || !e.contains("dst") || !e["dst"].is_string())
    {
        throw RequestError(where + "'node' and 'dst' must be node names (strings, as in `topology`)");
    }
    out.node = e["node"].get<std::string>();
    out.dst = e["dst"].get<std::string>();
    if (!e.contains("ports") || !e["ports"].is_array())
    {
        throw RequestError(where + "'ports' must be a list of router port numbers");
    }
    for (const Json& p : e["ports"])
    {
        if (!p.is_number_integer())
        {
            throw RequestError(where + "'ports' must hold integers, got " + p.dump());
        }
        out.ports.push_back(p.get<int64_t>());
    }
    return out;
}

} // namespace

ExternalControllerLink::ExternalControllerLink(ControlServer& server, LivePacer& pacer, const Fabric& fabric,
                                               ns3::Ptr<RerouteController> controller,
                                               std::chrono::milliseconds wallLimit)
    : m_server(server),
      m_pacer(pacer),
      m_fabric(fabric),
      m_controller(controller),
      m_external(ns3::DynamicCast<ExternalReroute>(controller)),
      m_wallLimit(wallLimit)
{
}

bool
ExternalControllerLink::Registered() const
{
    const auto s = m_server.Find(m_session);
    return s && s->Open();
}

bool
ExternalControllerLink::Send(const ExternalEvent& event)
{
    if (!Registered())
    {
        return false;
    }
    const topo::Graph& g = m_fabric.Graph();
    auto state = [&](const ExternalLinkState& s) {
        const topo::Link& l = g.GetLink(s.link);
        return Json{{"link", s.link},
                    {"ends", {g.GetNode(l.a).name, g.GetNode(l.b).name}},
                    {"up", s.up},
                    {"capacity", s.capacityFraction}};
    };
    Json changes = Json::array();
    for (const auto& c : event.changes)
    {
        changes.push_back(state(c));
    }
    Json down = Json::array();
    Json degraded = Json::array();
    for (const auto& c : event.notNominal)
    {
        if (!c.up)
        {
            down.push_back(c.link);
        }
        else
        {
            degraded.push_back(state(c));
        }
    }
    m_server.Find(m_session)->Send(Json{
        {"type", "controller_event"},
        {"event", event.id},
        {"time_ns", Ns(event.time)},
        {"respond_by_ns", Ns(event.respondBy)},
        {"compute_time_ns", Ns(event.defaultComputeTime)},
        {"changes", std::move(changes)},
        {"down", std::move(down)},
        {"degraded",
         std::move(degraded)}}.dump());
    ++m_eventsSent;
    return true;
}

std::string
ExternalControllerLink::Await(uint64_t event, const std::function<bool()>& answered)
{
    const auto start = std::chrono::steady_clock::now();
    m_pacer.ServeFor(m_wallLimit,
                     [&] { return answered() || !Registered() || m_pacer.StopRequested() || m_pacer.Interrupted(); });
    if (answered())
    {
        return "";
    }
    m_partial.erase(event);
    if (!Registered())
    {
        return "the controller disconnected";
    }
    if (m_pacer.StopRequested() || m_pacer.Interrupted())
    {
        return "the run is stopping";
    }
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char text[128];
    std::snprintf(text, sizeof text, "none within the wall-clock limit (%.1f s, --controller-wait)", waited);
    return text;
}

std::string
ExternalControllerLink::Describe() const
{
    return "client " + std::to_string(m_session) + " (" + m_peer + ")";
}

void
ExternalControllerLink::RequireExternalPolicy() const
{
    if (!m_controller)
    {
        throw RequestError("the experiment has no reroute controller: add `controller: {policy: external}` to its "
                           "file (or --set controller.policy=external when it has a controller: section)");
    }
    if (!m_external)
    {
        throw RequestError(std::string("the experiment's controller policy is ") + m_controller->GetPolicyName() +
                           ": an external controller needs `controller: {policy: external}` (or --set "
                           "controller.policy=external)");
    }
}

Json
ExternalControllerLink::Register(ControlSession& session, const Json& request)
{
    const auto it = request.find("register");
    if (it == request.end() || !it->is_boolean())
    {
        throw RequestError("key 'register': expected true (become the fabric's controller) or false (stop being it)");
    }
    if (!it->get<bool>())
    {
        const bool was = m_session == session.Id();
        if (was)
        {
            m_session = 0;
        }
        return Json{{"registered", false}, {"was_controller", was}};
    }
    RequireExternalPolicy();
    if (Registered() && m_session != session.Id())
    {
        throw RequestError("client " + std::to_string(m_session) + " (" + m_peer +
                           ") is the controller already: one at a time");
    }
    m_session = session.Id();
    m_peer = session.Peer();
    std::fprintf(stderr, "ofab serve: client %llu (%s) is the external controller\n",
                 static_cast<unsigned long long>(m_session), m_peer.c_str());
    return Json{{"registered", true},
                {"policy", "external"},
                {"fallback", ToString(m_external->GetFallback())},
                {"timeout_ns", Ns(m_external->GetExternalTimeout())},
                {"wall_limit_s", std::chrono::duration<double>(m_wallLimit).count()}};
}

Json
ExternalControllerLink::Routes(ControlSession& session, const Json& request)
{
    RequireExternalPolicy();
    if (!Registered() || m_session != session.Id())
    {
        throw RequestError("routes: only the registered controller sends routes ({\"cmd\": \"controller\", "
                           "\"register\": true} first)");
    }
    for (const auto& [key, value] : request.items())
    {
        if (key != "cmd" && key != "id" && key != "event" && key != "entries" && key != "compute_time" && key != "more")
        {
            throw RequestError("routes: unknown key '" + key + "' (event, entries, compute_time, more)");
        }
    }
    if (!request.contains("event") || !request["event"].is_number_unsigned())
    {
        throw RequestError("key 'event': expected the event number of the controller_event answered");
    }
    const uint64_t event = request["event"].get<uint64_t>();
    if (!request.contains("entries") || !request["entries"].is_array())
    {
        throw RequestError("key 'entries': expected a list of {\"node\": ..., \"dst\": ..., \"ports\": [...]}");
    }
    ns3::Time compute = ns3::Time(-1);
    if (request.contains("compute_time"))
    {
        const Json& v = request["compute_time"];
        if (!v.is_string() || !ParseTimeText(v.get<std::string>(), compute) || compute.IsNegative())
        {
            throw RequestError("key 'compute_time': expected a simulated time with a unit, e.g. \"20us\"");
        }
    }
    bool more = false;
    if (request.contains("more"))
    {
        if (!request["more"].is_boolean())
        {
            throw RequestError("key 'more': expected true (more parts follow) or false");
        }
        more = request["more"].get<bool>();
    }
    if (event != m_external->PendingExternalEvent())
    {
        m_partial.erase(event);
        throw RequestError("event " + std::to_string(event) + " does not await routes (" +
                           (m_external->PendingExternalEvent() == 0
                                ? std::string("none does now")
                                : "event " + std::to_string(m_external->PendingExternalEvent()) + " does") +
                           ")");
    }
    std::vector<ExternalRouteEntry>& entries = m_partial[event];
    const Json& list = request["entries"];
    // One entry per node and destination at most (a repeated one is refused anyway): this bounds what
    // a reply in parts can make the server hold.
    const std::size_t most = std::size_t(m_fabric.Graph().NumNodes()) * m_fabric.AcceleratorCount();
    if (entries.size() + list.size() > most)
    {
        m_partial.erase(event);
        throw RequestError("routes: more than " + std::to_string(most) + " entries (nodes x accelerators)");
    }
    for (const Json& e : list)
    {
        try
        {
            entries.push_back(ParseEntry(e, entries.size()));
        }
        catch (const RequestError&)
        {
            m_partial.erase(event);
            throw;
        }
    }
    if (more)
    {
        return Json{{"event", event}, {"received", entries.size()}, {"more", true}};
    }
    const std::vector<ExternalRouteEntry> all = std::move(entries);
    m_partial.erase(event);
    const std::string error = m_external->DeliverExternalRoutes(event, all, compute);
    if (!error.empty())
    {
        throw RequestError("event " + std::to_string(event) + " refused: " + error + "; the fallback policy (" +
                           ToString(m_external->GetFallback()) + ") handles it");
    }
    return Json{{"event", event}, {"accepted", true}, {"entries", all.size()}};
}

void
ExternalControllerLink::OnClose(ControlSession& session)
{
    if (m_session == session.Id())
    {
        m_partial.clear();
        m_session = 0;
        std::fprintf(stderr, "ofab serve: the external controller (client %llu) left\n",
                     static_cast<unsigned long long>(session.Id()));
    }
}

Json
ExternalControllerLink::Status() const
{
    if (!m_controller)
    {
        return nullptr;
    }
    Json s{{"policy", m_controller->GetPolicyName()}};
    if (m_external)
    {
        s["registered"] = Registered() ? Json(m_session) : Json(nullptr);
        s["events_sent"] = m_eventsSent;
        const uint64_t awaiting = m_external->PendingExternalEvent();
        s["awaiting"] = awaiting ? Json(awaiting) : Json(nullptr);
        s["fallback"] = ToString(m_external->GetFallback());
    }
    return s;
}

} // namespace ofab
