// Optical circuit switch (OCS) fabrics of accelerator cubes, the TPU v4 pattern: the pure-graph part.
//
// `cubes` identical cubes, each an X x Y x Z mesh of accelerators joined by fixed links ("cube"
// links; no wrap inside a cube). Every accelerator on a cube face has one port to an OCS per face it
// lies on, and there is one OCS per (axis a, face position (u, v)), (u, v) being the coordinates of
// the other two axes in increasing axis order: axis x has Y*Z OCSes at (y, z), axis y X*Z at (x, z),
// axis z X*Y at (x, y). OCS ids run axis x first, then y, then z, u fastest inside an axis:
// ocs = offset(a) + u + dims(first other axis) * v, offsets 0, Y*Z, Y*Z + X*Z.
// OCS (a, u, v) has 2 * cubes ports: port 2c is cube c's "-" face (coordinate 0 along a), port
// 2c + 1 its "+" face (coordinate dims[a] - 1 along a).
//
// A slice is a torus of SX x SY x SZ cubes. A configuration lists the cubes filling its positions
// (position = cx + SX * (cy + SY * cz)); along each axis the "+" face of the cube at a position meets
// the "-" face of the cube at the next position, wrapping (one cube along an axis meets itself: the
// torus wrap). The slice is then an (X*SX) x (Y*SY) x (Z*SZ) torus. Every circuit any configuration
// lights is one graph link, so the graph holds every cable a controller may switch between and a
// configuration is a set of lit links (a LinkMask, SliceMask).
#ifndef OFAB_TOPOLOGIES_OCS_CUBES_H
#define OFAB_TOPOLOGIES_OCS_CUBES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

struct OcsCubesSpec
{
    std::vector<int> cubeDims;   // {X, Y, Z}, each >= 2
    int cubes = 0;               // physical cubes, spares included
    std::vector<int> sliceCubes; // {SX, SY, SZ}, each >= 1, product <= cubes
    // [0] = the initial slice; each lists product(sliceCubes) distinct cube ids.
    std::vector<std::vector<int>> configurations;
    double cubeLinkLengthM = 1.0; // fixed links inside a cube
    double circuitLengthM = 10.0; // fibre of one circuit: face port -> OCS -> face port
};

struct OcsPort
{
    uint32_t ocs = 0;
    uint32_t port = 0;
};

// A candidate circuit = one graph link (class "ocs"): a is the "+" face port, b the "-" face port.
struct OcsCircuit
{
    uint32_t link = 0;
    OcsPort a, b;
};

struct OcsConfiguration
{
    std::vector<int> cubes;         // as given
    std::vector<uint32_t> circuits; // graph link ids lit in this configuration (sorted)
    // Per OCS: its connected port pairs, each (lower port, higher port), sorted.
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> crossConnects;
};

// The slice of one configuration as a plain torus, for dimension-order routing and analysis.
struct SliceView
{
    // Torus({X*SX, Y*SY, Z*SZ}, 1.0) from generators.h, so DimensionOrderRouter accepts it.
    Graph torus;
    std::vector<uint32_t> node; // torus node id -> graph node id
    std::vector<uint32_t> link; // torus link id -> graph link id (a cube link or a lit circuit)
};

struct OcsCubes
{
    std::vector<int> cubeDims;   // as in the spec: the views and port names need them
    std::vector<int> sliceCubes; // as in the spec
    Graph graph;
    uint32_t ocsCount = 0;
    uint32_t portsPerOcs = 0;         // 2 * cubes
    std::vector<OcsCircuit> circuits; // every candidate circuit, by graph link order
    std::vector<OcsConfiguration> configurations;
    // Throws TopologyError for a configuration index out of range.
    SliceView View(std::size_t configuration) const;
    // The index of the configuration whose slice positions hold exactly `cubes`, in that order;
    // configurations.size() when none was declared.
    std::size_t Find(const std::vector<int>& cubes) const;
    // e.g. "ocs x(1,2) port 3 (cube 1 + face)"; throws TopologyError for an OCS or port out of range.
    std::string PortName(OcsPort p) const;
};

// The graph (kind "ocs-cubes", every accelerator transit):
// - accelerators cube-major, x fastest inside a cube: id = c * X*Y*Z + x + X * (y + Y * z), named
//   "c<cube>(x,y,z)", coord {cube, x, y, z};
// - per cube the mesh links, class "cube", dimension = axis, b = a's "+" neighbour;
// - then the union of all configurations' circuits (the same OCS port pair in two configurations is
//   one link), class "ocs", dimension = axis, wrap = false (the dateline belongs to a slice view, not
//   to a cable), a = the "+" face accelerator, b = the "-" face one, in the order: configuration,
//   axis, slice position, OCS. A face accelerator may thus have several candidate circuits on one
//   face; a configuration lights one of them.
// Ports: cube links first in torus order (+x, -x, +y, -y, +z, -z, absent ones skipped), then the
// circuits in link order. Throws TopologyError naming the bad field.
OcsCubes BuildOcsCubes(const OcsCubesSpec& spec);

// The initial configuration plus, for every slice position and every spare cube (a cube not in the
// initial slice), the configuration with that spare in that position: what a rewiring controller may
// need. Position-major, spares ascending: 1 + positions * spares configurations.
std::vector<std::vector<int>> WithSingleSpareSwaps(const std::vector<int>& initial, int cubes);

// True for the cube links of the cubes in the slice and for the configuration's circuits: the links
// a slice may use. Throws TopologyError for a configuration index out of range.
LinkMask SliceMask(const OcsCubes& fabric, std::size_t configuration);

// Whether the up links of `mask` join all of `accelerators` (one BFS from the first; the path may
// pass through any node, as connectivity counts cables, not routes). Lets the fabric refuse an OCS
// map that leaves a slice in pieces. True for an empty list.
bool SliceConnected(const Graph& g, const std::vector<uint32_t>& accelerators, const LinkMask& mask);

} // namespace ofab::topo

#endif
