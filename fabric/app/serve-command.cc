#include "ofab/fabric/app/serve-command.h"

#include "ofab/fabric/app/run-output.h"
#include "ofab/fabric/control/external-reroute.h"
#include "ofab/fabric/experiment/ocs-section.h"
#include "ofab/fabric/server/control-server.h"
#include "ofab/fabric/server/external-controller-link.h"
#include "ofab/fabric/server/listen-address.h"
#include "ofab/fabric/server/live-pacer.h"
#include "ofab/fabric/server/live-telemetry.h"
#include "ofab/fabric/server/serve-commands.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

namespace ofab
{

namespace
{

constexpr int kExitUsage = 2;

int
UsageError(const std::string& message)
{
    std::cerr << "ofab: error: " << message << "\n";
    return kExitUsage;
}

} // namespace

int
ServeExperiment(const ServeOptions& options)
{
    boost::asio::ip::tcp::endpoint endpoint;
    std::string token;
    try
    {
        endpoint = ParseListenAddress(options.listen);
        if (!options.tokenFile.empty())
        {
            token = ReadToken(options.tokenFile);
        }
    }
    catch (const std::invalid_argument& e)
    {
        return UsageError(e.what());
    }
    if (!endpoint.address().is_loopback() && token.empty())
    {
        return UsageError("--listen " + options.listen +
                          " is reachable from other machines: give --token-file with a "
                          "secret every client must send first ({\"cmd\": \"auth\", \"token\": ...}), or listen on "
                          "127.0.0.1");
    }
    if (!(options.controllerWait > 0) || options.controllerWait > 3600)
    {
        return UsageError("--controller-wait: expected wall seconds > 0 and at most 3600");
    }
    if (!(options.authTimeout > 0) || options.authTimeout > 3600)
    {
        return UsageError("--auth-timeout: expected wall seconds > 0 and at most 3600");
    }
    if (options.realtime < 0)
    {
        return UsageError("--realtime: expected a factor > 0 (wall us per simulated us), or 0 for as fast as possible");
    }

    ConfigDocument doc = ConfigDocument::Load(options.run.file);
    Experiment x = LoadRunExperiment(options.run, doc);
    if (x.outputs.trace.empty())
    {
        // The event stream is the trace's /events rows: a served run always writes its trace.
        x.outputs.trace = "out/" + x.name + ".h5";
    }
    YAML::Emitter resolved;
    resolved << x.Resolved();
    WarnAboutExperiment(x);
    if (options.run.dryRun)
    {
        std::cout << resolved.c_str() << "\n";
        return 0;
    }
    RefuseForeignOutputs(x, doc, options.run);

    boost::asio::io_context io;
    std::unique_ptr<ControlServer> server;
    try
    {
        SessionLimits limits;
        limits.authDeadline = std::chrono::milliseconds(static_cast<int64_t>(options.authTimeout * 1000));
        server = std::make_unique<ControlServer>(io, endpoint, limits, token);
    }
    catch (const boost::system::system_error& e)
    {
        return UsageError("cannot listen on " + options.listen + ": " + e.code().message());
    }

    CreateOutputFolders(x);
    ExperimentRunner runner(x, doc);
    std::unique_ptr<TraceRecorder> trace = OpenTrace(x, runner.GetFabric(), resolved.c_str());
    trace->SetMeta("served", std::string("ofab serve --listen ") + options.listen);

    LivePacer pacer(io, x.duration, options.realtime);
    pacer.SetStartPaused(options.paused);
    LiveTelemetry telemetry(runner.GetFabric(), runner.GetFaultInjector(), *server);
    telemetry.Start();
    trace->SetEventTap([&telemetry](const EventRow& row) { telemetry.OnEventRow(row); });
    ExternalControllerLink external(*server, pacer, runner.GetFabric(), runner.GetController(),
                                    std::chrono::milliseconds(static_cast<int64_t>(options.controllerWait * 1000)));
    // Only the external policy asks a controller outside; the link answers every other policy's
    // clients with why it cannot register.
    const ns3::Ptr<ExternalReroute> externalPolicy = ns3::DynamicCast<ExternalReroute>(runner.GetController());
    if (externalPolicy)
    {
        externalPolicy->SetExternalRouteSource(&external);
    }
    ServeCommands commands(runner.GetFabric(), runner.GetFaultInjector(), pacer, telemetry, *server, external,
                           {x.name, x.outputs.trace, x.duration, x.fabric.ocs ? MoveNeeds(x) : std::string()});
    server->SetHandler(&commands);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> onSignal = [&](const boost::system::error_code& ec,
                                                                              int signal) {
        if (ec)
        {
            return;
        }
        pacer.Interrupt(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP");
        signals.async_wait(onSignal);
    };
    signals.async_wait(onSignal);

    server->Start();
    const auto bound = server->LocalEndpoint();
    std::fprintf(stderr, "ofab serve: listening on %s:%u (%s, %s)\n", bound.address().to_string().c_str(),
                 static_cast<unsigned>(bound.port()), x.name.c_str(),
                 options.paused ? "paused until a client sends resume" : "running");
    std::fflush(stderr);

    pacer.Start();
    const RunResult result = runner.Run(trace.get());
    if (externalPolicy)
    {
        externalPolicy->SetExternalRouteSource(nullptr);
    }
    telemetry.Stop();
    trace->SetEventTap(nullptr);
    const double simNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    auto flushAndClose = [&] {
        server->Shutdown();
        pacer.ServeFor(std::chrono::seconds(2), [&] { return server->SessionCount() == 0; });
    };

    if (pacer.Interrupted())
    {
        const std::string reason =
            "interrupted (" + pacer.InterruptReason() + ") at " + FormatTime(ns3::Simulator::Now());
        trace->Abandon(reason);
        commands.SetFinished("interrupted", nullptr);
        server->Broadcast(
            Json{{"type", "end"}, {"status", "incomplete"}, {"reason", reason}, {"sim_time_ns", simNs}}.dump(),
            [](const ControlSession&) { return true; });
        flushAndClose();
        std::fprintf(stderr, "ofab: interrupted; the trace is marked incomplete\n");
        return 130;
    }

    const bool stopped = pacer.StopRequested();
    const std::string reason = stopped ? pacer.StopReason() : "duration reached";
    auto json = SummaryJson(x, result, x.outputs.trace);
    json["ended"] = reason;
    trace->SetMeta("ended", reason);
    const bool traceComplete = FinishTrace(*trace, result, json);
    if (!x.outputs.summaryJson.empty())
    {
        WriteJsonFile(x.outputs.summaryJson, json);
    }
    commands.SetFinished(stopped ? "stopped" : "complete", json);
    server->Broadcast(Json{{"type", "end"},
                           {"status", "complete"},
                           {"reason", reason},
                           {"sim_time_ns", simNs},
                           {"trace", x.outputs.trace},
                           {"summary", json}}
                          .dump(),
                      [](const ControlSession&) { return true; });
    std::fprintf(stderr, "ofab serve: run %s at %.1f ns (%s); trace %s\n", stopped ? "stopped" : "complete", simNs,
                 reason.c_str(), x.outputs.trace.c_str());
    if (options.hold && !stopped)
    {
        std::fprintf(stderr, "ofab serve: holding (--hold): clients may still ask for status; a client's stop or "
                             "Ctrl-C ends the server\n");
        pacer.ServeUntil([&] { return commands.HoldReleased() || pacer.Interrupted(); });
    }
    flushAndClose();
    if (!options.run.quiet)
    {
        std::printf("ofab serve: %s (%s)\n", x.name.c_str(), x.file.c_str());
        PrintTable(result, x.outputs.trace);
    }
    return traceComplete ? 0 : 1;
}

} // namespace ofab
