#ifndef OFAB_FOUNDATION_KERNEL_REUSABLE_EVENT_H
#define OFAB_FOUNDATION_KERNEL_REUSABLE_EVENT_H

#include "ofab/foundation/kernel/fabric-simulator-impl.h"

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
    explicit ReusableEvent(T* obj)
        : m_obj(obj)
    {
    }

    static void Schedule(const ns3::Ptr<ReusableEvent>& ev, const ns3::Time& delay)
    {
        if (!ev->m_coreKnown)
        {
            ev->m_core = FabricSimulatorImpl::Current(); // the run's core is chosen by now
            ev->m_coreKnown = true;
        }
        // On the fabric core, without the EventId nobody reads (same uid, same order).
        if (ev->m_core)
        {
            ev->m_core->ScheduleReusable(delay.GetTimeStep(), ns3::PeekPointer(ev));
            return;
        }
        ns3::Simulator::Schedule(delay, ns3::Ptr<ns3::EventImpl>(ev));
    }

  protected:
    void Notify() override { (m_obj->*F)(); }

  private:
    T* m_obj;
    FabricSimulatorImpl* m_core = nullptr; ///< the simulation this event runs in, if it is the fabric core
    bool m_coreKnown = false;
};

} // namespace ofab

#endif
