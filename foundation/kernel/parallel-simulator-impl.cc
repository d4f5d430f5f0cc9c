#include "ofab/foundation/kernel/parallel-simulator-impl.h"
#include "ofab/foundation/kernel/parallel-thread-state.h"

#include "ns3/abort.h"
#include "ns3/assert.h"
#include "ns3/global-value.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ofab
{

using parallel::kNever;
using parallel::t_state;

NS_LOG_COMPONENT_DEFINE("ParallelSimulatorImpl");
NS_OBJECT_ENSURE_REGISTERED(ParallelSimulatorImpl);

namespace
{

/// The parallel core in existence, if any. Not ns3::Simulator::GetImplementation(): that hands out
/// a Ptr, whose reference count is not atomic, and worker threads ask.
std::atomic<ParallelSimulatorImpl*> g_current{nullptr};

} // namespace

ns3::TypeId
ParallelSimulatorImpl::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::ParallelSimulatorImpl")
                                 .SetParent<ns3::SimulatorImpl>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<ParallelSimulatorImpl>();
    return tid;
}

ParallelSimulatorImpl::ParallelSimulatorImpl()
    : m_globalContext(ns3::Simulator::NO_CONTEXT),
      m_mainThread(std::this_thread::get_id())
{
    m_partitions.resize(1); // the global queue
    m_seq.assign(1, 0);
    g_current = this;
}

ParallelSimulatorImpl::~ParallelSimulatorImpl()
{
    ParallelSimulatorImpl* self = this;
    g_current.compare_exchange_strong(self, nullptr);
}

ParallelSimulatorImpl*
ParallelSimulatorImpl::Current()
{
    return g_current.load(std::memory_order_relaxed);
}

void
ParallelSimulatorImpl::SetPartitions(std::vector<uint32_t> partitionOf, const ns3::Time& lookahead)
{
    NS_ABORT_MSG_IF(m_partitions.size() != 1 || m_partitionOf.size() != 0,
                    "ParallelSimulatorImpl::SetPartitions: call it once, before Run()");
    NS_ABORT_MSG_IF(!partitionOf.empty() && lookahead.GetTimeStep() <= 0,
                    "ParallelSimulatorImpl::SetPartitions: partitions need a positive lookahead");
    uint32_t count = 0;
    for (uint32_t p : partitionOf)
    {
        count = std::max(count, p + 1);
    }
    // Events scheduled while building (every context was global then) move to their contexts'
    // partitions with the keys they have: set-up is serial, so they are the same for any threads.
    PartitionQueue pending;
    std::swap(pending, m_partitions[0].queue);
    m_partitionOf = std::move(partitionOf);
    m_lookahead = static_cast<uint64_t>(lookahead.GetTimeStep());
    m_partitions = std::vector<Partition>(count + 1);
    for (Partition& part : m_partitions)
    {
        part.outbox[0].resize(count + 1);
        part.outbox[1].resize(count + 1);
    }
    while (!pending.Empty())
    {
        const ParallelEvent ev = pending.Pop();
        m_partitions[PartitionOf(ev.context)].queue.Push(ev);
    }
    const uint64_t globalSeq = m_seq[0];
    m_seq.assign(m_partitionOf.size() + 1, 0);
    m_seq[0] = globalSeq;
}

void
ParallelSimulatorImpl::SetThreads(uint32_t threads)
{
    m_threads = std::max<uint32_t>(1, threads);
}

uint64_t
ParallelSimulatorImpl::CurrentTs() const
{
    return (t_state.inNode && t_state.sim == this) ? t_state.event.ts : m_now;
}

bool
ParallelSimulatorImpl::InNodeEvent() const
{
    return t_state.inNode && t_state.sim == this;
}

ParallelEvent
ParallelSimulatorImpl::Enqueue(uint32_t from, uint32_t context, uint64_t delay, ns3::EventImpl* event, bool owned)
{
    const bool node = InNodeEvent();
    ParallelEvent ev;
    ev.ts = CurrentTs() + delay;
    ev.origin = OriginOf(from, m_partitionOf.size());
    ev.seq = m_seq[ev.origin]++;
    ev.context = context;
    ev.impl = event;
    ev.owned = owned;
    const uint32_t target = PartitionOf(context);
    if (node)
    {
        NS_ABORT_MSG_IF(context != from && delay < m_lookahead,
                        "an event of context " << from << " scheduled one for context " << context << " " << delay
                                               << " ticks ahead, within the lookahead of " << m_lookahead
                                               << " ticks: cross-node effects must go through a link");
        Partition& own = m_partitions[t_state.partition];
        if (target == t_state.partition)
        {
            own.queue.Push(ev);
        }
        else
        {
            own.outbox[m_windows & 1][target].push_back(ev);
            if (target != Global())
            {
                own.outboxMinTs = std::min(own.outboxMinTs, ev.ts);
            }
        }
        return ev;
    }
    NS_ABORT_MSG_IF(m_inDeferred && ev.ts < m_windowEnd,
                    "a deferred call scheduled an event before the end of its window");
    m_partitions[target].queue.Push(ev);
    return ev;
}

