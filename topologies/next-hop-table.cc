#include "ofab/topologies/next-hop-table.h"

#include <string>

namespace ofab::topo {

NextHopTable::NextHopTable(uint32_t numNodes, uint32_t numDst, std::vector<uint32_t> offsets,
                           std::vector<uint32_t> ports, const std::vector<double>& distance)
    : numNodes_(numNodes), numDst_(numDst), offsets_(std::move(offsets)),
      ports_(std::move(ports)), distance_(distance.begin(), distance.end()) {
  const std::size_t entries = static_cast<std::size_t>(numNodes) * numDst;
  if (offsets_.size() != entries + 1 || distance_.size() != entries || offsets_.front() != 0 ||
      offsets_.back() != ports_.size()) {
    throw TopologyError("next-hop table: offsets must have numNodes*numDst+1 = " +
                        std::to_string(entries + 1) + " entries ending at ports.size(), distance " +
                        std::to_string(entries) + " entries");
  }
}

std::vector<uint32_t> NextHopTable::NextHopsChecked(uint32_t node, uint32_t dst) const {
  if (node >= numNodes_ || dst >= numDst_) {
    throw TopologyError("next-hop table: (node " + std::to_string(node) + ", dst " +
                        std::to_string(dst) + ") out of range, table is " +
                        std::to_string(numNodes_) + " nodes x " + std::to_string(numDst_) +
                        " destinations");
  }
  uint32_t count;
  const uint32_t* p = NextHops(node, dst, &count);
  return std::vector<uint32_t>(p, p + count);
}

std::size_t NextHopTable::MemoryBytes() const {
  return offsets_.size() * sizeof(uint32_t) + ports_.size() * sizeof(uint32_t) +
         distance_.size() * sizeof(float);
}

namespace detail {

void CheckTableSize(const char* who, std::size_t numNodes, std::size_t numDst) {
  // 2^28 entries is ~3 GB with ports and distances: far past any fabric ns-3 can simulate in one process.
  if (numNodes * numDst > (std::size_t(1) << 28)) {
    throw TopologyError(std::string(who) + ": a dense table of " + std::to_string(numNodes) +
                        " nodes x " + std::to_string(numDst) +
                        " destinations is too large (limit 2^28 entries)");
  }
}

TableWriter::TableWriter(uint32_t numNodes, uint32_t numDst) : numNodes_(numNodes), numDst_(numDst) {
  offsets_.reserve(static_cast<std::size_t>(numNodes) * numDst + 1);
  offsets_.push_back(0);
}

void TableWriter::Add(uint32_t port) {
  if (ports_.size() == std::numeric_limits<uint32_t>::max()) {
    throw TopologyError("next-hop table: more than 2^32-1 ports in total");
  }
  ports_.push_back(port);
}

void TableWriter::EndEntry() { offsets_.push_back(static_cast<uint32_t>(ports_.size())); }

NextHopTable TableWriter::Finish(const std::vector<double>& distance) {
  return NextHopTable(numNodes_, numDst_, std::move(offsets_), std::move(ports_), distance);
}

}  // namespace detail
}  // namespace ofab::topo
