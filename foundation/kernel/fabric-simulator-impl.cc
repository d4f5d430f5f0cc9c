#include "ofab/foundation/kernel/fabric-simulator-impl.h"

#include "ns3/assert.h"
#include "ns3/fatal-error.h"
#include "ns3/global-value.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("FabricSimulatorImpl");
NS_OBJECT_ENSURE_REGISTERED(FabricSimulatorImpl);

ns3::TypeId
FabricSimulatorImpl::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::FabricSimulatorImpl")
                                 .SetParent<ns3::SimulatorImpl>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<FabricSimulatorImpl>();
    return tid;
}

FabricSimulatorImpl::FabricSimulatorImpl()
    : m_uid(ns3::EventId::UID::VALID),
      m_currentUid(ns3::EventId::UID::INVALID),
      m_currentContext(ns3::Simulator::NO_CONTEXT),
      m_mainThread(std::this_thread::get_id())
{
}

FabricSimulatorImpl::~FabricSimulatorImpl() = default;

FabricSimulatorImpl*
FabricSimulatorImpl::Current()
{
    return dynamic_cast<FabricSimulatorImpl*>(ns3::PeekPointer(ns3::Simulator::GetImplementation()));
}

void
FabricSimulatorImpl::DoDispose()
{
    TakeForeignEvents();
    if (m_events)
    {
        while (!QueueEmpty())
        {
            RemoveNext().impl->Unref(); // the reference Schedule took
        }
    }
    m_bucket = nullptr;
    m_events = nullptr;
    ns3::SimulatorImpl::DoDispose();
}

void
FabricSimulatorImpl::Destroy()
{
    m_destroyEvents.RunAll();
}

void
FabricSimulatorImpl::SetScheduler(ns3::ObjectFactory schedulerFactory)
{
    ns3::Ptr<ns3::Scheduler> next = schedulerFactory.Create<ns3::Scheduler>();
    if (m_events)
    {
        while (!QueueEmpty())
        {
            next->Insert(RemoveNext());
        }
    }
    m_events = next;
    m_bucket = dynamic_cast<BucketScheduler*>(ns3::PeekPointer(m_events));
}

uint32_t
FabricSimulatorImpl::GetSystemId() const
{
    return 0;
}

bool
FabricSimulatorImpl::IsFinished() const
{
    return QueueEmpty() || m_stop;
}

void
FabricSimulatorImpl::TakeForeignEvents()
{
    if (m_foreignEmpty)
    {
        return;
    }
    std::list<Foreign> taken;
    {
        std::unique_lock<std::mutex> lock(m_foreignMutex);
        m_foreign.swap(taken);
        m_foreignEmpty = true;
    }
    for (const Foreign& f : taken)
    {
        Enqueue(f.context, m_currentTs + f.delay, f.event);
    }
}

uint64_t
FabricSimulatorImpl::Enqueue(uint32_t context, uint64_t ts, ns3::EventImpl* event)
{
    ns3::Scheduler::Event ev;
    ev.impl = event;
    ev.key.m_ts = ts;
    ev.key.m_uid = m_uid++;
    ev.key.m_context = context;
    ++m_unscheduledEvents;
    Insert(ev);
    return ev.key.m_uid;
}

void
FabricSimulatorImpl::Run()
{
    m_mainThread = std::this_thread::get_id();
    TakeForeignEvents();
    m_stop = false;
    while (!m_stop && !QueueEmpty())
    {
        const ns3::Scheduler::Event next = RemoveNext();
        NS_ASSERT(next.key.m_ts >= m_currentTs);
        --m_unscheduledEvents;
        ++m_eventCount;
        m_currentTs = next.key.m_ts;
        m_currentContext = next.key.m_context;
        m_currentUid = next.key.m_uid;
        next.impl->Invoke();
        next.impl->Unref();
        TakeForeignEvents();
    }
    NS_ASSERT(!QueueEmpty() || m_unscheduledEvents == 0);
}

void
FabricSimulatorImpl::Stop()
{
    m_stop = true;
}

void
FabricSimulatorImpl::Stop(const ns3::Time& delay)
{
    ns3::Simulator::Schedule(delay, &ns3::Simulator::Stop);
}

