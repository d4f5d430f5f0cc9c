// Fuzz target: the control protocol of `ofab serve`, as a client speaks it.
//
// Input: the bytes a client sends (request lines, JSON, any number), optionally cut in two by a line
// `#@await`. They go through the server's own framing, limits and commands (ControlSession::Receive,
// ControlServer, ServeCommands, the fault requests, telemetry, the external controller link) against
// a real 3 x 3 torus (serve-request-fuzz.yaml) wired as `ofab serve` wires it
// (fabric/app/serve-command.cc), with an in-process client instead of a socket:
//   1. the bytes before `#@await` are sent at simulated time 0;
//   2. when they changed the run (a fault injected or scheduled, a subscription), the run goes to its
//      end (20 us): scheduled faults come due, telemetry is sampled, and the external controller (the
//      client, once it registered) is sent its events; the bytes after `#@await` are sent while the
//      first event awaits its reply, as a controller's routes arrive while the simulation holds;
//   3. all the bytes are sent again, by a new client, to the finished run (a server kept by --hold).
//
// The fabric is built once (LLVMFuzzerInitialize) and again only after an input changed it, so that
// every input starts from the same fabric at time 0 and a finding replays from its input alone.
//
// Findings, besides crashes, sanitizer reports and hangs: an exception out of the server; a line sent
// to the client that is not a JSON object with a `type`; a request without exactly one reply (the
// protocol's rule); a reply whose error is an internal error or a JSON library's exception
// (`[json.exception...]`), i.e. input the commands did not check themselves.

#include "fuzz-target.h"

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/control/external-reroute.h"
#include "ofab/fabric/experiment/experiment-runner.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/server/control-server.h"
#include "ofab/fabric/server/external-controller-link.h"
#include "ofab/fabric/server/live-pacer.h"
#include "ofab/fabric/server/live-telemetry.h"
#include "ofab/fabric/server/serve-commands.h"

#include <memory>
#include <typeinfo>

using namespace ofab;
using ofab::fuzz::Finding;
using ofab::fuzz::Verbose;

namespace
{

const std::string kExperiment = std::string(OFAB_SOURCE_DIR) + "/tests/fuzz/serve-request-fuzz.yaml";

/// The served run: what lives as long as the fabric.
struct World
{
    explicit World(const ConfigDocument& doc, const SessionLimits& limits)
        : x(LoadExperiment(doc)),
          runner(x, doc),
          server(io, limits, ""),
          telemetry(runner.GetFabric(), runner.GetFaultInjector(), server)
    {
        telemetry.Start();
    }

    /// What a request that changes the run changes in the fault injector.
    std::vector<std::size_t> FaultCounts() const
    {
        const auto& f = *runner.GetFaultInjector();
        return {f.GetSchedule().size(), f.GetFaults().size(), f.GetFaultCount(), f.GetRepairCount()};
    }

    Experiment x;
    ExperimentRunner runner;
    boost::asio::io_context io;
    ControlServer server;
    LiveTelemetry telemetry;
};

SessionLimits g_limits;
std::unique_ptr<ConfigDocument> g_doc;
/// Never destroyed at exit: ns-3's own statics (the channel list) may be gone by then.
World* g_world = nullptr;

/// The route source of the external policy during a run: the server's link, with the bytes after
/// `#@await` sent to the server when the first event awaits its reply.
class HeldReplies : public ExternalRouteSource
{
  public:
    HeldReplies(ExternalControllerLink& link, std::function<void()> deliver)
        : m_link(link),
          m_deliver(std::move(deliver))
    {
    }

    bool Send(const ExternalEvent& event) override { return m_link.Send(event); }

    std::string Await(uint64_t event, const std::function<bool()>& answered) override
    {
        if (m_deliver)
        {
            const auto deliver = std::move(m_deliver);
            m_deliver = nullptr;
            deliver();
        }
        return m_link.Await(event, answered);
    }

    std::string Describe() const override { return m_link.Describe(); }

  private:
    ExternalControllerLink& m_link;
    std::function<void()> m_deliver;
};

/// The request lines in a client's bytes, framed as the server frames them (ControlSession::Receive):
/// each line not blank after its CR, each line over the limit (answered once), and an unfinished last
/// line over the limit (answered before its newline).
std::vector<std::string>
Requests(const std::string& bytes)
{
    const std::size_t limit = g_limits.maxLineBytes;
    std::vector<std::string> requests;
    std::size_t start = 0;
    while (start <= bytes.size())
    {
        const std::size_t end = bytes.find('\n', start);
        if (end == std::string::npos)
        {
            if (bytes.size() - start > limit)
            {
                requests.emplace_back();
            }
            break;
        }
        std::string line = bytes.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
        {
            line.pop_back();
        }
        if (line.size() > limit)
        {
            requests.emplace_back();
        }
        else if (line.find_first_not_of(" \t") != std::string::npos)
        {
            requests.push_back(line);
        }
        start = end + 1;
    }
    return requests;
}

/// Checks every line the client was sent; returns the replies.
std::vector<Json>
CheckLines(const std::vector<std::string>& lines)
{
    std::vector<Json> replies;
    for (const std::string& line : lines)
    {
        if (Verbose())
        {
            std::printf("  < %s\n", line.substr(0, 240).c_str());
        }
        Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string())
        {
            Finding("a line sent to the client is not a JSON object with a type: " + line.substr(0, 300));
        }
        if (j["type"] != "reply")
        {
            continue;
        }
        if (!j.contains("ok") || !j["ok"].is_boolean())
        {
            Finding("a reply without ok: " + line.substr(0, 300));
        }
        if (!j["ok"].get<bool>())
        {
            if (!j.contains("error") || !j["error"].is_string())
            {
                Finding("a refusal without an error: " + line.substr(0, 300));
            }
            const std::string error = j["error"].get<std::string>();
            if (error.rfind("internal error", 0) == 0 || error.find("[json.exception") != std::string::npos)
            {
                Finding("a request the commands did not check: " + line.substr(0, 300));
            }
        }
        replies.push_back(std::move(j));
    }
    return replies;
}

