#ifndef OFAB_FABRIC_APP_RUN_PROGRESS_H
#define OFAB_FABRIC_APP_RUN_PROGRESS_H

#include "ns3/nstime.h"

#include <chrono>

namespace ofab
{

/**
 * Progress of a run on stderr (simulated time, wall time, events/s): redrawn four times a second on
 * a terminal, a line every ten seconds in a log, nothing when quiet. Its checks, about a thousand per
 * run, are also where an interrupt (InterruptScope: Ctrl-C, SIGTERM, SIGHUP) stops the simulation.
 */
class Progress
{
  public:
    /// minStep: the finest check (each check is a global event, which a parallel run's windows
    /// stop at: such a run passes a microsecond).
    Progress(ns3::Time duration, bool quiet, ns3::Time minStep = ns3::Time(0));
    /// Schedules the first check; call before Simulator::Run().
    void Start();
    /// The last line, when any was printed.
    void Done();

  private:
    using Clock = std::chrono::steady_clock;
    void Tick();
    void Print(Clock::time_point now, bool last);

    ns3::Time m_duration;
    ns3::Time m_step;
    bool m_quiet;
    bool m_tty;
    bool m_printed = false;
    Clock::time_point m_start;
    Clock::time_point m_lastPrint;
};

} // namespace ofab

#endif
