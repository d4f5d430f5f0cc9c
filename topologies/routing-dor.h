// Dimension-order routing on tori and meshes with dateline virtual channels.
//
// A packet corrects dimension 0 first, then 1, ...; in each torus dimension it takes the shorter
// way round. A tie (k even, distance k/2) has two ways: Steps() gives both, for tables that spread
// the traffic over them (always "+" would load the "+" links with 10/6 of the "-" links' share on
// an 8-ring); Step() and Route() follow "+". Deadlock freedom on the rings needs
// two VC classes: a packet travels a dimension on VC 0 and moves to VC 1 on the hop that crosses
// that dimension's dateline (its wrap link, k-1 <-> 0), staying on VC 1 until it leaves the
// dimension; each new dimension starts again on VC 0. Meshes have no wrap links: always VC 0.
#ifndef OFAB_TOPOLOGIES_ROUTING_DOR_H
#define OFAB_TOPOLOGIES_ROUTING_DOR_H

#include <cstdint>
#include <vector>

#include "ofab/topologies/graph.h"
#include "ofab/topologies/next-hop-table.h"

namespace ofab::topo
{

struct DorHop
{
    uint32_t from = 0, to = 0;
    uint32_t link = 0;
    uint32_t port = 0; // output port at `from`
    int dimension = 0;
    int direction = +1; // +1 or -1
    uint8_t vc = 0;     // 0 before the dateline, 1 from the dateline hop on
};

// One routing decision, for hop-by-hop use in a switch that keeps the VC in the flit.
struct DorStep
{
    uint32_t port = kNoPort; // kNoPort when node == dst
    uint32_t link = 0;
    uint32_t next = 0;
    int dimension = -1;
    int direction = 0;
    bool crossesDateline = false;
    bool blocked = false; // no open way round in the dimension to correct (masked Step only)
};

class DimensionOrderRouter
{
  public:
    // Needs a graph from Torus/Mesh/Ring (grid shape present, grid links intact); throws
    // TopologyError otherwise. Copies what it needs: the graph may go away afterwards.
    explicit DimensionOrderRouter(const Graph& g);

    const std::vector<int>& GetDims() const { return m_dims; }
    bool IsTorus() const { return m_wrap; }
    // Hops of the dimension-order path = torus (or mesh) distance sum_i min(d_i, k_i - d_i).
    uint32_t Distance(uint32_t src, uint32_t dst) const;
    // Node ids (== accelerator indices in grids). Empty when src == dst.
    std::vector<DorHop> Route(uint32_t src, uint32_t dst) const;
    DorStep Step(uint32_t node, uint32_t dst) const;
    // Fault-tolerant step: in the dimension being corrected, the way round whose remaining links are
    // all up in `mask` and whose summed weights are lowest (ties toward +). A ring with one cut becomes
    // a line, so a packet may take the long way; the dimension order and the dateline rule are
    // unchanged, which keeps the routes free of channel-dependency cycles. Consistent hop by hop: the
    // next node on the chosen way prefers the same way. blocked (port = kNoPort) when neither way is
    // open: two cuts in one ring, or one cut in a mesh line. Empty mask and weights = Step(node, dst).
    DorStep Step(uint32_t node, uint32_t dst, const LinkMask& mask, const LinkWeights& weights) const;
    // The steps of a minimal route: one, or both ways round on a tie (equal hops, or equal summed
    // weights under `weights`), "+" first. Either way keeps the dimension order and the dateline
    // rule, so a table holding both is as deadlock-free as one holding either.
    std::vector<DorStep> Steps(uint32_t node, uint32_t dst, const LinkMask& mask, const LinkWeights& weights) const;
    // The path the masked steps take; empty when src == dst or a step is blocked.
    std::vector<DorHop> Route(uint32_t src, uint32_t dst, const LinkMask& mask, const LinkWeights& weights) const;
    // VC of the next hop given the VC and dimension of the hop the flit arrived on (-1 at the source).
    static uint8_t NextVc(uint8_t vcIn, int dimensionIn, const DorStep& step)
    {
        const uint8_t base = step.dimension == dimensionIn ? vcIn : 0;
        return step.crossesDateline ? uint8_t{1} : base;
    }
    // Single-path table (one port per entry) for table-driven switches.
    NextHopTable BuildTable() const;

  private:
    void CheckNodes(uint32_t a, uint32_t b) const;
    // Summed weight of `steps` hops from `node` along dimension d in `direction`; infinity when a link is down.
    double WayCost(uint32_t node, std::size_t d, int direction, int steps, const LinkMask& mask,
                   const LinkWeights& weights) const;
    DorStep StepIn(uint32_t node, std::size_t d, bool plus) const;
    int Coord(uint32_t node, std::size_t d) const
    {
        return static_cast<int>((node / m_stride[d]) % static_cast<uint32_t>(m_dims[d]));
    }

    std::vector<int> m_dims;
    std::vector<uint32_t> m_stride;
    bool m_wrap = false;
    uint32_t m_numNodes = 0;
    // Per node and dimension (index node * n + d): link, port and neighbour in each direction.
    std::vector<uint32_t> m_plusLink, m_minusLink, m_plusPort, m_minusPort, m_plusNext, m_minusNext;
    std::vector<bool> m_linkIsWrap;
};

// True when every hop of the route uses an up link (DOR is oblivious: it cannot route around).
bool RouteIsUp(const std::vector<DorHop>& route, const LinkMask& mask);

} // namespace ofab::topo

#endif
