// Small checks shared by the topology tests.
#ifndef OFAB_TESTS_TOPOLOGIES_TOPOLOGY_TEST_UTIL_H
#define OFAB_TESTS_TOPOLOGIES_TOPOLOGY_TEST_UTIL_H

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "ofab/topologies/graph.h"
#include "ofab/topologies/shortest-paths.h"

namespace ofab::topo::testing
{

// A path is a walk over real links whose recorded ports match the graph.
inline void
CheckPathIsWalk(const Graph& g, const Path& p, uint32_t src, uint32_t dst)
{
    REQUIRE(p.nodes.size() == p.links.size() + 1);
    REQUIRE(p.ports.size() == p.links.size());
    CHECK(p.nodes.front() == src);
    CHECK(p.nodes.back() == dst);
    for (std::size_t i = 0; i < p.links.size(); ++i)
    {
        const Link& l = g.GetLink(p.links[i]);
        const bool forward = l.a == p.nodes[i] && l.b == p.nodes[i + 1];
        const bool backward = l.b == p.nodes[i] && l.a == p.nodes[i + 1];
        CHECK((forward || backward));
        CHECK(p.ports[i] == g.PortAt(p.links[i], p.nodes[i]));
    }
}

inline bool
LinksDisjoint(const std::vector<Path>& paths)
{
    std::set<uint32_t> used;
    for (const Path& p : paths)
    {
        for (uint32_t l : p.links)
        {
            if (!used.insert(l).second)
            {
                return false;
            }
        }
    }
    return true;
}

// Torus distance between two node ids of a grid (dimension 0 fastest).
inline uint32_t
TorusDistance(const std::vector<int>& dims, uint32_t a, uint32_t b)
{
    uint32_t hops = 0;
    for (int k : dims)
    {
        const int ca = static_cast<int>(a % k), cb = static_cast<int>(b % k);
        const int delta = std::abs(ca - cb);
        hops += static_cast<uint32_t>(std::min(delta, k - delta));
        a /= k;
        b /= k;
    }
    return hops;
}

} // namespace ofab::topo::testing

#endif