ns3::EventId
FabricSimulatorImpl::Schedule(const ns3::Time& delay, ns3::EventImpl* event)
{
    NS_ASSERT_MSG(m_mainThread == std::this_thread::get_id(), "Simulator::Schedule from another thread");
    NS_ASSERT_MSG(delay.IsPositive(), "negative delay");
    const uint64_t ts = m_currentTs + static_cast<uint64_t>(delay.GetTimeStep());
    const uint32_t uid = static_cast<uint32_t>(Enqueue(m_currentContext, ts, event));
    return ns3::EventId(event, ts, m_currentContext, uid);
}

void
FabricSimulatorImpl::ScheduleWithContext(uint32_t context, const ns3::Time& delay, ns3::EventImpl* event)
{
    if (m_mainThread == std::this_thread::get_id())
    {
        Enqueue(context, m_currentTs + static_cast<uint64_t>(delay.GetTimeStep()), event);
        return;
    }
    std::unique_lock<std::mutex> lock(m_foreignMutex);
    m_foreign.push_back(Foreign{context, static_cast<uint64_t>(delay.GetTimeStep()), event});
    m_foreignEmpty = false;
}

ns3::EventId
FabricSimulatorImpl::ScheduleNow(ns3::EventImpl* event)
{
    return Schedule(ns3::TimeStep(0), event);
}

ns3::EventId
FabricSimulatorImpl::ScheduleDestroy(ns3::EventImpl* event)
{
    // Like ns-3's core: destroy events carry the reserved uid DESTROY and still use up a uid.
    ++m_uid;
    return m_destroyEvents.Add(event, m_currentTs);
}

ns3::Time
FabricSimulatorImpl::Now() const
{
    return ns3::TimeStep(static_cast<int64_t>(m_currentTs));
}

ns3::Time
FabricSimulatorImpl::GetDelayLeft(const ns3::EventId& id) const
{
    if (IsExpired(id))
    {
        return ns3::TimeStep(0);
    }
    return ns3::TimeStep(static_cast<int64_t>(id.GetTs() - m_currentTs));
}

void
FabricSimulatorImpl::Remove(const ns3::EventId& id)
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
    ns3::Scheduler::Event ev;
    ev.impl = id.PeekEventImpl();
    ev.key.m_ts = id.GetTs();
    ev.key.m_uid = id.GetUid();
    ev.key.m_context = id.GetContext();
    m_events->Remove(ev);
    ev.impl->Cancel();
    ev.impl->Unref(); // the reference Schedule took
    --m_unscheduledEvents;
}

void
FabricSimulatorImpl::Cancel(const ns3::EventId& id)
{
    if (!IsExpired(id))
    {
        id.PeekEventImpl()->Cancel();
    }
}

bool
FabricSimulatorImpl::IsExpired(const ns3::EventId& id) const
{
    ns3::EventImpl* impl = id.PeekEventImpl();
    if (id.GetUid() == ns3::EventId::UID::DESTROY)
    {
        if (impl == nullptr || impl->IsCancelled())
        {
            return true;
        }
        return !m_destroyEvents.IsPending(id);
    }
    // Expired: ran already (earlier time, or this time and a uid not after the current event's),
    // or cancelled.
    return impl == nullptr || id.GetTs() < m_currentTs || (id.GetTs() == m_currentTs && id.GetUid() <= m_currentUid) ||
           impl->IsCancelled();
}

ns3::Time
FabricSimulatorImpl::GetMaximumSimulationTime() const
{
    return ns3::TimeStep(0x7fffffffffffffffLL);
}

uint32_t
FabricSimulatorImpl::GetContext() const
{
    return m_currentContext;
}

uint64_t
FabricSimulatorImpl::GetEventCount() const
{
    return m_eventCount;
}

void
SelectFabricSimulator()
{
    ns3::ObjectFactory scheduler;
    scheduler.SetTypeId(BucketScheduler::GetTypeId());
    // The simulator core is created on first use from this global setting: bind it for that moment
    // only, and put the previous setting back at once.
    ns3::StringValue previousCore;
    ns3::GlobalValue::GetValueByName("SimulatorImplementationType", previousCore);
    ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ofab::FabricSimulatorImpl"));
    FabricSimulatorImpl::GetTypeId(); // registered before ns-3 looks the name up
    ns3::Simulator::SetScheduler(scheduler);
    ns3::GlobalValue::Bind("SimulatorImplementationType", previousCore);
}

} // namespace ofab
