#ifndef OFAB_PROTOCOLS_MODEL_ADDRESS_CACHE_H
#define OFAB_PROTOCOLS_MODEL_ADDRESS_CACHE_H

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * Request address compression for one direction of one link.
 *
 * A compressed request header omits the upper address bits and refers to an entry of a small cache
 * that sender and receiver keep in lockstep (the receiver's copy is implicit: both see the same
 * sequence of requests). The model keys an entry by (destination accelerator, address >>
 * log2(region)) and replaces the least recently used entry on a miss; a hit sends the request
 * compressed (8 B instead of 16 B). The real cache organisation is not public: entry count and
 * region size are attributes of UalinkPort.
 */
class AddressCache
{
  public:
    enum class Mode : uint8_t
    {
        Cache,  ///< compress on a cache hit
        Always, ///< every request compressed (best case)
        Never,  ///< every request uncompressed (worst case)
    };

    void Configure(Mode mode, uint32_t entries, uint32_t regionBytes);
    void Reset();

    /// Decides compression for a request about to be packed and updates the cache.
    bool Compress(uint16_t dst, uint64_t address);
    /// The decision Compress() would take, without touching the cache.
    bool WouldCompress(uint16_t dst, uint64_t address) const;

    uint64_t Hits() const { return m_hits; }
    uint64_t Misses() const { return m_misses; }

  private:
    uint64_t Key(uint16_t dst, uint64_t address) const
    {
        return (static_cast<uint64_t>(dst) << 48) ^ (address >> m_regionShift);
    }
    /// The entry holding `key`, or -1. An entry index is stable; recency is the list order.
    int Find(uint64_t key) const;
    uint32_t Bucket(uint64_t key) const { return static_cast<uint32_t>((key * 0x9E3779B97F4A7C15ULL) >> m_hashShift); }
    void HashInsert(uint64_t key, int32_t entry);
    void HashErase(uint64_t key);
    void MoveToFront(int32_t entry);
    void Clear(); ///< every entry empty, list order = entry order

    // WouldCompress() then Compress() for the same request is the common pattern (peek, then take):
    // the second lookup is skipped when nothing changed in between.
    mutable uint64_t m_lastKey = kInvalid;
    mutable int m_lastIndex = -1;

    Mode m_mode = Mode::Cache;
    uint32_t m_regionShift = 12;
    static constexpr uint64_t kInvalid = ~0ULL; ///< never a real key (dst < 1024 in the top bits)
    static constexpr int32_t kNil = -1;
    // LRU cache as a doubly linked list over fixed entries (head = most recently used, tail = the
    // next victim) plus an open-addressed hash (linear probing, backward-shift deletion) from key to
    // entry: O(1) lookup and update, same hits, misses and replacement order as a scanned MRU list.
    std::vector<uint64_t> m_keys; ///< per entry; kInvalid = empty entry (not in the hash)
    std::vector<int32_t> m_prev;
    std::vector<int32_t> m_next;
    int32_t m_head = kNil;
    int32_t m_tail = kNil;
    std::vector<int32_t> m_table; ///< entry index or kNil; size a power of two
    uint32_t m_tableMask = 0;
    uint32_t m_hashShift = 63;
    uint64_t m_hits = 0;
    uint64_t m_misses = 0;
};

} // namespace ofab

#endif
