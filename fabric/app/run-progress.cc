#include "ofab/fabric/app/run-progress.h"

#include "ofab/fabric/app/interrupt-scope.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace ofab
{

Progress::Progress(ns3::Time duration, bool quiet, ns3::Time minStep)
    : m_duration(duration),
      m_quiet(quiet),
      m_tty(isatty(STDERR_FILENO) != 0),
      m_start(Clock::now()),
      m_lastPrint(m_start)
{
    // Check about a thousand times per run: often enough to answer Ctrl-C quickly.
    m_step = ns3::PicoSeconds(std::max<int64_t>(1, duration.GetPicoSeconds() / 1000));
    m_step = std::max(m_step, minStep);
}

void
Progress::Start()
{
    ns3::Simulator::Schedule(m_step, &Progress::Tick, this);
}

void
Progress::Tick()
{
    if (InterruptScope::Interrupted())
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

void
Progress::Done()
{
    if (!m_quiet && m_printed)
    {
        Print(Clock::now(), true);
    }
}

void
Progress::Print(Clock::time_point now, bool last)
{
    const double wall = std::chrono::duration<double>(now - m_start).count();
    const double frac = ns3::Simulator::Now().GetSeconds() / m_duration.GetSeconds();
    const int width = 30;
    const int filled = static_cast<int>(frac * width + 0.5);
    const double rate = wall > 0 ? static_cast<double>(ns3::Simulator::GetEventCount()) / wall : 0;
    std::fprintf(stderr, "%s[%-*s] %5.1f%%  sim %.3f / %.3f us  wall %.1f s  %.2f M events/s%s", m_tty ? "\r" : "",
                 width, std::string(filled, '#').c_str(), 100 * frac, ns3::Simulator::Now().ToDouble(ns3::Time::US),
                 m_duration.ToDouble(ns3::Time::US), wall, rate / 1e6, (m_tty && !last) ? "" : "\n");
    std::fflush(stderr);
    m_printed = true;
}

} // namespace ofab
