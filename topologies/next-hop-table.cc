#include "ofab/topologies/next-hop-table.h"

#include <string>

namespace ofab::topo
{

NextHopTable::NextHopTable(uint32_t numNodes, uint32_t numDst, std::vector<uint32_t> offsets,
                           std::vector<uint32_t> ports, const std::vector<double>& distance)
    : m_numNodes(numNodes),
      m_numDst(numDst),
      m_offsets(std::move(offsets)),
      m_ports(std::move(ports)),
      m_distance(distance.begin(), distance.end())
{
    const std::size_t entries = static_cast<std::size_t>(numNodes) * numDst;
    if (m_offsets.size() != entries + 1 || m_distance.size() != entries || m_offsets.front() != 0 ||
        m_offsets.back() != m_ports.size())
    {
        throw TopologyError("next-hop table: offsets must have numNodes*numDst+1 = " + std::to_string(entries + 1) +
                            " entries ending at ports.size(), distance " + std::to_string(entries) + " entries");
    }
}

std::vector<uint32_t>
NextHopTable::NextHopsChecked(uint32_t node, uint32_t dst) const
{
    if (node >= m_numNodes || dst >= m_numDst)
    {
        throw TopologyError("next-hop table: (node " + std::to_string(node) + ", dst " + std::to_string(dst) +
                            ") out of range, table is " + std::to_string(m_numNodes) + " nodes x " +
                            std::to_string(m_numDst) + " destinations");
    }
    uint32_t count;
    const uint32_t* p = NextHops(node, dst, &count);
    return std::vector<uint32_t>(p, p + count);
}

std::size_t
NextHopTable::MemoryBytes() const
{
    return m_offsets.size() * sizeof(uint32_t) + m_ports.size() * sizeof(uint32_t) + m_distance.size() * sizeof(float);
}

namespace detail
{

void
CheckTableSize(const char* who, std::size_t numNodes, std::size_t numDst)
{
    // 2^28 entries is ~3 GB with ports and distances: far past any fabric ns-3 can simulate in one process.
    if (numNodes * numDst > (std::size_t(1) << 28))
    {
        throw TopologyError(std::string(who) + ": a dense table of " + std::to_string(numNodes) + " nodes x " +
                            std::to_string(numDst) + " destinations is too large (limit 2^28 entries)");
    }
}

TableWriter::TableWriter(uint32_t numNodes, uint32_t numDst)
    : m_numNodes(numNodes),
      m_numDst(numDst)
{
    m_offsets.reserve(static_cast<std::size_t>(numNodes) * numDst + 1);
    m_offsets.push_back(0);
}

void
TableWriter::Add(uint32_t port)
{
    if (m_ports.size() == std::numeric_limits<uint32_t>::max())
    {
        throw TopologyError("next-hop table: more than 2^32-1 ports in total");
    }
    m_ports.push_back(port);
}

void
TableWriter::EndEntry()
{
    m_offsets.push_back(static_cast<uint32_t>(m_ports.size()));
}

NextHopTable
TableWriter::Finish(const std::vector<double>& distance)
{
    return NextHopTable(m_numNodes, m_numDst, std::move(m_offsets), std::move(m_ports), distance);
}

} // namespace detail
} // namespace ofab::topo
