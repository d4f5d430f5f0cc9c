#ifndef OFAB_FABRIC_FAULTS_LASER_MAP_H
#define OFAB_FABRIC_FAULTS_LASER_MAP_H

#include "ofab/fabric/assembly/fabric.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/**
 * Which laser source feeds which link directions, and how a user names a source: its node and its
 * index among that node's sources in port order (walking the node's ports 0, 1, ... and counting
 * each source the first time one of its ports appears). The builder hands sources out in link
 * order, PortCount ports each, per link class; reading them back from the channels keeps this map
 * true to whatever the builder did.
 */
class LaserMap
{
  public:
    /// A link direction a source feeds: frames sent by end `fromEnd` of `link`.
    struct Feed
    {
        uint32_t link;
        uint8_t fromEnd;
    };
    struct Source
    {
        ns3::Ptr<LaserSource> laser;
        uint32_t node = 0;
        uint32_t index = 0; ///< among the node's sources, in port order
        std::vector<Feed> feeds;
    };

    explicit LaserMap(const Fabric& fabric);

    /// Indexed like Fabric::LaserSources().
    const std::vector<Source>& Sources() const { return m_sources; }
    /// Sources of `node` (indices into Sources()), in port order.
    const std::vector<uint32_t>& OfNode(uint32_t node) const { return m_ofNode.at(node); }
    /// The source feeding frames sent by end `fromEnd` of `link` (index into Sources()).
    uint32_t Feeding(uint32_t link, uint8_t fromEnd) const { return m_feeding.at(2 * link + fromEnd); }
    /// "laser a(1,0)#0".
    std::string Name(uint32_t source) const;
    /// "links 3, 4 from a(1,0)": what a source feeds, for event details.
    std::string FeedText(uint32_t source) const;

  private:
    const topo::Graph& m_graph;
    std::vector<Source> m_sources;
    std::vector<std::vector<uint32_t>> m_ofNode;
    std::vector<uint32_t> m_feeding; ///< [2 * link + fromEnd] -> source
};

} // namespace ofab

#endif
