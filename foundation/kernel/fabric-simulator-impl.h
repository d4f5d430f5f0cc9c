#ifndef OFAB_FOUNDATION_KERNEL_FABRIC_SIMULATOR_IMPL_H
#define OFAB_FOUNDATION_KERNEL_FABRIC_SIMULATOR_IMPL_H

#include "ofab/foundation/kernel/bucket-scheduler.h"
#include "ofab/foundation/kernel/destroy-events.h"

#include "ns3/event-id.h"
#include "ns3/event-impl.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/ptr.h"
#include "ns3/scheduler.h"
#include "ns3/simulator-impl.h"

#include <cstdint>
#include <list>
#include <mutex>
#include <thread>

namespace ofab
{

/**
 * The sequential ns-3 simulator core of fabric runs (ns-3 attribute "SimulatorImplementationType"
 * = "ofab::FabricSimulatorImpl"), with the semantics of ns3::DefaultSimulatorImpl: every event gets
 * the next uid when it is scheduled, events run in (time, uid) order, Stop/Destroy/Remove/Cancel/
 * IsExpired/GetDelayLeft behave the same, events scheduled from other threads are taken in after
 * the current event. So a run gives the same results on either core.
 *
 * Why a second core: on a fabric an event's own work is a few hundred instructions, and the default
 * core adds as much again around it (an EventId built and destroyed on every Schedule and before
 * every event, logging checks, a virtual call into the queue each way). The per-flit events of the
 * ports (ReusableEvent) and the traffic generators' arrivals use ScheduleReusable(), which does only
 * what the event order needs (time stamp, uid, context, a reference, the insert), and the event loop
 * calls an ofab::BucketScheduler queue directly when that is the queue in use.
 */
class FabricSimulatorImpl : public ns3::SimulatorImpl
{
  public:
    static ns3::TypeId GetTypeId();
    FabricSimulatorImpl();
    ~FabricSimulatorImpl() override;

    /// The fabric core when it is ns-3's current simulator, else nullptr (callers fall back to
    /// ns3::Simulator::Schedule). Like any Simulator call it creates the simulator if none exists:
    /// callers look it up once the run's core is chosen (at their first schedule) and keep it.
    static FabricSimulatorImpl* Current();

    /// Schedule(delay, event) for an event object the caller keeps and schedules again (no EventId
    /// is returned: such events are never cancelled). Takes a reference like Simulator::Schedule.
    void ScheduleReusable(int64_t delayTicks, ns3::EventImpl* event)
    {
        NS_ASSERT_MSG(delayTicks >= 0, "negative delay");
        event->Ref();
        ns3::Scheduler::Event ev;
        ev.impl = event;
        ev.key.m_ts = m_currentTs + static_cast<uint64_t>(delayTicks);
        ev.key.m_uid = m_uid++;
        ev.key.m_context = m_currentContext;
        ++m_unscheduledEvents;
        Insert(ev);
    }

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
    /// An event handed over by another thread: its time is relative to the time it is taken in.
    struct Foreign
    {
        uint32_t context;
        uint64_t delay;
        ns3::EventImpl* event;
    };

    void Insert(const ns3::Scheduler::Event& ev)
    {
        if (m_bucket != nullptr)
        {
            m_bucket->BucketScheduler::Insert(ev); // qualified: no virtual call
        }
        else
        {
            m_events->Insert(ev);
        }
    }
    ns3::Scheduler::Event RemoveNext()
    {
        return m_bucket != nullptr ? m_bucket->BucketScheduler::RemoveNext() : m_events->RemoveNext();
    }
    bool QueueEmpty() const { return m_bucket != nullptr ? m_bucket->BucketScheduler::IsEmpty() : m_events->IsEmpty(); }
    uint64_t Enqueue(uint32_t context, uint64_t ts, ns3::EventImpl* event);
    void TakeForeignEvents();

    ns3::Ptr<ns3::Scheduler> m_events;
    BucketScheduler* m_bucket = nullptr; ///< m_events when it is a BucketScheduler
    DestroyEvents m_destroyEvents;
    bool m_stop = false;
    uint32_t m_uid;
    uint32_t m_currentUid;
    uint64_t m_currentTs = 0;
    uint32_t m_currentContext;
    uint64_t m_eventCount = 0;
    int64_t m_unscheduledEvents = 0;
    std::thread::id m_mainThread;
    std::mutex m_foreignMutex;
    std::list<Foreign> m_foreign;
    bool m_foreignEmpty = true;
};

/**
 * Makes the next simulation run on the fabric core with a BucketScheduler queue (a calendar of
 * 128 ps buckets: a fabric's ~10^3 pending events are nearly all a few ns ahead, so an event costs a
 * bucket append and a share of one small sort instead of a binary heap's log2(n) steps twice). Same
 * event order as ns-3's own core and schedulers (time, then uid), so the same results. Call it
 * before anything touches ns3::Simulator; the global SimulatorImplementationType is left as it was
 * for whatever runs after.
 */
void SelectFabricSimulator();

} // namespace ofab

#endif