ns3::EventId
ParallelSimulatorImpl::ScheduleInContext(uint32_t context, const ns3::Time& delay, ns3::EventImpl* event)
{
    NS_ASSERT_MSG(delay.IsPositive(), "negative delay");
    NS_ABORT_MSG_IF(!InNodeEvent() && m_mainThread != std::this_thread::get_id(),
                    "ScheduleInContext from a thread outside the simulation");
    NS_ABORT_MSG_IF(InNodeEvent() && t_state.event.context != context,
                    "an event of context " << t_state.event.context << " set a timer of context " << context);
    // As if the node had scheduled it itself: its origin and count (so IsExpired finds its key).
    const ParallelEvent ev = Enqueue(context, context, static_cast<uint64_t>(delay.GetTimeStep()), event, true);
    return ns3::EventId(event, ev.ts, context, static_cast<uint32_t>(ev.seq));
}

void
ParallelSimulatorImpl::ScheduleReusable(uint32_t context, int64_t delayTicks, ns3::EventImpl* event)
{
    NS_ASSERT_MSG(delayTicks >= 0, "negative delay");
    Enqueue(GetContext(), context, static_cast<uint64_t>(delayTicks), event, false);
}

ns3::EventId
ParallelSimulatorImpl::Schedule(const ns3::Time& delay, ns3::EventImpl* event)
{
    NS_ASSERT_MSG(delay.IsPositive(), "negative delay");
    NS_ABORT_MSG_IF(!InNodeEvent() && m_mainThread != std::this_thread::get_id(),
                    "Simulator::Schedule from a thread outside the simulation: use ScheduleWithContext");
    const uint32_t context = GetContext();
    const ParallelEvent ev = Enqueue(context, context, static_cast<uint64_t>(delay.GetTimeStep()), event, true);
    return ns3::EventId(event, ev.ts, context, static_cast<uint32_t>(ev.seq));
}

void
ParallelSimulatorImpl::ScheduleWithContext(uint32_t context, const ns3::Time& delay, ns3::EventImpl* event)
{
    if (!InNodeEvent() && m_mainThread != std::this_thread::get_id())
    {
        std::unique_lock<std::mutex> lock(m_foreignMutex);
        m_foreign.push_back(Foreign{context, static_cast<uint64_t>(delay.GetTimeStep()), event});
        m_foreignPending = true;
        return;
    }
    Enqueue(GetContext(), context, static_cast<uint64_t>(delay.GetTimeStep()), event, true);
}

ns3::EventId
ParallelSimulatorImpl::ScheduleNow(ns3::EventImpl* event)
{
    return Schedule(ns3::TimeStep(0), event);
}

ns3::EventId
ParallelSimulatorImpl::ScheduleDestroy(ns3::EventImpl* event)
{
    return m_destroyEvents.Add(event, m_now);
}

void
ParallelSimulatorImpl::TakeForeignEvents()
{
    if (!m_foreignPending)
    {
        return;
    }
    std::list<Foreign> taken;
    {
        std::unique_lock<std::mutex> lock(m_foreignMutex);
        m_foreign.swap(taken);
        m_foreignPending = false;
    }
    for (const Foreign& f : taken)
    {
        Enqueue(GetContext(), f.context, f.delay, f.event, true);
    }
}

uint64_t
ParallelSimulatorImpl::NextNodeTs() const
{
    uint64_t t = kNever;
    for (uint32_t p = 0; p < Global(); ++p)
    {
        const Partition& part = m_partitions[p];
        if (!part.queue.Empty())
        {
            t = std::min(t, part.queue.Top().ts);
        }
        t = std::min(t, part.outboxMinTs);
    }
    return t;
}

void
ParallelSimulatorImpl::Stop()
{
    if (InNodeEvent())
    {
        m_nodeStop = true;
        return;
    }
    m_stop = true;
}

void
ParallelSimulatorImpl::Stop(const ns3::Time& delay)
{
    ns3::Simulator::ScheduleWithContext(ns3::Simulator::NO_CONTEXT, delay, &ns3::Simulator::Stop);
}

bool
ParallelSimulatorImpl::IsFinished() const
{
    if (m_stop)
    {
        return true;
    }
    for (const Partition& part : m_partitions)
    {
        if (!part.queue.Empty() || part.outboxMinTs != kNever)
        {
            return false;
        }
    }
    return true;
}

