#include "fabric/app/run-command.h"

#include "fabric/app/run-output.h"

#include "fabric/config/attribute-binder.h"
#include "fabric/config/config-document.h"
#include "fabric/config/experiment.h"
#include "fabric/helper/experiment-runner.h"
#include "fabric/trace/trace-recorder.h"

#include "ns3/simulator.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace ofab
{

namespace
{

// A signal handler can only reach file-level state: this flag is the one place ofab keeps any.
volatile std::sig_atomic_t g_interrupted = 0;

void
OnSigint(int)
{
    g_interrupted = 1;
}

using Clock = std::chrono::steady_clock;

/// Progress on stderr: simulated time, wall time, events/s; also where Ctrl-C stops the run.
class Progress
{
  public:
    Progress(ns3::Time duration, bool quiet)
        : m_duration(duration),
          m_quiet(quiet),
          m_tty(isatty(STDERR_FILENO) != 0),
          m_start(Clock::now()),
          m_lastPrint(m_start)
    {
        // Check about a thousand times per run: often enough to answer Ctrl-C quickly.
        m_step = ns3::PicoSeconds(std::max<int64_t>(1, duration.GetPicoSeconds() / 1000));
    }

    void Start() { ns3::Simulator::Schedule(m_step, &Progress::Tick, this); }

    void Tick()
    {
        if (g_interrupted)
        {
            ns3::Simulator::Stop();
            return;
        }
        const auto now = Clock::now();
        // On a terminal, redraw four times a second; in a log, a line every ten seconds.
        const double every = m_tty ? 0.25 : 10.0;
        if (!m_quiet && std::chrono::duration<double>(now - m_lastPrint).count() >= every)
        {
            Print(now, false);
            m_lastPrint = now;
        }
        if (ns3::Simulator::Now() + m_step <= m_duration)
        {
            ns3::Simulator::Schedule(m_step, &Progress::Tick, this);
        }
    }

    void Done()
    {
        if (!m_quiet && m_printed)
        {
            Print(Clock::now(), true);
        }
    }


  private:
    void Print(Clock::time_point now, bool last)
    {
        const double wall = std::chrono::duration<double>(now - m_start).count();
        const double frac = ns3::Simulator::Now().GetSeconds() / m_duration.GetSeconds();
        const int width = 30;
        const int filled = static_cast<int>(frac * width + 0.5);
        const double rate = wall > 0 ? static_cast<double>(ns3::Simulator::GetEventCount()) / wall : 0;
        std::fprintf(stderr, "%s[%-*s] %5.1f%%  sim %.3f / %.3f us  wall %.1f s  %.2f M events/s%s",
                     m_tty ? "\r" : "", width, std::string(filled, '#').c_str(), 100 * frac,
                     ns3::Simulator::Now().ToDouble(ns3::Time::US), m_duration.ToDouble(ns3::Time::US), wall,
                     rate / 1e6, (m_tty && !last) ? "" : "\n");
        std::fflush(stderr);
        m_printed = true;
    }

    ns3::Time m_duration;
    ns3::Time m_step;
    bool m_quiet;
    bool m_tty;
    bool m_printed = false;
    Clock::time_point m_start;
    Clock::time_point m_lastPrint;
};

} // namespace

int
RunExperiment(const RunOptions& options)
{
    ConfigDocument doc = ConfigDocument::Load(options.file);
    Experiment x = LoadRunExperiment(options, doc);
    YAML::Emitter resolved;
    resolved << x.Resolved();
    if (options.dryRun)
    {
        std::cout << resolved.c_str() << "\n";
        return 0;
    }

    CreateOutputFolders(x);
    ExperimentRunner runner(x, doc);
    std::unique_ptr<TraceRecorder> trace = OpenTrace(x, runner.GetFabric(), resolved.c_str());
    Progress progress(x.duration, options.quiet);
    progress.Start();

    g_interrupted = 0;
    auto previous = std::signal(SIGINT, OnSigint);
    const RunResult result = runner.Run(trace.get());
    std::signal(SIGINT, previous);
    progress.Done();
    if (g_interrupted)
    {
        if (trace)
        {
            trace->Abandon("interrupted (SIGINT) at " + FormatTime(ns3::Simulator::Now()));
        }
        std::fprintf(stderr, "ofab: interrupted; the trace is marked incomplete\n");
        return 130;
    }
    const auto json = SummaryJson(x, result, x.outputs.trace);
    if (trace)
    {
        FinishTrace(*trace, result, json);
    }
    if (!x.outputs.summaryJson.empty())
    {
        WriteJsonFile(x.outputs.summaryJson, json);
    }
    if (!options.quiet)
    {
        std::printf("ofab run: %s (%s)\n", x.name.c_str(), x.file.c_str());
        PrintTable(result, x.outputs.trace);
    }
    return 0;
}

} // namespace ofab
