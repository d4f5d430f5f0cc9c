#ifndef OFAB_FABRIC_SERVER_LIVE_PACER_H
#define OFAB_FABRIC_SERVER_LIVE_PACER_H

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace ofab
{

/**
 * Runs the control plane's network I/O from inside the simulation, and paces it.
 *
 * Why polling from a simulator event rather than a network thread: ns-3's simulator is
 * single-threaded, and every command (a cut, a status, a telemetry sample) reads or changes models.
 * With the io_context polled from a periodic simulator event, every Asio handler runs on the
 * simulator's thread between two events, so commands call the models directly: no locks, no queue
 * of closures, no chance of touching ns-3 from another thread. The price is reply latency: a request
 * waits for the next tick, which is kept near kTickWall of wall time (the step in simulated time
 * adapts to the simulator's speed). A client never stalls the simulation: sockets are non-blocking
 * and each client's output queue is bounded (ControlSession).
 *
 * Pacing: with a realtime factor F, simulated time t is due at wall time t x F from the start (one
 * simulated us per F wall us); a tick that is early waits in io_context::run_for, so the wait is
 * spent serving clients. When the simulator cannot keep up, it runs as fast as it can and the
 * schedule restarts from where it is (it never races to catch up). Pause blocks the simulation in
 * io_context::run_one_for (the thread sleeps in epoll: no spinning) until resume or stop.
 */
class LivePacer
{
  public:
    /// `realtimeFactor` wall us per simulated us; 0: as fast as possible.
    LivePacer(boost::asio::io_context& io, ns3::Time duration, double realtimeFactor);

    /// Schedules the first tick at the current simulated time (call before Simulator::Run()).
    void Start();
    /// Starts paused: the simulation waits at its first tick for a resume.
    void SetStartPaused(bool paused) { m_paused = paused; }

    void Pause() { m_paused = true; }
    void Resume() { m_paused = false; }
    bool Paused() const { return m_paused; }
    /// Ends the run at the current simulated time (Simulator::Stop): the trace is finished as complete.
    void RequestStop(const std::string& reason);
    bool StopRequested() const { return !m_stopReason.empty(); }
    const std::string& StopReason() const { return m_stopReason; }
    /// SIGINT / SIGTERM: the run ends and its trace is marked incomplete.
    void Interrupt(const std::string& signal);
    bool Interrupted() const { return !m_interrupt.empty(); }
    const std::string& InterruptReason() const { return m_interrupt; }

    double RealtimeFactor() const { return m_factor; }
    /// Wall seconds spent simulating (pauses excluded).
    double RunningWallS() const;
    /// Simulator events per wall second over the last second or so of running.
    double EventsPerSecond() const { return m_eventsPerSecond; }

    /// After the run: serves clients until `done()` holds (checked at least four times a second).
    void ServeUntil(const std::function<bool()>& done);
    /// Serves clients until `done()` holds or `limit` of wall time has passed.
    void ServeFor(std::chrono::milliseconds limit, const std::function<bool()>& done);

  private:
    using Clock = std::chrono::steady_clock;

    void Tick();
    void Poll();
    void WaitWhilePaused();
    void PaceTo(ns3::Time now);
    void UpdateRate(Clock::time_point now);

    boost::asio::io_context& m_io;
    ns3::Time m_duration;
    double m_factor;
    ns3::Time m_step;
    bool m_paused = false;
    std::string m_stopReason;
    std::string m_interrupt;
    ns3::EventId m_tick;
    Clock::time_point m_lastTick;
    Clock::time_point m_originWall; ///< pacing origin: wall time at which ...
    ns3::Time m_originSim;          ///< ... this simulated time was due
    double m_pausedS = 0;
    Clock::time_point m_start;
    Clock::time_point m_rateWall;
    uint64_t m_rateEvents = 0;
    double m_eventsPerSecond = 0;
};

} // namespace ofab

#endif
