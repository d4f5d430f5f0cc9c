#include "ofab/protocols/model/output-arbiter.h"

#include <algorithm>
#include <limits>

namespace ofab
{

OutputArbiter::OutputArbiter()
{
    EnsureSlot(0);
}

void
OutputArbiter::EnsureSlot(uint32_t slot)
{
    if (slot < m_slots)
    {
        return;
    }
    m_slots = slot + 1;
    const std::size_t words = (m_slots + 63) / 64;
    m_index.resize(static_cast<std::size_t>(m_slots) * ualink::kQueueClassCount, kNil);
    m_readyBits.resize(words, 0);
    m_slotClasses.resize(m_slots, 0);
    m_rrClass.resize(m_slots, 0);
}

uint32_t
OutputArbiter::QueueOf(uint32_t qc, uint32_t slot)
{
    uint32_t& q = m_index[static_cast<std::size_t>(slot) * ualink::kQueueClassCount + qc];
    if (q == kNil)
    {
        q = static_cast<uint32_t>(m_queues.size());
        Queue rec;
        rec.slot = slot;
        rec.qc = qc;
        m_queues.push_back(rec);
    }
    return q;
}

void
OutputArbiter::MarkReady(uint32_t queue)
{
    Queue& q = m_queues[queue];
    if (q.ready++ == 0)
    {
        if (m_slotClasses[q.slot] == 0)
        {
            m_readyBits[q.slot >> 6] |= 1ULL << (q.slot & 63);
            ++m_readySlots;
        }
        m_slotClasses[q.slot] |= static_cast<uint8_t>(1u << q.qc);
    }
}

void
OutputArbiter::Enqueue(const TlMessage& m, int64_t nowTick)
{
    const uint32_t slot = SlotOf(m.inPort);
    EnsureSlot(slot);
    const uint32_t qc = ualink::QueueClass(m.vc, m.Class());
    const uint32_t queue = QueueOf(qc, slot);
    uint32_t node = m_free;
    if (node != kNil)
    {
        m_free = m_pool[node].next;
        m_pool[node].m = m;
        m_pool[node].next = kNil;
    }
    else
    {
        node = static_cast<uint32_t>(m_pool.size());
        m_pool.push_back(Node{m, kNil});
    }
    Queue& q = m_queues[queue];
    if (q.tail == kNil)
    {
        q.head = node;
    }
    else
    {
        m_pool[q.tail].next = node;
    }
    q.tail = node;
    ++m_total;
    if (m.readyTick <= nowTick)
    {
        Promote(nowTick); // anything due before it goes first
        MarkReady(queue);
        return;
    }
    const Pending p{m.readyTick, m_order++, queue};
    if (m.readyTick < m_nextPendingTick)
    {
        m_nextPendingTick = m.readyTick;
    }
    if (m_pending.empty() || m.readyTick >= m_pending.back().readyTick)
    {
        m_pending.push_back(p);
        return;
    }
    m_heap.push_back(p);
    std::push_heap(m_heap.begin(), m_heap.end(), Later());
}

void
OutputArbiter::Promote(int64_t nowTick)
{
    if (nowTick < m_nextPendingTick)
    {
        return;
    }
    for (;;)
    {
        const bool fifoDue = !m_pending.empty() && m_pending.front().readyTick <= nowTick;
        const bool heapDue = !m_heap.empty() && m_heap.front().readyTick <= nowTick;
        if (heapDue && (!fifoDue || Later()(m_pending.front(), m_heap.front())))
        {
            std::pop_heap(m_heap.begin(), m_heap.end(), Later());
            MarkReady(m_heap.back().queue);
            m_heap.pop_back();
        }
        else if (fifoDue)
        {
            MarkReady(m_pending.front().queue);
            m_pending.pop_front();
        }
        else
        {
            break;
        }
    }
    m_nextPendingTick = std::numeric_limits<int64_t>::max();
    if (!m_pending.empty())
    {
        m_nextPendingTick = m_pending.front().readyTick;
    }
    if (!m_heap.empty() && m_heap.front().readyTick < m_nextPendingTick)
    {
        m_nextPendingTick = m_heap.front().readyTick;
    }
}

int
OutputArbiter::NextReady(uint32_t from) const
{
    const auto& bits = m_readyBits;
    const std::size_t words = bits.size();
    if (from >= m_slots)
    {
        from = 0;
    }
    std::size_t w = from >> 6;
    uint64_t word = bits[w] & (~0ULL << (from & 63));
    for (std::size_t n = 0; n <= words; ++n)
    {
        if (word != 0)
        {
            return static_cast<int>((w << 6) + static_cast<std::size_t>(__builtin_ctzll(word)));
        }
        w = (w + 1) % words;
        word = bits[w];
    }
    return -1;
}

const TlMessage*
OutputArbiter::Peek(int64_t nowTick, const TxCredits& credits)
{
    m_stalledMask = 0;
    m_stalledCredits = 0;
    Promote(nowTick);
    const uint32_t n = ualink::kQueueClassCount;
    const uint32_t all = (1u << n) - 1;
    // Every ready head that may go (its time has come, the credits are there) is a candidate; the
    // oldest transaction wins. Visiting inputs from the round-robin pointer, and each input's classes
    // from its own pointer, makes equal ages (one issue instant) go round robin.
    const TlMessage* best = nullptr;
    int slot = m_readySlots > 0 ? NextReady(m_rrInput) : -1;
    for (uint32_t left = m_readySlots; left > 0; --left)
    {
        const uint32_t mask = m_slotClasses[slot];
        const uint32_t from = m_rrClass[slot];
        uint32_t rotated = ((mask >> from) | (mask << (n - from))) & all;
        while (rotated != 0)
        {
            const uint32_t k = static_cast<uint32_t>(__builtin_ctz(rotated));
            rotated &= rotated - 1;
            const uint32_t qc = (from + k) % n;
            const uint32_t queue = m_index[static_cast<std::size_t>(slot) * n + qc];
            const TlMessage& head = m_pool[m_queues[queue].head].m;
            // A later message of this queue may be counted ready while the head is not (only when
            // forwarding latencies differ inside one queue): the head's own time still rules.
            if (head.readyTick > nowTick)
            {
                continue;
            }
            if (!credits.CanSend(head))
            {
                m_stalledMask |= 1u << qc;
                const ChannelClass cc = head.Class();
                if (credits.Available(head.vc, CommandClass(cc)) < 1)
                {
                    m_stalledCredits |= 1u << CreditIndex(head.vc, CommandClass(cc));
                }
                if (credits.Available(head.vc, DataClass(cc)) < ualink::DataCredits(head))
                {
                    m_stalledCredits |= 1u << CreditIndex(head.vc, DataClass(cc));
                }
                continue;
            }
            // Wrapped difference: bornNs counts ns modulo 2^32.
            if (best == nullptr || static_cast<int32_t>(head.bornNs - best->bornNs) < 0)
            {
                best = &head;
                m_pickQueue = queue;
            }
        }
        if (left > 1)
        {
            slot = NextReady(static_cast<uint32_t>(slot) + 1);
        }
    }
    return best;
}

const TlMessage*
OutputArbiter::OldestReadyHead(int64_t nowTick) const
{
    const TlMessage* oldest = nullptr;
    for (const Queue& q : m_queues)
    {
        if (q.head == kNil)
        {
            continue;
        }
        const TlMessage& head = m_pool[q.head].m;
        if (head.readyTick <= nowTick && (oldest == nullptr || head.readyTick < oldest->readyTick))
        {
            oldest = &head;
        }
    }
    return oldest;
}

void
OutputArbiter::PopInto(TlMessage& out)
{
    Queue& q = m_queues[m_pickQueue];
    const uint32_t qc = q.qc;
    const uint32_t slot = q.slot;
    const uint32_t node = q.head;
    out = m_pool[node].m;
    q.head = m_pool[node].next;
    if (q.head == kNil)
    {
        q.tail = kNil;
    }
    m_pool[node].next = m_free;
    m_free = node;
    if (--q.ready == 0)
    {
        m_slotClasses[slot] &= static_cast<uint8_t>(~(1u << qc));
        if (m_slotClasses[slot] == 0)
        {
            m_readyBits[slot >> 6] &= ~(1ULL << (slot & 63));
            --m_readySlots;
        }
    }
    --m_total;
    m_rrInput = slot + 1;
    m_rrClass[slot] = static_cast<uint8_t>((qc + 1) % ualink::kQueueClassCount);
}

void
OutputArbiter::DrainAll(std::vector<TlMessage>& out)
{
    for (uint32_t qc = 0; qc < ualink::kQueueClassCount; ++qc)
    {
        for (uint32_t s = 0; s < m_slots; ++s)
        {
            const uint32_t queue = m_index[static_cast<std::size_t>(s) * ualink::kQueueClassCount + qc];
            if (queue == kNil)
            {
                continue;
            }
            Queue& q = m_queues[queue];
            while (q.head != kNil)
            {
                const uint32_t node = q.head;
                out.push_back(m_pool[node].m);
                q.head = m_pool[node].next;
                m_pool[node].next = m_free;
                m_free = node;
            }
            q.tail = kNil;
            q.ready = 0;
        }
    }
    std::fill(m_readyBits.begin(), m_readyBits.end(), 0);
    std::fill(m_slotClasses.begin(), m_slotClasses.end(), 0);
    m_readySlots = 0;
    m_pending.clear();
    m_heap.clear();
    m_nextPendingTick = std::numeric_limits<int64_t>::max();
    m_total = 0;
}

} // namespace ofab
