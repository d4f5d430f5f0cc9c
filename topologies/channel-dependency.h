#ifndef OFAB_TOPOLOGIES_CHANNEL_DEPENDENCY_H
#define OFAB_TOPOLOGIES_CHANNEL_DEPENDENCY_H

// Channel dependency graph (Dally and Seitz): a lossless, credit-flow-controlled fabric can deadlock
// only if the "a packet holding channel X waits for channel Y" relation has a cycle. A channel is
// one direction of a link on one virtual channel; every route contributes an edge from each of its
// channels to the next one. No cycle over the routes in use = deadlock-free routing.

#include <cstdint>
#include <vector>

namespace ofab::topo
{

struct Channel
{
    uint32_t link = 0;
    uint32_t from = 0; // node the channel leaves (one direction of the link)
    uint8_t vc = 0;
    bool operator==(const Channel& o) const { return link == o.link && from == o.from && vc == o.vc; }
};

class ChannelDependencyGraph
{
  public:
    // Adds the dependencies of one route (its channels in travel order).
    void AddRoute(const std::vector<Channel>& route);
    std::size_t NumChannels() const { return m_ids.size(); }
    std::size_t NumDependencies() const;
    // One dependency cycle (channels in order, first not repeated), or empty when the graph is acyclic.
    std::vector<Channel> FindCycle() const;

  private:
    uint32_t Id(const Channel& c);
    std::vector<Channel> m_channels;
    std::vector<std::vector<uint32_t>> m_out;
    std::vector<std::pair<uint64_t, uint32_t>> m_ids; // sorted (key, id) for lookup
};

} // namespace ofab::topo

#endif
