// The graph every generator returns and every analysis / routing algorithm reads.
//
// Nodes are accelerators or switches; links are undirected, full-duplex and may be parallel (two
// links between the same pair are two independent cables with their own ports). Ports are numbered
// per node in the order links were added, 0 .. degree-1, so a generator fixes the port layout of
// the hardware it models just by the order of its AddLink calls.
#ifndef OFAB_TOPOLOGIES_GRAPH_H
#define OFAB_TOPOLOGIES_GRAPH_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ofab/topologies/topology-error.h"

namespace ofab::topo
{

enum class NodeRole : uint8_t
{
    Accelerator,
    Switch
};

const char* ToString(NodeRole role);

struct Node
{
    uint32_t id = 0;
    NodeRole role = NodeRole::Accelerator;
    std::string name;       // unique within the graph, whitespace-free
    std::vector<int> coord; // torus/mesh coordinates, {group, router[, slot]} for dragonfly, ...
    int plane = -1;         // switch plane in switched pods, -1 otherwise
    // May a path pass *through* this node? Switches always forward; accelerators of direct
    // topologies (torus, mesh, ring, full mesh) forward too, accelerators hanging off switches do
    // not (a UALink endpoint is not a router). Endpoints of a path are never constrained.
    bool transit = true;
};

struct Link
{
    uint32_t id = 0;
    uint32_t a = 0, b = 0;         // for grid links b is a's "+" neighbour in `dimension`
    uint32_t portA = 0, portB = 0; // port index at each end, 0 .. degree-1 of that node
    double lengthM = 1.0;
    std::string linkClass; // "torus", "mesh", "access", "uplink", "local", "global", ...
    int dimension = -1;    // torus/mesh dimension, -1 otherwise
    bool wrap = false;     // torus wrap-around link (k-1 -> 0): the dateline of its dimension
};

// Optional per-link attributes when adding a link.
struct LinkAttrs
{
    double lengthM = 1.0;
    std::string linkClass;
    int dimension = -1;
    bool wrap = false;
};

// One entry of a node's adjacency: the link leaving local port `port` reaches `neighbour`.
struct Adjacency
{
    uint32_t neighbour;
    uint32_t link;
    uint32_t port;
};

// Minimal read-only view over contiguous memory (std::span is C++20).
template <class T>
class Span
{
  public:
    Span() = default;
    Span(const T* data, std::size_t size)
        : m_data(data),
          m_size(size)
    {
    }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }
    const T& operator[](std::size_t i) const { return m_data[i]; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

  private:
    const T* m_data = nullptr;
    std::size_t m_size = 0;
};

// Shape of a torus or mesh, kept so dimension-order routing need not guess it back from the links.
// Node id = sum_i coord[i] * stride[i] with dimension 0 varying fastest.
struct GridShape
{
    std::vector<int> dims;
    bool wrap = false; // torus (true) or mesh (false)
};

class Graph
{
  public:
    // Adds a node; an empty name becomes "n<id>". Throws TopologyError on a duplicate name or a name
    // containing whitespace or '#'. Accelerators get the next dense accelerator index.
    uint32_t AddNode(NodeRole role, std::string name = "", std::vector<int> coord = {}, int plane = -1);
    // Adds an undirected link; its port at each end is that node's current degree. Throws
    // TopologyError on unknown endpoints, self-loops or a length that is negative or not finite.
    uint32_t AddLink(uint32_t a, uint32_t b, LinkAttrs attrs = {});
    void SetTransit(uint32_t node, bool transit);
    // Renumbers node's ports: linksInPortOrder[p] becomes port p. Must list exactly the node's links.
    // Lets a generator give every node the same port layout when AddLink order alone cannot.
    void SetPortOrder(uint32_t node, const std::vector<uint32_t>& linksInPortOrder);

    std::size_t NumNodes() const { return m_nodes.size(); }
    std::size_t NumLinks() const { return m_links.size(); }
    const std::vector<Node>& GetNodes() const { return m_nodes; }
    const std::vector<Link>& GetLinks() const { return m_links; }
    const Node& GetNode(uint32_t i) const { return m_nodes.at(i); }
    const Link& GetLink(uint32_t i) const { return m_links.at(i); }
    uint32_t GetDegree(uint32_t n) const { return m_degree.at(n); }

    // Neighbours of n ordered by local port (entry p is port p). Backed by one flat CSR array that
    // is rebuilt on the first read after a mutation: call Finalize() (generators do) before sharing
    // a hand-built graph between threads.
    Span<Adjacency> GetNeighbours(uint32_t n) const;
    void Finalize() const;

    // The far end of link `l` seen from node `n`.
    uint32_t Other(uint32_t l, uint32_t n) const;
    // Local port of link `l` at node `n`.
    uint32_t PortAt(uint32_t l, uint32_t n) const;

    // Accelerators in id order; accelerator k (the protocol's address) is GetAccelerators()[k].
    const std::vector<uint32_t>& GetAccelerators() const { return m_accelerators; }
    std::size_t NumAccelerators() const { return m_accelerators.size(); }
    std::size_t NumSwitches() const { return m_nodes.size() - m_accelerators.size(); }
    // Dense accelerator index of a node, -1 for switches.
    int32_t AcceleratorIndex(uint32_t node) const { return m_accelIndex.at(node); }
    uint32_t AcceleratorNode(uint32_t index) const { return m_accelerators.at(index); }

    std::optional<uint32_t> FindNode(const std::string& name) const;

    // What generated the graph ("torus", "dragonfly", "edge-list", ...), for traces and messages.
    const std::string& GetKind() const { return m_kind; }
    void SetKind(std::string kind) { m_kind = std::move(kind); }
    const std::optional<GridShape>& GetGrid() const { return m_grid; }
    void SetGrid(GridShape shape) { m_grid = std::move(shape); }

  private:
    void RebuildAdjacency() const;

    std::vector<Node> m_nodes;
    std::vector<Link> m_links;
    std::vector<uint32_t> m_degree;
    std::vector<uint32_t> m_accelerators;
    std::vector<int32_t> m_accelIndex;
    std::unordered_map<std::string, uint32_t> m_byName;
    std::string m_kind = "custom";
    std::optional<GridShape> m_grid;

    // CSR adjacency: entries of node n are m_adj[m_adjStart[n] .. m_adjStart[n+1]), ordered by port.
    mutable std::vector<uint32_t> m_adjStart;
    mutable std::vector<Adjacency> m_adj;
    mutable bool m_adjValid = false;
};

// One flag per link, true = up. An empty mask means "every link up".
using LinkMask = std::vector<bool>;
// One weight per link (> 0, finite). Empty means every link costs 1.0 = one hop.
using LinkWeights = std::vector<double>;

// Mask with every link of g up, and a convenience to take links down by id.
LinkMask AllUp(const Graph& g);
LinkMask MaskWithDown(const Graph& g, const std::vector<uint32_t>& downLinks);

// Throws TopologyError if a non-empty mask/weights vector does not have one entry per link, or a
// weight is not positive and finite. Every path algorithm calls this first.
void ValidateLinkState(const Graph& g, const LinkMask& mask, const LinkWeights& weights);

inline bool
IsUp(const LinkMask& mask, uint32_t link)
{
    return mask.empty() || mask[link];
}
inline double
WeightOf(const LinkWeights& w, uint32_t link)
{
    return w.empty() ? 1.0 : w[link];
}

} // namespace ofab::topo

#endif
