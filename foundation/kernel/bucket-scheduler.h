#ifndef OFAB_FOUNDATION_KERNEL_BUCKET_SCHEDULER_H
#define OFAB_FOUNDATION_KERNEL_BUCKET_SCHEDULER_H

#include "ns3/scheduler.h"

#include <array>
#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * An ns-3 event queue for fabric simulations: a ring of time buckets (a calendar queue with a
 * fixed bucket width) in front of a binary heap for far-future events.
 *
 * Why: a fabric run keeps ~10^3..10^4 events pending, nearly all of them a few ns to a few hundred
 * ns ahead (flit serialization, propagation, forwarding latency). A binary heap pays ~log2(n)
 * compare-and-move steps per event on insert and again on removal; here an insert is an append to
 * its bucket, and a bucket is sorted once when the clock reaches it, so the per-event cost barely
 * depends on how many events are pending.
 *
 * Order: exactly ns-3's (time stamp, then uid, i.e. scheduling order on ties), like every ns-3
 * scheduler, so a run gives the same results with this queue as with ns3::MapScheduler or
 * ns3::PriorityQueueScheduler.
 *
 * Layout: bucket b holds the events with time stamp >> kShift == b, for the kBuckets buckets from
 * the one of the current time on; the bucket being consumed is kept sorted (inserts into it go to
 * their sorted place), the others are unsorted. A bitmap of non-empty buckets finds the next one.
 * Events beyond the ring wait in the heap and move into the ring as the clock approaches them.
 */
class BucketScheduler : public ns3::Scheduler
{
  public:
    static ns3::TypeId GetTypeId();
    BucketScheduler();
    ~BucketScheduler() override;

    void Insert(const Event& ev) override;
    bool IsEmpty() const override;
    Event PeekNext() const override;
    Event RemoveNext() override;
    void Remove(const Event& ev) override;

    /// Bucket width: 2^kShift ticks (128 ps at ofab's picosecond resolution). An 8 x 8 torus runs
    /// ~90 events per simulated ns: narrow buckets keep the sort per bucket short.
    static constexpr unsigned kShift = 7;
    /// Buckets in the ring (a power of two): the ring spans kBuckets << kShift ticks (~262 ns),
    /// enough for flit, forwarding (switch 150 ns) and traffic events; timers (us) wait in the heap.
    /// Each bucket keeps the largest size it reached, so the ring's memory is kBuckets x its peak:
    /// ~25 MB on the 1024-accelerator pod, where lockstep flits put hundreds of events in a bucket.
    static constexpr uint64_t kBuckets = 2048;

  private:
    static constexpr uint64_t kMask = kBuckets - 1;
    static constexpr std::size_t kWords = kBuckets / 64;

    static uint64_t BucketOf(const Event& ev) { return ev.key.m_ts >> kShift; }
    /// Distance in buckets from the cursor to the next non-empty one (kBuckets when none).
    uint64_t NextNonEmpty() const;
    /// The current bucket is consumed: moves the cursor to the next event's bucket and sorts it.
    void Advance();
    /// Moves far events that now fall inside the ring into it.
    void PullFar();
    void Place(const Event& ev, uint64_t bucket);

    std::vector<std::vector<Event>> m_ring;    ///< index = bucket & kMask
    std::array<uint64_t, kWords> m_nonEmpty{}; ///< bit = ring index holding events
    uint64_t m_cursor = 0;                     ///< absolute bucket being consumed (time stamps >= its start)
    std::size_t m_head = 0;                    ///< next event of the cursor's bucket (it is sorted)
    std::vector<Event> m_far;                  ///< min-heap (std::greater) of events beyond the ring
    std::size_t m_size = 0;
};

} // namespace ofab

#endif
