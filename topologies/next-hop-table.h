// The flat routing table the ns-3 fabric consults per flit per hop.
//
// Entry (node, dst) lists the local output ports of `node` that lie on a chosen path to
// accelerator index `dst`; entries sit in one contiguous array at index node * numDst + dst, so a
// lookup is two loads and no branch on the table shape. An empty entry means "node is dst" or
// "dst unreachable" (Distance tells which).
#ifndef OFAB_TOPOLOGIES_NEXT_HOP_TABLE_H
#define OFAB_TOPOLOGIES_NEXT_HOP_TABLE_H

#include <cstdint>
#include <limits>
#include <vector>

#include "ofab/topologies/shortest-paths.h"

namespace ofab::topo
{

inline constexpr uint32_t kNoPort = std::numeric_limits<uint32_t>::max();

class NextHopTable
{
  public:
    NextHopTable() = default;
    // offsets: numNodes*numDst + 1 ascending entries into ports; distance: numNodes*numDst entries
    // (kUnreachable where no path), kept as float to halve the table's footprint (hop counts are
    // exact; weighted distances keep ~7 significant digits). Throws TopologyError when the sizes
    // disagree.
    NextHopTable(uint32_t numNodes, uint32_t numDst, std::vector<uint32_t> offsets, std::vector<uint32_t> ports,
                 const std::vector<double>& distance);

    uint32_t NumNodes() const { return m_numNodes; }
    uint32_t NumDestinations() const { return m_numDst; }

    // Hot path, unchecked: node < NumNodes(), dst < NumDestinations().
    const uint32_t* NextHops(uint32_t node, uint32_t dst, uint32_t* count) const noexcept
    {
        const std::size_t i = static_cast<std::size_t>(node) * m_numDst + dst;
        const uint32_t begin = m_offsets[i];
        *count = m_offsets[i + 1] - begin;
        return m_ports.data() + begin;
    }
    // ECMP choice for a flow: the same hash always takes the same port; kNoPort when empty.
    uint32_t Pick(uint32_t node, uint32_t dst, uint64_t flowHash) const noexcept
    {
        uint32_t count;
        const uint32_t* p = NextHops(node, dst, &count);
        return count == 0 ? kNoPort : p[flowHash % count];
    }
    double Distance(uint32_t node, uint32_t dst) const noexcept
    {
        return m_distance[static_cast<std::size_t>(node) * m_numDst + dst];
    }

    // Checked copy for tests and tools; throws TopologyError on out-of-range arguments.
    std::vector<uint32_t> NextHopsChecked(uint32_t node, uint32_t dst) const;
    std::size_t MemoryBytes() const;

  private:
    uint32_t m_numNodes = 0, m_numDst = 0;
    std::vector<uint32_t> m_offsets{0};
    std::vector<uint32_t> m_ports;
    std::vector<float> m_distance;
};

namespace detail
{
// Builders fill the table row by row; this keeps the 32-bit offset limit in one place.
class TableWriter
{
  public:
    TableWriter(uint32_t numNodes, uint32_t numDst);
    void Add(uint32_t port);
    void EndEntry(); // closes entry (node, dst) in row-major order
    NextHopTable Finish(const std::vector<double>& distance);

  private:
    uint32_t m_numNodes, m_numDst;
    std::vector<uint32_t> m_offsets, m_ports;
};
// numNodes * numDst guarded against absurd sizes (the table is dense by design).
void CheckTableSize(const char* who, std::size_t numNodes, std::size_t numDst);
} // namespace detail

} // namespace ofab::topo

#endif
