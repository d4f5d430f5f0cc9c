#ifndef OFAB_FOUNDATION_KERNEL_REUSABLE_EVENT_H
#define OFAB_FOUNDATION_KERNEL_REUSABLE_EVENT_H

#include "ofab/foundation/kernel/fabric-simulator-impl.h"
#include "ofab/foundation/kernel/parallel-simulator-impl.h"

#include "ns3/event-impl.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simulator.h"

namespace ofab
{

/**
 * An ns-3 event object calling obj->*F(), allocated once and scheduled again and again.
 *
 * Simulator::Schedule(delay, member, obj) allocates an event object per call; the two events every
 * DL flit costs (transmitter free, arrival) reuse one of these instead. Contract: at most one
 * pending schedule at a time, and never Cancel() it (a cancelled EventImpl stays cancelled).
 */
template <typename T, void (T::*F)()>
class ReusableEvent : public ns3::EventImpl
{
  public:
    /// context: the node the event belongs to (its owner's), which the parallel core runs it in;
    /// NO_CONTEXT: the context of whoever schedules it.
    explicit ReusableEvent(T* obj, uint32_t context = ns3::Simulator::NO_CONTEXT)
        : m_obj(obj),
          m_context(context)
    {
    }

    /// The node it belongs to (before its first schedule).
    void SetContext(uint32_t context) { m_context = context; }

    static void Schedule(const ns3::Ptr<ReusableEvent>& ev, const ns3::Time& delay)
    {
        if (!ev->m_coreKnown)
        {
            // The run's core is chosen by now. The parallel core first: it is asked without a Ptr
            // (worker threads may be asking).
            ev->m_parallel = ParallelSimulatorImpl::Current();
            ev->m_core = ev->m_parallel ? nullptr : FabricSimulatorImpl::Current();
            ev->m_coreKnown = true;
        }
        // On the fabric core, without the EventId nobody reads (same uid, same order).
        if (ev->m_core)
        {
            ev->m_core->ScheduleReusable(delay.GetTimeStep(), ns3::PeekPointer(ev));
            return;
        }
        if (ev->m_parallel)
        {
            const uint32_t context =
                ev->m_context != ns3::Simulator::NO_CONTEXT ? ev->m_context : ev->m_parallel->GetContext();
            ev->m_parallel->ScheduleReusable(context, delay.GetTimeStep(), ns3::PeekPointer(ev));
            return;
        }
        if (ev->m_context != ns3::Simulator::NO_CONTEXT)
        {
            ev->Ref(); // the core takes over this reference
            ns3::Simulator::ScheduleWithContext(ev->m_context, delay, ns3::PeekPointer(ev));
            return;
        }
        ns3::Simulator::Schedule(delay, ns3::Ptr<ns3::EventImpl>(ev));
    }

  protected:
    void Notify() override { (m_obj->*F)(); }

  private:
    T* m_obj;
    uint32_t m_context;
    FabricSimulatorImpl* m_core = nullptr;       ///< the simulation this event runs in, if it is the fabric core
    ParallelSimulatorImpl* m_parallel = nullptr; ///< or if it is the parallel core
    bool m_coreKnown = false;
};

} // namespace ofab

#endif