/// Each request of `bytes` got exactly one reply (while the client is connected).
void
CheckReplies(const ControlSession& client, const std::vector<Json>& replies, const std::string& bytes)
{
    const std::size_t requests = Requests(bytes).size();
    if (client.Open() && replies.size() != requests)
    {
        Finding(std::to_string(requests) + " requests got " + std::to_string(replies.size()) + " replies");
    }
}

/// True when a request of `bytes` subscribed (its reply said ok): the run then has telemetry to send.
bool
Subscribed(const std::string& bytes, const std::vector<Json>& replies)
{
    const std::vector<std::string> requests = Requests(bytes);
    for (std::size_t i = 0; i < requests.size() && i < replies.size(); ++i)
    {
        const Json r = Json::parse(requests[i], nullptr, false);
        if (r.is_object() && r.contains("cmd") && r["cmd"] == "subscribe" && replies[i]["ok"] == true)
        {
            return true;
        }
    }
    return false;
}

/// Serves one input; true when it changed the run (the fabric must then be built again).
bool
Serve(const std::string& before, const std::string& held)
{
    if (!g_world)
    {
        g_world = new World(*g_doc, g_limits);
    }
    World& w = *g_world;
    const std::vector<std::size_t> counts = w.FaultCounts();
    LivePacer pacer(w.io, w.x.duration, 0);
    // No wall-clock wait for the controller's replies: the held bytes are all there will be.
    ExternalControllerLink external(w.server, pacer, w.runner.GetFabric(), w.runner.GetController(),
                                    std::chrono::milliseconds(0));
    ServeCommands commands(w.runner.GetFabric(), w.runner.GetFaultInjector(), pacer, w.telemetry, w.server, external,
                           {w.x.name, "", w.x.duration, ""});
    w.server.SetHandler(&commands);
    std::vector<std::string> lines;
    const std::shared_ptr<ControlSession> client =
        w.server.Connect([&lines](const std::string& line) { lines.push_back(line); });

    client->Receive(before.data(), before.size());
    std::vector<Json> replies = CheckLines(lines);
    CheckReplies(*client, replies, before);
    const bool changed = w.FaultCounts() != counts || Subscribed(before, replies);
    if (changed)
    {
        lines.clear();
        bool sent = false;
        HeldReplies source(external, [&] {
            sent = true;
            client->Receive(held.data(), held.size());
        });
        const ns3::Ptr<ExternalReroute> policy = ns3::DynamicCast<ExternalReroute>(w.runner.GetController());
        policy->SetExternalRouteSource(&source);
        w.runner.Run(nullptr);
        policy->SetExternalRouteSource(nullptr);
        replies = CheckLines(lines);
        if (sent)
        {
            CheckReplies(*client, replies, held);
        }
        w.telemetry.Stop();
    }
    client->Close("disconnected");
    commands.SetFinished(pacer.StopRequested() ? "stopped" : "complete", Json{{"ended", "fuzz"}});
    lines.clear();
    const std::shared_ptr<ControlSession> late =
        w.server.Connect([&lines](const std::string& line) { lines.push_back(line); });
    const std::string all = before + held;
    late->Receive(all.data(), all.size());
    CheckReplies(*late, CheckLines(lines), all);
    late->Close("disconnected");
    w.server.SetHandler(nullptr);
    return changed;
}

} // namespace

extern "C" int
LLVMFuzzerInitialize(int*, char***)
{
    g_doc = std::make_unique<ConfigDocument>(ConfigDocument::Load(kExperiment));
    // Requests are never refused for their rate here: whether they are would depend on the machine.
    g_limits.messagesPerSecond = 1e12;
    g_limits.burst = 1e12;
    // A shorter line limit than the server's 64 KiB, so that inputs reach it (the same code).
    g_limits.maxLineBytes = 2048;
    g_world = new World(*g_doc, g_limits);
    return 0;
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const std::string input(reinterpret_cast<const char*>(data), size);
    static const std::string kMarker = "#@await\n";
    const std::size_t at = input.rfind(kMarker, 0) == 0 ? 0 : input.find("\n" + kMarker);
    const std::string before = at == std::string::npos ? input : input.substr(0, at == 0 ? 0 : at + 1);
    const std::string held = at == std::string::npos ? "" : input.substr(input.find(kMarker, at) + kMarker.size());
    try
    {
        if (Serve(before, held))
        {
            delete g_world; // the next input starts from a new fabric at time 0
            g_world = nullptr;
        }
    }
    catch (const std::exception& e)
    {
        Finding(std::string("an exception out of the server: ") + typeid(e).name() + ": " + e.what());
    }
    return 0;
}
