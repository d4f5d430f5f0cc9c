#ifndef OFAB_FOUNDATION_KERNEL_PARALLEL_SIMULATOR_IMPL_H
#define OFAB_FOUNDATION_KERNEL_PARALLEL_SIMULATOR_IMPL_H

#include "ofab/foundation/kernel/destroy-events.h"
#include "ofab/foundation/kernel/partition-queue.h"

#include "ns3/event-id.h"
#include "ns3/event-impl.h"
#include "ns3/make-event.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/simulator-impl.h"
#include "ns3/simulator.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * A conservative parallel ns-3 simulator core (attribute "SimulatorImplementationType" =
 * "ofab::ParallelSimulatorImpl"), deterministic for any number of threads.
 *
 * Contexts 0..n-1 are nodes; SetPartitions() groups them into partitions, each with its own event
 * queue. Every other context (ns-3's NO_CONTEXT included) is global. The run proceeds in windows:
 * with t the earliest pending node event and g the earliest global one, the partitions run every
 * event before W = min(t + lookahead, g), each partition on one thread, threads taking partitions
 * as they finish; then the threads meet, events scheduled across partitions are handed over,
 * deferred observer calls run, and global events at g run alone on the main thread.
 *
 * The rules a model must keep (checked; a breach aborts with the two contexts named):
 * - an event of node a schedules for another node b (or a global event) at least the lookahead
 *   ahead: the lookahead is the smallest delay of any link, so the far end cannot be affected
 *   sooner;
 * - a node event touches only its own node's state, or shared state that no node event writes
 *   during the run (a topology, a configuration); what observers collect from node events goes
 *   through Defer().
 *
 * Event order: time, then the scheduling node, then that node's own schedule count; at one time,
 * global events first. It does not depend on the partitioning or the threads, so the same seed gives
 * the same results for any thread count. With no partitions every context is global and the order
 * is ns-3's own (time, then scheduling order).
 *
 * Stop() from a node event takes effect at the end of its window (the same window for any thread
 * count); from a global event at once, like ns-3's cores.
 */
class ParallelSimulatorImpl : public ns3::SimulatorImpl
{
  public:
    static ns3::TypeId GetTypeId();
    ParallelSimulatorImpl();
    ~ParallelSimulatorImpl() override;

    /// The parallel core when it is ns-3's current simulator, else nullptr.
    static ParallelSimulatorImpl* Current();

    /**
     * Groups node contexts into partitions: partitionOf[c] is the partition of context c, for
     * c < partitionOf.size(); other contexts are global. lookahead: the smallest delay between an
     * event of one node and its effect on another (> 0 when there are several partitions). Call it
     * before Run(), once per simulation.
     */
    void SetPartitions(std::vector<uint32_t> partitionOf, const ns3::Time& lookahead);
    /// Worker threads Run() uses (1: the main thread alone). Results do not depend on it.
    void SetThreads(uint32_t threads);
    uint32_t GetThreads() const { return m_threads; }
    uint32_t GetPartitionCount() const { return Global(); }
    /// Windows run so far (each a barrier of the threads).
    uint64_t GetWindowCount() const { return m_windows; }
    /// Wall seconds Run() spent with one thread alone (global events, the hand-over, deferred
    /// observer calls): what more threads cannot shorten (Amdahl's serial share, over the run's wall).
    double GetSerialWallSeconds() const { return m_serialWallS; }

    /// Schedule for an event object its owner keeps and schedules again (no EventId, never
    /// cancelled), in a given context. Takes a reference like Simulator::Schedule.
    void ScheduleReusable(uint32_t context, int64_t delayTicks, ns3::EventImpl* event);

    /**
     * Schedule(delay, event) in a given node's context, returning an EventId: for a node's own
     * timers, from its own events or from the main thread (setup, global events). Not from another
     * node's event (an EventId stays with its node).
     */
    ns3::EventId ScheduleInContext(uint32_t context, const ns3::Time& delay, ns3::EventImpl* event);

    /**
     * Runs fn serially, in event order: at once from a global event or outside a run; from a node
     * event after the window, on the main thread, ordered by the deferring event's key (so the same
     * order for any thread count), with Now() giving that event's time. fn must not schedule
     * events before the window's end. For observers fed by the events of many nodes.
     */
    void Defer(std::function<void()> fn);

    /// True while a node event runs on this thread (its partition's state is the thread's).
    bool InNodeEvent() const;

    void Destroy() override;
    bool IsFinished() const override;
    void Stop() override;
    void Stop(const ns3::Time& delay) override;
    ns3::EventId Schedule(const ns3::Time& delay, ns3::EventImpl* event) override;
    void ScheduleWithContext(uint32_t context, const ns3::Time& delay, ns3::EventImpl* event) override;
    ns3::EventId ScheduleNow(ns3::EventImpl* event) override;
    ns3::EventId ScheduleDestroy(ns3::EventImpl* event) override;
    void Remove(const ns3::EventId& id) override;
    void Cancel(const ns3::EventId& id) override;
    bool IsExpired(const ns3::EventId& id) const override;
    void Run() override;
    ns3::Time Now() const override;
    ns3::Time GetDelayLeft(const ns3::EventId& id) const override;
    ns3::Time GetMaximumSimulationTime() const override;
    void SetScheduler(ns3::ObjectFactory schedulerFactory) override;
    uint32_t GetSystemId() const override;
    uint32_t GetContext() const override;
    uint64_t GetEventCount() const override;

  protected:
    void DoDispose() override;

  private:
    struct Deferred
    {
        ParallelEvent key; ///< the deferring event's time, origin and seq (impl unused)
        uint32_t index;    ///< its order among that event's Defer calls
        std::function<void()> fn;
    };

    /// One partition, or the global queue (the last one).
    struct Partition
    {
        PartitionQueue queue;
        /// Events for other partitions, by window parity and target: written in one window, taken
        /// in by their targets at the start of the next (so no two threads touch one vector).
        std::vector<std::vector<ParallelEvent>> outbox[2];
        uint64_t outboxMinTs = ~0ULL; ///< earliest event this window's outbox holds for a node
        std::vector<Deferred> deferred;
        ParallelEvent last{}; ///< the last event run (IsExpired compares with it)
        uint64_t events = 0;
        uint64_t lastWindowEvents = 0;
    };

    struct Foreign
    {
        uint32_t context;
        uint64_t delay;
        ns3::EventImpl* event;
    };

    uint32_t PartitionOf(uint32_t context) const
    {
        return context < m_partitionOf.size() ? m_partitionOf[context] : Global();
    }
    uint32_t Global() const { return static_cast<uint32_t>(m_partitions.size()) - 1; }
    static uint32_t OriginOf(uint32_t context, std::size_t nodes) { return context < nodes ? context + 1 : 0; }
    uint64_t CurrentTs() const;
    /// Builds the event and files it: own queue, another partition's outbox, or directly (main).
    /// from: the context it counts as scheduled by (its origin); the running event's, or for a
    /// node's own timer the node's.
    ParallelEvent Enqueue(uint32_t from, uint32_t context, uint64_t delay, ns3::EventImpl* event, bool owned);
    void RunGlobalAt(uint64_t ts);
    /// One window; adds the wall seconds its partitions ran (threads in parallel) to parallelS.
    void RunWindow(uint64_t windowEnd, double& parallelS);
    void RunPartitions();
    void RunPartition(uint32_t p);
    void HandOver();
    void RunDeferred();
    void TakeForeignEvents();
    void StartWorkers();
    void StopWorkers();
    uint64_t NextNodeTs() const;

    std::vector<uint32_t> m_partitionOf; ///< by context
    std::vector<uint64_t> m_seq;         ///< by origin rank: schedules made so far
    std::vector<Partition> m_partitions; ///< the last is the global queue
    std::vector<uint32_t> m_order;       ///< partitions, heaviest last window first
    uint64_t m_lookahead = 0;
    uint32_t m_threads = 1;
    uint64_t m_now = 0;       ///< main thread's time (global events, between windows)
    uint64_t m_windowEnd = 0; ///< node events run before it in the current window
    uint64_t m_windows = 0;
    double m_serialWallS = 0;
    bool m_stop = false;
    bool m_inDeferred = false; ///< the main thread runs deferred calls
    uint32_t m_globalContext;  ///< context of the global event running on the main thread
    std::atomic<bool> m_nodeStop{false};
    DestroyEvents m_destroyEvents;
    std::thread::id m_mainThread;

    // Workers: released per window by a generation count, joined at the end of Run().
    std::vector<std::thread> m_workers;
    std::mutex m_workMutex;
    std::condition_variable m_workStart;
    std::condition_variable m_workDone;
    uint64_t m_generation = 0;
    uint32_t m_busyWorkers = 0;
    bool m_quit = false;
    std::atomic<uint32_t> m_nextPartition{0};
    std::mutex m_errorMutex;
    std::exception_ptr m_error;

    std::mutex m_foreignMutex;
    std::list<Foreign> m_foreign;
    std::atomic<bool> m_foreignPending{false};
};

/**
 * Makes the next simulation run on the parallel core (see SelectFabricSimulator for the pattern):
 * call it before anything touches ns3::Simulator.
 */
void SelectParallelSimulator();

/**
 * For trace sinks of shared observers: fn() at once, except in a node event of the parallel core,
 * where it goes to Defer() (after the window, in event order). No std::function is made on the
 * sequential cores: the sink costs a call there.
 */
template <typename F>
void
RunSerially(F&& fn)
{
    ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current();
    if (core != nullptr && core->InNodeEvent())
    {
        core->Defer(std::function<void()>(std::forward<F>(fn)));
        return;
    }
    fn();
}

/**
 * RunSerially for a member sink that must not copy its argument when it can run at once: from a node
 * event of the parallel core, defers (obj->*f)(arg) with a copy of arg and returns true; elsewhere
 * returns false, and the caller goes on with the call itself.
 */
template <typename T, typename A>
bool
DeferredFromNode(T* obj, void (T::*f)(const A&), const A& arg)
{
    ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current();
    if (core == nullptr || !core->InNodeEvent())
    {
        return false;
    }
    core->Defer([obj, f, arg] { (obj->*f)(arg); });
    return true;
}

/**
 * A node's own timer: Simulator::Schedule(delay, f, args...) in the node's context (on the parallel
 * core, so that it runs in the node's partition even when set from a global event or at set-up; on
 * the sequential cores contexts do not change the order, and this is Simulator::Schedule).
 */
template <typename F, typename... Ts>
ns3::EventId
ScheduleForNode(uint32_t context, const ns3::Time& delay, F f, Ts&&... args)
{
    if (ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current())
    {
        return core->ScheduleInContext(context, delay, ns3::MakeEvent(f, std::forward<Ts>(args)...));
    }
    return ns3::Simulator::Schedule(delay, f, std::forward<Ts>(args)...);
}

/**
 * A global event (it runs alone, with every node stopped): Simulator::Schedule(delay, f, args...) in
 * no node's context. For a global event or a deferred call (RunSerially) that coordinates many nodes,
 * e.g. a workload starting its next operation on every rank; from a deferred call, at least the
 * lookahead after the deferring event. On the sequential cores, Simulator::Schedule.
 */
template <typename F, typename... Ts>
ns3::EventId
ScheduleGlobal(const ns3::Time& delay, F f, Ts&&... args)
{
    if (ParallelSimulatorImpl* core = ParallelSimulatorImpl::Current())
    {
        return core->ScheduleInContext(ns3::Simulator::NO_CONTEXT, delay, ns3::MakeEvent(f, std::forward<Ts>(args)...));
    }
    return ns3::Simulator::Schedule(delay, f, std::forward<Ts>(args)...);
}

} // namespace ofab

#endif