void
ParallelSimulatorImpl::Destroy()
{
    m_destroyEvents.RunAll();
}

void
ParallelSimulatorImpl::DoDispose()
{
    TakeForeignEvents();
    for (Partition& part : m_partitions)
    {
        while (!part.queue.Empty())
        {
            const ParallelEvent ev = part.queue.Pop();
            if (ev.owned)
            {
                ev.impl->Unref();
            }
        }
        for (auto& parity : part.outbox)
        {
            for (auto& out : parity)
            {
                for (const ParallelEvent& ev : out)
                {
                    if (ev.owned)
                    {
                        ev.impl->Unref();
                    }
                }
                out.clear();
            }
        }
        part.deferred.clear();
    }
    ParallelSimulatorImpl* self = this;
    g_current.compare_exchange_strong(self, nullptr);
    ns3::SimulatorImpl::DoDispose();
}

ns3::Time
ParallelSimulatorImpl::Now() const
{
    return ns3::TimeStep(static_cast<int64_t>(CurrentTs()));
}

uint32_t
ParallelSimulatorImpl::GetContext() const
{
    return InNodeEvent() ? t_state.event.context : m_globalContext;
}

ns3::Time
ParallelSimulatorImpl::GetDelayLeft(const ns3::EventId& id) const
{
    if (IsExpired(id))
    {
        return ns3::TimeStep(0);
    }
    return ns3::TimeStep(static_cast<int64_t>(id.GetTs() - CurrentTs()));
}

void
ParallelSimulatorImpl::Remove(const ns3::EventId& id)
{
    if (id.GetUid() == ns3::EventId::UID::DESTROY)
    {
        m_destroyEvents.Remove(id);
        return;
    }
    if (IsExpired(id))
    {
        return;
    }
    // Only the thread owning the event's partition (or the main thread between windows) reaches
    // here: an EventId stays with the context that scheduled it.
    PartitionQueue& queue = m_partitions[PartitionOf(id.GetContext())].queue;
    ns3::EventImpl* impl = id.PeekEventImpl();
    const uint64_t ts = id.GetTs();
    const bool removed = queue.RemoveIf([impl, ts](const ParallelEvent& ev) { return ev.impl == impl && ev.ts == ts; });
    impl->Cancel();
    if (removed)
    {
        impl->Unref(); // the reference Schedule took
    }
}

void
ParallelSimulatorImpl::Cancel(const ns3::EventId& id)
{
    if (!IsExpired(id))
    {
        id.PeekEventImpl()->Cancel();
    }
}

bool
ParallelSimulatorImpl::IsExpired(const ns3::EventId& id) const
{
    ns3::EventImpl* impl = id.PeekEventImpl();
    if (impl == nullptr || impl->IsCancelled())
    {
        return true;
    }
    if (id.GetUid() == ns3::EventId::UID::DESTROY)
    {
        return !m_destroyEvents.IsPending(id);
    }
    // An EventId comes from Schedule(): it runs in the context that scheduled it, so its origin is
    // that context. It ran if its key is not after the last event its partition ran.
    const uint32_t context = id.GetContext();
    const ParallelEvent& last = InNodeEvent() && PartitionOf(context) == t_state.partition
                                    ? t_state.event
                                    : m_partitions[PartitionOf(context)].last;
    ParallelEvent key{};
    key.ts = id.GetTs();
    key.origin = OriginOf(context, m_partitionOf.size());
    key.seq = id.GetUid();
    if (key.ts != last.ts || key.origin != last.origin)
    {
        return Earlier(key, last);
    }
    return static_cast<uint32_t>(key.seq) <= static_cast<uint32_t>(last.seq);
}

ns3::Time
ParallelSimulatorImpl::GetMaximumSimulationTime() const
{
    return ns3::TimeStep(0x7fffffffffffffffLL);
}

void
ParallelSimulatorImpl::SetScheduler(ns3::ObjectFactory)
{
    // Each partition keeps its own queue; the ns-3 scheduler choice does not apply.
}

uint32_t
ParallelSimulatorImpl::GetSystemId() const
{
    return 0;
}

uint64_t
ParallelSimulatorImpl::GetEventCount() const
{
    uint64_t n = 0;
    for (const Partition& part : m_partitions)
    {
        n += part.events;
    }
    return n;
}

void
SelectParallelSimulator()
{
    ns3::StringValue previousCore;
    ns3::GlobalValue::GetValueByName("SimulatorImplementationType", previousCore);
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ofab::ParallelSimulatorImpl"));
    ParallelSimulatorImpl::GetTypeId();
    ns3::Simulator::Now(); // creates the core from the setting
    ns3::GlobalValue::Bind("SimulatorImplementationType", previousCore);
}

} // namespace ofab
