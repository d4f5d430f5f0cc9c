#ifndef OFAB_FOUNDATION_KERNEL_PARTITION_QUEUE_H
#define OFAB_FOUNDATION_KERNEL_PARTITION_QUEUE_H

#include "ns3/event-impl.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * One event of the parallel kernel, ordered by a key that does not depend on how nodes are grouped
 * into partitions or threads: time, then the node (context) whose event scheduled it, then that
 * node's own count of the events it scheduled. ns-3's order (time, then a global uid) cannot be
 * kept in a parallel run, since the global uid would follow the threads' interleaving.
 */
struct ParallelEvent
{
    uint64_t ts;          ///< when it runs (ticks)
    uint64_t seq;         ///< the origin's schedule count
    uint32_t origin;      ///< rank of the scheduling context: 0 for global, context + 1 for a node
    uint32_t context;     ///< the context it runs in
    ns3::EventImpl* impl; ///< the event object
    bool owned;           ///< the queue holds a reference to impl (not for reusable events)
};

/// a runs before b.
inline bool
Earlier(const ParallelEvent& a, const ParallelEvent& b)
{
    if (a.ts != b.ts)
    {
        return a.ts < b.ts;
    }
    if (a.origin != b.origin)
    {
        return a.origin < b.origin;
    }
    return a.seq < b.seq;
}

/**
 * A partition's pending events: a binary min-heap on Earlier(). Each partition has its own, so
 * threads never share one; events from other partitions are merged in at window boundaries.
 */
class PartitionQueue
{
  public:
    bool Empty() const { return m_heap.empty(); }
    std::size_t Size() const { return m_heap.size(); }
    const ParallelEvent& Top() const { return m_heap.front(); }

    void Push(const ParallelEvent& ev)
    {
        m_heap.push_back(ev);
        std::push_heap(m_heap.begin(), m_heap.end(), Later);
    }

    ParallelEvent Pop()
    {
        std::pop_heap(m_heap.begin(), m_heap.end(), Later);
        const ParallelEvent ev = m_heap.back();
        m_heap.pop_back();
        return ev;
    }

    /// Takes out the first event matching pred (rare: Simulator::Remove). False when none does.
    template <typename Pred>
    bool RemoveIf(Pred pred)
    {
        const auto it = std::find_if(m_heap.begin(), m_heap.end(), pred);
        if (it == m_heap.end())
        {
            return false;
        }
        m_heap.erase(it);
        std::make_heap(m_heap.begin(), m_heap.end(), Later);
        return true;
    }

  private:
    static bool Later(const ParallelEvent& a, const ParallelEvent& b) { return Earlier(b, a); }

    std::vector<ParallelEvent> m_heap;
};

} // namespace ofab

#endif
