// Bisection width: the fewest links whose removal splits the accelerators into two halves
// (floor(A/2) and ceil(A/2)); switches may sit on either side. Exact minimum bisection is
// NP-hard, so EstimateBisection is an upper bound from a spectral split refined by
// Fiduccia-Mattheyses passes; the closed forms below are the reference for grids.
#ifndef OFAB_TOPOLOGIES_BISECTION_H
#define OFAB_TOPOLOGIES_BISECTION_H

#include <cstdint>
#include <vector>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

struct Bisection
{
    uint64_t cutLinks = 0;
    std::vector<uint8_t> side; // 0 or 1 per node
    bool fromGridCut = false;  // the best split was seeded by a grid coordinate, not a spectrum
};

struct BisectionOptions
{
    // On graphs with a grid shape also try the straight cut through each dimension. Tori have a
    // highly degenerate lambda2, and on large ones (past the dense limit) a single Lanczos direction
    // is often diagonal; FM refinement cannot straighten a diagonal cut of a 64x64 torus.
    bool useGridCoordinates = true;
};

// Candidate splits: several directions of the lowest eigenspace (all eigenvectors of the lowest
// cluster and fixed mixes of them on the dense path, four Lanczos starts above
// kDenseSpectralLimit nodes) plus, optionally, grid coordinates. Each is split at the median
// accelerator and refined by Fiduccia-Mattheyses passes; the smallest cut wins. Needs >= 2
// accelerators.
Bisection EstimateBisection(const Graph& g, const LinkMask& mask = {}, const BisectionOptions& options = {});

// Links crossing the straight cut through the largest dimension of a torus: 2 * N / k_max, which
// for a k-ary n-cube with even k is the textbook 2 k^(n-1) (Dally & Towles, ch. 5). Needs k_max
// even: with an odd largest dimension the straight cut is not balanced and the closed form fails.
uint64_t TorusBisectionLinks(const std::vector<int>& dims);
// Same for a mesh: N / k_max links, k_max even.
uint64_t MeshBisectionLinks(const std::vector<int>& dims);

} // namespace ofab::topo

#endif
