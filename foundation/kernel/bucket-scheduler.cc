#include "ofab/foundation/kernel/bucket-scheduler.h"

#include "ns3/assert.h"
#include "ns3/log.h"

#include <algorithm>
#include <functional>

namespace ofab
{

NS_LOG_COMPONENT_DEFINE("BucketScheduler");
NS_OBJECT_ENSURE_REGISTERED(BucketScheduler);

namespace
{

// Function objects, not functions: std::sort and the heap calls inline them.
struct Earlier
{
    bool operator()(const ns3::Scheduler::Event& a, const ns3::Scheduler::Event& b) const
    {
        return a.key.m_ts < b.key.m_ts || (a.key.m_ts == b.key.m_ts && a.key.m_uid < b.key.m_uid);
    }
};

struct Later
{
    bool operator()(const ns3::Scheduler::Event& a, const ns3::Scheduler::Event& b) const { return Earlier()(b, a); }
};

} // namespace

ns3::TypeId
BucketScheduler::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("ofab::BucketScheduler")
                                 .SetParent<ns3::Scheduler>()
                                 .SetGroupName("Ofab")
                                 .AddConstructor<BucketScheduler>();
    return tid;
}

BucketScheduler::BucketScheduler()
    : m_ring(kBuckets)
{
}

BucketScheduler::~BucketScheduler() = default;

void
BucketScheduler::Place(const Event& ev, uint64_t bucket)
{
    const uint64_t i = bucket & kMask;
    m_ring[i].push_back(ev);
    m_nonEmpty[i >> 6] |= 1ULL << (i & 63);
}

void
BucketScheduler::Insert(const Event& ev)
{
    const uint64_t bucket = BucketOf(ev);
    NS_ASSERT_MSG(bucket >= m_cursor, "event scheduled before the current time");
    ++m_size;
    if (bucket == m_cursor)
    {
        // The bucket being consumed stays sorted: the new event goes to its place (usually the end,
        // since it has the largest uid).
        std::vector<Event>& v = m_ring[bucket & kMask];
        v.insert(std::upper_bound(v.begin() + static_cast<std::ptrdiff_t>(m_head), v.end(), ev, Earlier()), ev);
        m_nonEmpty[(bucket & kMask) >> 6] |= 1ULL << (bucket & 63);
        return;
    }
    if (bucket - m_cursor < kBuckets)
    {
        Place(ev, bucket);
        return;
    }
    m_far.push_back(ev);
    std::push_heap(m_far.begin(), m_far.end(), Later());
}

bool
BucketScheduler::IsEmpty() const
{
    return m_size == 0;
}

uint64_t
BucketScheduler::NextNonEmpty() const
{
    const uint64_t start = m_cursor & kMask;
    std::size_t w = start >> 6;
    uint64_t word = m_nonEmpty[w] & (~0ULL << (start & 63));
    for (std::size_t n = 0; n <= kWords; ++n)
    {
        if (word != 0)
        {
            const uint64_t i = (static_cast<uint64_t>(w) << 6) + static_cast<uint64_t>(__builtin_ctzll(word));
            return (i - start) & kMask;
        }
        w = (w + 1) % kWords;
        word = m_nonEmpty[w];
    }
    return kBuckets;
}

void
BucketScheduler::PullFar()
{
    while (!m_far.empty() && BucketOf(m_far.front()) - m_cursor < kBuckets)
    {
        std::pop_heap(m_far.begin(), m_far.end(), Later());
        Place(m_far.back(), BucketOf(m_far.back()));
        m_far.pop_back();
    }
}

void
BucketScheduler::Advance()
{
    const uint64_t d = NextNonEmpty();
    if (d < kBuckets)
    {
        m_cursor += d;
    }
    else
    {
        NS_ASSERT_MSG(!m_far.empty(), "no event to remove");
        m_cursor = BucketOf(m_far.front());
    }
    PullFar();
    std::vector<Event>& v = m_ring[m_cursor & kMask];
    std::sort(v.begin(), v.end(), Earlier());
    m_head = 0;
}

ns3::Scheduler::Event
BucketScheduler::PeekNext() const
{
    NS_ASSERT_MSG(m_size > 0, "no event to peek at");
    const std::vector<Event>& cur = m_ring[m_cursor & kMask];
    if (m_head < cur.size())
    {
        return cur[m_head];
    }
    // Every event in the ring is earlier than every far one (PullFar keeps it so).
    const uint64_t d = NextNonEmpty();
    if (d == kBuckets)
    {
        return m_far.front();
    }
    const std::vector<Event>& v = m_ring[(m_cursor + d) & kMask];
    return *std::min_element(v.begin(), v.end(), Earlier());
}

ns3::Scheduler::Event
BucketScheduler::RemoveNext()
{
    NS_ASSERT_MSG(m_size > 0, "no event to remove");
    std::vector<Event>* v = &m_ring[m_cursor & kMask];
    if (m_head == v->size())
    {
        Advance();
        v = &m_ring[m_cursor & kMask];
    }
    const Event ev = (*v)[m_head++];
    if (m_head == v->size())
    {
        v->clear();
        m_head = 0;
        const uint64_t i = m_cursor & kMask;
        m_nonEmpty[i >> 6] &= ~(1ULL << (i & 63));
    }
    --m_size;
    return ev;
}

void
BucketScheduler::Remove(const Event& ev)
{
    const uint64_t bucket = BucketOf(ev);
    auto same = [&ev](const Event& e) { return e.key.m_uid == ev.key.m_uid && e.key.m_ts == ev.key.m_ts; };
    if (bucket - m_cursor < kBuckets)
    {
        const uint64_t i = bucket & kMask;
        std::vector<Event>& v = m_ring[i];
        const std::size_t from = bucket == m_cursor ? m_head : 0;
        auto it = std::find_if(v.begin() + static_cast<std::ptrdiff_t>(from), v.end(), same);
        NS_ASSERT_MSG(it != v.end(), "removing an event that is not pending");
        v.erase(it); // keeps the order of the rest (the cursor's bucket stays sorted)
        if (v.size() == from)
        {
            v.clear();
            if (bucket == m_cursor)
            {
                m_head = 0;
            }
            m_nonEmpty[i >> 6] &= ~(1ULL << (i & 63));
        }
    }
    else
    {
        auto it = std::find_if(m_far.begin(), m_far.end(), same);
        NS_ASSERT_MSG(it != m_far.end(), "removing an event that is not pending");
        m_far.erase(it);
        std::make_heap(m_far.begin(), m_far.end(), Later());
    }
    --m_size;
}

} // namespace ofab
