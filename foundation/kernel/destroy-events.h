#ifndef OFAB_FOUNDATION_KERNEL_DESTROY_EVENTS_H
#define OFAB_FOUNDATION_KERNEL_DESTROY_EVENTS_H

#include "ns3/event-id.h"
#include "ns3/event-impl.h"
#include "ns3/ptr.h"

#include <algorithm>
#include <cstdint>
#include <list>

namespace ofab
{

/// The events ns3::Simulator::ScheduleDestroy() leaves for Simulator::Destroy(), kept as ns-3's
/// own core keeps them (uid DESTROY, run in scheduling order unless cancelled): both ofab cores hold one.
class DestroyEvents
{
  public:
    ns3::EventId Add(ns3::EventImpl* event, uint64_t nowTs)
    {
        ns3::EventId id(ns3::Ptr<ns3::EventImpl>(event, false), nowTs, 0xffffffff, ns3::EventId::UID::DESTROY);
        m_events.push_back(id);
        return id;
    }

    void Remove(const ns3::EventId& id) { m_events.remove(id); }

    bool IsPending(const ns3::EventId& id) const
    {
        return std::find(m_events.begin(), m_events.end(), id) != m_events.end();
    }

    void RunAll()
    {
        while (!m_events.empty())
        {
            ns3::Ptr<ns3::EventImpl> ev = m_events.front().PeekEventImpl();
            m_events.pop_front();
            if (!ev->IsCancelled())
            {
                ev->Invoke();
            }
        }
    }

  private:
    std::list<ns3::EventId> m_events;
};

} // namespace ofab

#endif
