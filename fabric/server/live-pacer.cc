#include "ofab/fabric/server/live-pacer.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// Wall time between two polls of the network while the simulation runs: replies wait at most
/// about this long, and polling costs well under 1 % of the simulation.
constexpr std::chrono::microseconds kTickWall{2000};
/// A paced run this far behind its schedule restarts the schedule from where it is.
constexpr std::chrono::milliseconds kMaxLag{100};
/// Handlers run per tick at most (each reads at most 8 KiB): a client sending as fast as loopback
/// allows still leaves the simulation nearly all of the thread.
constexpr int kMaxHandlersPerTick = 256;

} // namespace

LivePacer::LivePacer(boost::asio::io_context& io, ns3::Time duration, double realtimeFactor)
    : m_io(io),
      m_duration(duration),
      m_factor(realtimeFactor)
{
    m_step = ns3::NanoSeconds(10);
}

void
LivePacer::Start()
{
    m_start = Clock::now();
    m_lastTick = m_start;
    m_rateWall = m_start;
    m_originWall = m_start;
    m_originSim = ns3::Simulator::Now();
    m_tick = ns3::Simulator::ScheduleNow(&LivePacer::Tick, this);
}

void
LivePacer::Poll()
{
    if (m_io.stopped())
    {
        m_io.restart();
    }
    for (int i = 0; i < kMaxHandlersPerTick && m_io.poll_one() > 0; ++i)
    {
    }
}

void
LivePacer::Tick()
{
    Poll();
    WaitWhilePaused();
    const ns3::Time now = ns3::Simulator::Now();
    if (m_factor > 0)
    {
        PaceTo(now);
    }
    if (StopRequested() || Interrupted())
    {
        ns3::Simulator::Stop();
        return;
    }
    // Adapt the simulated step so that ticks come about kTickWall apart, whatever the simulator's speed.
    const auto wall = Clock::now();
    const auto since = wall - m_lastTick;
    m_lastTick = wall;
    if (since < kTickWall / 2)
    {
        m_step = m_step * 2;
    }
    else if (since > kTickWall * 2 && m_step > ns3::PicoSeconds(1000))
    {
        m_step = m_step / 2;
    }
    if (m_factor > 0)
    {
        // Paced: never step further than one tick's worth of wall time, so the pace stays smooth.
        const ns3::Time paced = ns3::PicoSeconds(
            static_cast<int64_t>(std::chrono::duration<double, std::micro>(kTickWall).count() / m_factor * 1e6));
        m_step = std::min(m_step, std::max(paced, ns3::PicoSeconds(1000)));
    }
    // A step grown over a quiet stretch must not make a busy one unresponsive for long.
    m_step = std::min(m_step, std::max(ns3::MicroSeconds(1), m_duration / 10000));
    UpdateRate(wall);
    if (now < m_duration)
    {
        m_tick = ns3::Simulator::Schedule(std::min(m_step, m_duration - now), &LivePacer::Tick, this);
    }
}

void
LivePacer::WaitWhilePaused()
{
    if (!m_paused)
    {
        return;
    }
    const auto from = Clock::now();
    while (m_paused && !StopRequested() && !Interrupted())
    {
        if (m_io.stopped())
        {
            m_io.restart();
        }
        m_io.run_one_for(std::chrono::milliseconds(250));
    }
    const auto to = Clock::now();
    m_pausedS += std::chrono::duration<double>(to - from).count();
    // The pace restarts from here; the rate window skips the pause.
    m_originWall = to;
    m_originSim = ns3::Simulator::Now();
    m_lastTick = to;
    m_rateWall = to;
    m_rateEvents = ns3::Simulator::GetEventCount();
}

void
LivePacer::PaceTo(ns3::Time now)
{
    const double dueUs = (now - m_originSim).ToDouble(ns3::Time::US) * m_factor;
    const auto due =
        m_originWall + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::micro>(dueUs));
    auto wall = Clock::now();
    if (wall > due + kMaxLag)
    {
        m_originWall = wall;
        m_originSim = now;
        return;
    }
    while (wall < due && !m_paused && !StopRequested() && !Interrupted())
    {
        if (m_io.stopped())
        {
            m_io.restart();
        }
        m_io.run_for(due - wall);
        wall = Clock::now();
    }
    WaitWhilePaused(); // a pause that arrived while we waited
}

void
LivePacer::UpdateRate(Clock::time_point now)
{
    const double span = std::chrono::duration<double>(now - m_rateWall).count();
    if (span >= 1.0 || m_eventsPerSecond == 0)
    {
        const uint64_t events = ns3::Simulator::GetEventCount();
        if (span > 0.05)
        {
            m_eventsPerSecond = static_cast<double>(events - m_rateEvents) / span;
            m_rateWall = now;
            m_rateEvents = events;
        }
    }
}

void
LivePacer::RequestStop(const std::string& reason)
{
    if (m_stopReason.empty())
    {
        m_stopReason = reason;
    }
}

void
LivePacer::Interrupt(const std::string& signal)
{
    if (m_interrupt.empty())
    {
        m_interrupt = signal;
    }
}

double
LivePacer::RunningWallS() const
{
    return std::chrono::duration<double>(Clock::now() - m_start).count() - m_pausedS;
}

void
LivePacer::ServeUntil(const std::function<bool()>& done)
{
    while (!done())
    {
        if (m_io.stopped())
        {
            m_io.restart();
        }
        m_io.run_one_for(std::chrono::milliseconds(250));
    }
}

void
LivePacer::ServeFor(std::chrono::milliseconds limit, const std::function<bool()>& done)
{
    const auto end = Clock::now() + limit;
    while (!done() && Clock::now() < end)
    {
        if (m_io.stopped())
        {
            m_io.restart();
        }
        m_io.run_one_for(std::min<Clock::duration>(end - Clock::now(), std::chrono::milliseconds(50)));
    }
}

} // namespace ofab
