#include "protocols/model/address-cache.h"

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
    m_hits = 0;
    m_misses = 0;
    m_lastKey = kInvalid;
}

void
AddressCache::Reset()
{
    m_keys.assign(m_keys.size(), kInvalid);
    m_lastKey = kInvalid;
}

int
AddressCache::Find(uint64_t key) const
{
    for (std::size_t i = 0; i < m_keys.size(); ++i)
    {
        if (m_keys[i] == key)
        {
            return static_cast<int>(i);
        }
    }
    return -1;
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
    int i = key == m_lastKey ? m_lastIndex : Find(key);
    m_lastKey = kInvalid; // the cache changes below
    const bool hit = i >= 0;
    if (!hit)
    {
        i = static_cast<int>(m_keys.size()) - 1; // evict the least recently used
    }
    // Move entry i to the front (most recently used); the cache is small, a shift is cheap.
    for (int j = i; j > 0; --j)
    {
        m_keys[j] = m_keys[j - 1];
    }
    m_keys[0] = key;
    if (hit)
    {
        ++m_hits;
    }
    else
    {
        ++m_misses;
    }
    return hit;
}

} // namespace ofab
