// The bucket event queue hands events out in exactly ns-3's order (time stamp, then uid), checked
// against ns-3's own std::map scheduler on the same operations.

#include "ofab/foundation/kernel/bucket-scheduler.h"

#include "ns3/map-scheduler.h"
#include "ns3/ptr.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

using namespace ofab;
using Event = ns3::Scheduler::Event;

namespace
{

Event
Make(uint64_t ts, uint32_t uid)
{
    Event e;
    e.impl = nullptr; // a scheduler never looks at the event object
    e.key.m_ts = ts;
    e.key.m_uid = uid;
    e.key.m_context = 0;
    return e;
}

/// Runs the same operations on the bucket queue and on ns3::MapScheduler; every removal must agree.
class Pair
{
  public:
    Pair()
        : bucket(ns3::CreateObject<BucketScheduler>()),
          reference(ns3::CreateObject<ns3::MapScheduler>())
    {
    }

    void Insert(uint64_t ts)
    {
        const Event e = Make(ts, m_uid++);
        bucket->Insert(e);
        reference->Insert(e);
        pending.push_back(e);
    }

    /// Removes the next event from both; returns false on the first disagreement.
    bool RemoveNext(uint64_t& ts)
    {
        const Event peek = bucket->PeekNext();
        const Event a = bucket->RemoveNext();
        const Event b = reference->RemoveNext();
        ts = a.key.m_ts;
        Forget(a);
        return a.key.m_ts == b.key.m_ts && a.key.m_uid == b.key.m_uid && peek.key.m_uid == a.key.m_uid;
    }

    void RemoveAt(std::size_t i)
    {
        const Event e = pending[i];
        bucket->Remove(e);
        reference->Remove(e);
        Forget(e);
    }

    ns3::Ptr<BucketScheduler> bucket;
    ns3::Ptr<ns3::MapScheduler> reference;
    std::vector<Event> pending;

  private:
    void Forget(const Event& e)
    {
        for (std::size_t i = 0; i < pending.size(); ++i)
        {
            if (pending[i].key.m_uid == e.key.m_uid)
            {
                pending[i] = pending.back();
                pending.pop_back();
                return;
            }
        }
    }

    uint32_t m_uid = 1;
};

} // namespace

TEST_CASE("bucket scheduler: same order as ns-3's map scheduler under a fabric-like event mix", "[scheduler]")
{
    Pair q;
    std::mt19937_64 rng(7);
    const uint64_t horizon = BucketScheduler::kBuckets << BucketScheduler::kShift;
    uint64_t now = 0;
    uint64_t removed = 0;
    uint64_t far = 0;
    uint64_t ties = 0;
    for (int step = 0; step < 200000; ++step)
    {
        const uint32_t op = rng() % 100;
        if (op < 52 || q.pending.empty())
        {
            uint64_t delay = 0;
            const uint32_t kind = rng() % 100;
            if (kind < 8)
            {
                delay = 0; // same time stamp as now: the uid decides
                ++ties;
            }
            else if (kind < 80)
            {
                delay = rng() % 200000; // within 200 ns (serialization, propagation, forwarding)
            }
            else if (kind < 97)
            {
                delay = rng() % horizon; // anywhere in the ring
            }
            else
            {
                delay = horizon + rng() % (8 * horizon); // beyond the ring (timeouts)
                ++far;
            }
            q.Insert(now + delay);
        }
        else if (op < 97)
        {
            uint64_t ts = 0;
            REQUIRE(q.RemoveNext(ts));
            REQUIRE(ts >= now);
            now = ts;
            ++removed;
        }
        else
        {
            q.RemoveAt(rng() % q.pending.size()); // Simulator::Remove of a pending event
        }
        REQUIRE(q.bucket->IsEmpty() == q.reference->IsEmpty());
    }
    while (!q.reference->IsEmpty())
    {
        uint64_t ts = 0;
        REQUIRE(q.RemoveNext(ts));
    }
    CHECK(q.bucket->IsEmpty());
    CHECK(removed > 80000);
    CHECK(far > 2000);
    CHECK(ties > 5000);
}

TEST_CASE("bucket scheduler: bucket edges, a clock that laps the ring, a jump to a far event", "[scheduler]")
{
    Pair q;
    const uint64_t width = 1ULL << BucketScheduler::kShift;
    const uint64_t horizon = BucketScheduler::kBuckets * width;
    // Last tick of a bucket, first of the next, and the same again one ring later (same ring index).
    q.Insert(width - 1);
    q.Insert(width);
    q.Insert(horizon + width - 1);
    q.Insert(horizon + width);
    q.Insert(width - 1); // a tie with the first: comes out after it
    uint64_t ts = 0;
    REQUIRE(q.RemoveNext(ts));
    CHECK(ts == width - 1);
    // Scheduled "now" while its bucket is being consumed: goes to its sorted place.
    q.Insert(width - 1);
    q.Insert(width + 5);
    for (int i = 0; i < 4; ++i)
    {
        REQUIRE(q.RemoveNext(ts));
    }
    CHECK(ts == width + 5);
    // Only far events remain: the queue jumps the empty ring to them.
    q.Insert(50 * horizon + 3);
    REQUIRE(q.RemoveNext(ts));
    CHECK(ts == horizon + width - 1);
    REQUIRE(q.RemoveNext(ts));
    CHECK(ts == horizon + width);
    REQUIRE(q.RemoveNext(ts));
    CHECK(ts == 50 * horizon + 3);
    CHECK(q.bucket->IsEmpty());
    // Laps: a chain of events, each 3/4 of the ring after the previous one.
    uint64_t t = ts;
    for (int i = 0; i < 50; ++i)
    {
        t += 3 * horizon / 4;
        q.Insert(t);
        q.Insert(t + 1);
        uint64_t a = 0;
        REQUIRE(q.RemoveNext(a));
        CHECK(a == t);
        REQUIRE(q.RemoveNext(a));
        CHECK(a == t + 1);
    }
}
