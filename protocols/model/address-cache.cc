#include "ofab/protocols/model/address-cache.h"

namespace ofab
{

void
AddressCache::Configure(Mode mode, uint32_t entries, uint32_t regionBytes)
{
    m_mode = mode;
    m_regionShift = 0;
    while ((1ULL << (m_regionShift + 1)) <= regionBytes)
    {
        ++m_regionShift;
    }
    m_keys.assign(entries, kInvalid);
    m_prev.assign(entries, kNil);
    m_next.assign(entries, kNil);
    // At most 1/4 full: short probe sequences.
    uint32_t bits = 3;
    while ((1ULL << bits) < 4ULL * entries)
    {
        ++bits;
    }
    m_table.assign(entries > 0 ? (1u << bits) : 0, kNil);
    m_tableMask = (1u << bits) - 1;
    m_hashShift = 64 - bits;
    Clear();
    m_hits = 0;
    m_misses = 0;
}

void
AddressCache::Reset()
{
    Clear();
}

void
AddressCache::Clear()
{
    const int32_t n = static_cast<int32_t>(m_keys.size());
    for (int32_t i = 0; i < n; ++i)
    {
        m_keys[i] = kInvalid;
        m_prev[i] = i - 1;
        m_next[i] = i + 1 < n ? i + 1 : kNil;
    }
    m_head = n > 0 ? 0 : kNil;
    m_tail = n > 0 ? n - 1 : kNil;
    m_table.assign(m_table.size(), kNil);
    m_lastKey = kInvalid;
}

int
AddressCache::Find(uint64_t key) const
{
    if (key == kInvalid)
    {
        // Not a real key (unreachable in practice): matches the most recent empty entry, as a scan
        // of the MRU list would.
        for (int32_t e = m_head; e != kNil; e = m_next[e])
        {
            if (m_keys[e] == key)
            {
                return e;
            }
        }
        return -1;
    }
    if (m_table.empty())
    {
        return -1;
    }
    for (uint32_t b = Bucket(key);; b = (b + 1) & m_tableMask)
    {
        const int32_t e = m_table[b];
        if (e == kNil)
        {
            return -1;
        }
        if (m_keys[e] == key)
        {
            return e;
        }
    }
}

void
AddressCache::HashInsert(uint64_t key, int32_t entry)
{
    uint32_t b = Bucket(key);
    while (m_table[b] != kNil)
    {
        b = (b + 1) & m_tableMask;
    }
    m_table[b] = entry;
}

void
AddressCache::HashErase(uint64_t key)
{
    uint32_t i = Bucket(key);
    while (m_keys[m_table[i]] != key)
    {
        i = (i + 1) & m_tableMask;
    }
    // Backward-shift deletion: pull later members of the probe run into the hole when their home
    // bucket does not lie cyclically in (hole, their position].
    uint32_t j = i;
    for (;;)
    {
        j = (j + 1) & m_tableMask;
        const int32_t e = m_table[j];
        if (e == kNil)
        {
            break;
        }
        const uint32_t home = Bucket(m_keys[e]);
        const bool stays = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays)
        {
            m_table[i] = e;
            i = j;
        }
    }
    m_table[i] = kNil;
}

void
AddressCache::MoveToFront(int32_t e)
{
    if (e == m_head)
    {
        return;
    }
    // unlink (e is not the head, so it has a predecessor)
    const int32_t p = m_prev[e];
    const int32_t n = m_next[e];
    m_next[p] = n;
    if (n != kNil)
    {
        m_prev[n] = p;
    }
    else
    {
        m_tail = p;
    }
    // push front
    m_prev[e] = kNil;
    m_next[e] = m_head;
    m_prev[m_head] = e;
    m_head = e;
}

bool
AddressCache::WouldCompress(uint16_t dst, uint64_t address) const
{
    switch (m_mode)
    {
    case Mode::Always:
        return true;
    case Mode::Never:
        return false;
    case Mode::Cache:
        break;
    }
    m_lastKey = Key(dst, address);
    m_lastIndex = Find(m_lastKey);
    return m_lastIndex >= 0;
}

bool
AddressCache::Compress(uint16_t dst, uint64_t address)
{
    if (m_mode != Mode::Cache)
    {
        return m_mode == Mode::Always;
    }
    if (m_keys.empty())
    {
        ++m_misses;
        return false;
    }
    const uint64_t key = Key(dst, address);
    int i = (key == m_lastKey && key != kInvalid) ? m_lastIndex : Find(key);
    m_lastKey = kInvalid; // the cache changes below
    const bool hit = i >= 0;
    if (hit)
    {
        ++m_hits;
    }
    else
    {
        ++m_misses;
        // Evict the least recently used entry and reuse it for the new key.
        i = m_tail;
        if (m_keys[i] != kInvalid)
        {
            HashErase(m_keys[i]);
        }
        m_keys[i] = key;
        if (key != kInvalid)
        {
            HashInsert(key, i);
        }
    }
    MoveToFront(i);
    return hit;
}

} // namespace ofab
