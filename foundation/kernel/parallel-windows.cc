// The parallel core's run: windows, the threads that run partitions in them, the hand-over of events
// between partitions and the deferred observer calls (see parallel-simulator-impl.h).

#include "ofab/foundation/kernel/parallel-simulator-impl.h"
#include "ofab/foundation/kernel/parallel-thread-state.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <chrono>

namespace ofab
{

using parallel::kNever;
using parallel::t_state;

void
ParallelSimulatorImpl::Run()
{
    using Clock = std::chrono::steady_clock;
    const Clock::time_point runStart = Clock::now();
    double parallelS = 0;
    m_mainThread = std::this_thread::get_id();
    m_stop = false;
    m_nodeStop = false;
    if (m_threads > 1 && Global() > 1)
    {
        StartWorkers();
    }
    try
    {
        while (!m_stop)
        {
            TakeForeignEvents();
            const PartitionQueue& global = m_partitions[Global()].queue;
            const uint64_t g = global.Empty() ? kNever : global.Top().ts;
            const uint64_t t = NextNodeTs();
            if (g == kNever && t == kNever)
            {
                break;
            }
            if (g <= t)
            {
                RunGlobalAt(g);
                continue;
            }
            RunWindow(std::min(t + m_lookahead, g), parallelS);
            if (m_nodeStop)
            {
                m_stop = true;
            }
        }
    }
    catch (...)
    {
        StopWorkers();
        throw;
    }
    StopWorkers();
    m_serialWallS += std::chrono::duration<double>(Clock::now() - runStart).count() - parallelS;
}

void
ParallelSimulatorImpl::RunGlobalAt(uint64_t ts)
{
    Partition& global = m_partitions[Global()];
    m_now = ts;
    while (!m_stop && !global.queue.Empty() && global.queue.Top().ts == ts)
    {
        const ParallelEvent ev = global.queue.Pop();
        m_globalContext = ev.context;
        global.last = ev;
        ++global.events;
        ev.impl->Invoke();
        if (ev.owned)
        {
            ev.impl->Unref();
        }
        TakeForeignEvents();
    }
    m_globalContext = ns3::Simulator::NO_CONTEXT;
}

void
ParallelSimulatorImpl::RunWindow(uint64_t windowEnd, double& parallelS)
{
    m_windowEnd = windowEnd;
    // The heaviest partitions of the last window start first, so no thread is left with a big one
    // at the end.
    m_order.resize(Global());
    for (uint32_t p = 0; p < Global(); ++p)
    {
        m_order[p] = p;
        m_partitions[p].outboxMinTs = kNever;
    }
    std::stable_sort(m_order.begin(), m_order.end(), [this](uint32_t a, uint32_t b) {
        return m_partitions[a].lastWindowEvents > m_partitions[b].lastWindowEvents;
    });
    m_nextPartition = 0;
    const auto start = std::chrono::steady_clock::now();
    if (!m_workers.empty())
    {
        {
            std::unique_lock<std::mutex> lock(m_workMutex);
            ++m_generation;
            m_busyWorkers = static_cast<uint32_t>(m_workers.size());
        }
        m_workStart.notify_all();
    }
    RunPartitions();
    if (!m_workers.empty())
    {
        std::unique_lock<std::mutex> lock(m_workMutex);
        m_workDone.wait(lock, [this] { return m_busyWorkers == 0; });
    }
    parallelS += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++m_windows;
    if (m_error)
    {
        std::exception_ptr e = m_error;
        m_error = nullptr;
        std::rethrow_exception(e);
    }
    HandOver();
    RunDeferred();
}

void
ParallelSimulatorImpl::RunPartitions()
{
    try
    {
        for (uint32_t i = m_nextPartition++; i < m_order.size(); i = m_nextPartition++)
        {
            RunPartition(m_order[i]);
        }
    }
    catch (...)
    {
        t_state.inNode = false;
        std::unique_lock<std::mutex> lock(m_errorMutex);
        if (!m_error)
        {
            m_error = std::current_exception();
        }
        m_nodeStop = true;
    }
}

void
ParallelSimulatorImpl::RunPartition(uint32_t p)
{
    Partition& part = m_partitions[p];
    // Take in what the other partitions sent in the last window.
    const uint32_t parity = (m_windows + 1) & 1;
    for (Partition& from : m_partitions)
    {
        std::vector<ParallelEvent>& in = from.outbox[parity][p];
        for (const ParallelEvent& ev : in)
        {
            part.queue.Push(ev);
        }
        in.clear();
    }
    t_state.sim = this;
    t_state.partition = p;
    t_state.inNode = true;
    uint64_t n = 0;
    while (!part.queue.Empty() && part.queue.Top().ts < m_windowEnd)
    {
        const ParallelEvent ev = part.queue.Pop();
        t_state.event = ev;
        t_state.deferCount = 0;
        ev.impl->Invoke();
        if (ev.owned)
        {
            ev.impl->Unref();
        }
        ++n;
    }
    t_state.inNode = false;
    if (n > 0)
    {
        part.last = t_state.event;
    }
    part.events += n;
    part.lastWindowEvents = n;
}

void
ParallelSimulatorImpl::HandOver()
{
    // Global events from node events: the main thread takes them in at once (they are at least a
    // lookahead ahead, so after this window).
    const uint32_t parity = (m_windows + 1) & 1; // the window that just ran wrote (m_windows - 1) & 1
    Partition& global = m_partitions[Global()];
    for (Partition& from : m_partitions)
    {
        std::vector<ParallelEvent>& out = from.outbox[parity][Global()];
        for (const ParallelEvent& ev : out)
        {
            global.queue.Push(ev);
        }
        out.clear();
    }
    uint64_t last = m_now;
    for (uint32_t p = 0; p < Global(); ++p)
    {
        if (m_partitions[p].lastWindowEvents > 0)
        {
            last = std::max(last, m_partitions[p].last.ts);
        }
    }
    m_now = last;
}

void
ParallelSimulatorImpl::RunDeferred()
{
    // Each partition's calls are in event order already (its events ran in that order): merge the
    // lists, heads in a heap, rather than sort them all.
    const auto earlier = [](const Deferred& a, const Deferred& b) {
        return Earlier(a.key, b.key) || (!Earlier(b.key, a.key) && a.index < b.index);
    };
    std::vector<std::pair<uint32_t, std::size_t>> heads; // (partition, its next call)
    for (uint32_t p = 0; p < m_partitions.size(); ++p)
    {
        if (!m_partitions[p].deferred.empty())
        {
            heads.emplace_back(p, 0);
        }
    }
    if (heads.empty())
    {
        return;
    }
    const auto later = [&](const std::pair<uint32_t, std::size_t>& a, const std::pair<uint32_t, std::size_t>& b) {
        return earlier(m_partitions[b.first].deferred[b.second], m_partitions[a.first].deferred[a.second]);
    };
    std::make_heap(heads.begin(), heads.end(), later);
    const uint64_t now = m_now;
    m_inDeferred = true;
    while (!heads.empty())
    {
        std::pop_heap(heads.begin(), heads.end(), later);
        auto& [p, i] = heads.back();
        Deferred& d = m_partitions[p].deferred[i];
        m_now = d.key.ts;
        m_globalContext = d.key.context;
        d.fn();
        if (++i < m_partitions[p].deferred.size())
        {
            std::push_heap(heads.begin(), heads.end(), later);
        }
        else
        {
            heads.pop_back();
        }
    }
    for (Partition& part : m_partitions)
    {
        part.deferred.clear();
    }
    m_inDeferred = false;
    m_globalContext = ns3::Simulator::NO_CONTEXT;
    m_now = now;
}

void
ParallelSimulatorImpl::Defer(std::function<void()> fn)
{
    if (!InNodeEvent())
    {
        fn();
        return;
    }
    Deferred d{t_state.event, t_state.deferCount++, std::move(fn)};
    m_partitions[t_state.partition].deferred.push_back(std::move(d));
}

void
ParallelSimulatorImpl::StartWorkers()
{
    m_quit = false;
    const uint64_t start = m_generation; // read before any window can move it on
    for (uint32_t i = 1; i < m_threads; ++i)
    {
        m_workers.emplace_back([this, start] {
            uint64_t seen = start;
            for (;;)
            {
                {
                    std::unique_lock<std::mutex> lock(m_workMutex);
                    m_workStart.wait(lock, [this, seen] { return m_quit || m_generation != seen; });
                    if (m_quit)
                    {
                        return;
                    }
                    seen = m_generation;
                }
                RunPartitions();
                {
                    std::unique_lock<std::mutex> lock(m_workMutex);
                    --m_busyWorkers;
                }
                m_workDone.notify_one();
            }
        });
    }
}

void
ParallelSimulatorImpl::StopWorkers()
{
    {
        std::unique_lock<std::mutex> lock(m_workMutex);
        m_quit = true;
    }
    m_workStart.notify_all();
    for (std::thread& w : m_workers)
    {
        w.join();
    }
    m_workers.clear();
}

} // namespace ofab
