// Spectral figures of the cable graph (transit flags ignored): the Laplacian, its second-smallest
// eigenvalue (algebraic connectivity, 0 iff the up links leave the graph disconnected) and the
// matching Fiedler vector used to seed the bisection estimate. Parallel links add up: a pair
// joined by two links has Laplacian weight 2.
#ifndef OFAB_TOPOLOGIES_SPECTRAL_H
#define OFAB_TOPOLOGIES_SPECTRAL_H

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <cstddef>
#include <cstdint>

#include "ofab/topologies/graph.h"

namespace ofab::topo
{

enum class SpectralMethod
{
    Auto,    // Dense up to kDenseSpectralLimit nodes, Lanczos above
    Dense,   // Eigen::SelfAdjointEigenSolver on the full matrix: exact, O(N^3) time, O(N^2) memory
    Lanczos, // restarted Lanczos on the sparse Laplacian, O(iterations * (L + N*m)) time
};

// Above this node count Auto switches to Lanczos. Measured: a dense solve with eigenvectors takes
// 0.6 s at 1000 nodes and 7.5 s at 2000 (O(N^3)), while restarted Lanczos handles a 32^3 torus in
// 0.6 s and even a 3000-node ring (tiny spectral gap) in 3 s.
inline constexpr std::size_t kDenseSpectralLimit = 1024;

struct FiedlerResult
{
    double lambda2 = 0.0;
    Eigen::VectorXd vector; // unit norm, orthogonal to the all-ones vector
    bool converged = true;  // false when Lanczos hit its iteration cap (tiny spectral gap)
    SpectralMethod method = SpectralMethod::Dense;
};

Eigen::SparseMatrix<double> Laplacian(const Graph& g, const LinkMask& mask = {});
// Throws TopologyError for graphs with fewer than 2 nodes.
FiedlerResult Fiedler(const Graph& g, const LinkMask& mask = {}, SpectralMethod method = SpectralMethod::Auto);
double AlgebraicConnectivity(const Graph& g, const LinkMask& mask = {}, SpectralMethod method = SpectralMethod::Auto);

namespace detail
{
// The Lanczos path with a chosen start vector: different seeds land on different directions of
// a degenerate lambda2 eigenspace (mask already validated, >= 2 nodes).
FiedlerResult LanczosFiedler(const Graph& g, const LinkMask& mask, uint64_t seed);
// Dense path only: eigenvectors of the lowest non-trivial eigenvalues (columns, ascending), used
// by the bisection to try several directions when lambda2 is degenerate (tori).
Eigen::MatrixXd LowEigenvectors(const Graph& g, const LinkMask& mask, int maxCount, Eigen::VectorXd* eigenvalues);
} // namespace detail

} // namespace ofab::topo

#endif
