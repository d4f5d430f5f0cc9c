#include "ofab/topologies/spectral.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Eigenvalues>

namespace ofab::topo
{
namespace
{

void
RequireTwoNodes(const Graph& g)
{
    if (g.NumNodes() < 2)
    {
        throw TopologyError("algebraic connectivity: graph needs >= 2 nodes, got " + std::to_string(g.NumNodes()));
    }
}

Eigen::MatrixXd
DenseLaplacian(const Graph& g, const LinkMask& mask)
{
    const auto n = static_cast<Eigen::Index>(g.NumNodes());
    Eigen::MatrixXd L = Eigen::MatrixXd::Zero(n, n);
    for (const Link& l : g.GetLinks())
    {
        if (!IsUp(mask, l.id))
        {
            continue;
        }
        L(l.a, l.a) += 1.0;
        L(l.b, l.b) += 1.0;
        L(l.a, l.b) -= 1.0;
        L(l.b, l.a) -= 1.0;
    }
    return L;
}

// Deterministic start vector (no dependence on std:: distributions, which differ by library).
Eigen::VectorXd
StartVector(Eigen::Index n, uint64_t seed)
{
    Eigen::VectorXd v(n);
    uint64_t s = 0x9E3779B97F4A7C15ull ^ (seed * 0xD1B54A32D192ED03ull);
    for (Eigen::Index i = 0; i < n; ++i)
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v[i] = static_cast<double>(s >> 11) / 9007199254740992.0 - 0.5;
    }
    return v;
}

void
RemoveMean(Eigen::VectorXd& v)
{
    v.array() -= v.mean();
}

// Largest eigenpair of A = c*I - L on the complement of the all-ones vector, so that
// lambda2(L) = c - theta. c >= lambda_max(L) (Gershgorin: 2 * max degree) keeps A positive
// semi-definite and makes the wanted eigenvalue the largest, where Lanczos converges first.
//
// Thick-restarted Lanczos (Krylov-Schur flavour): the basis Q and W = A*Q are kept explicitly with
// full reorthogonalisation, the projected matrix is Q^T W, and a restart keeps the best half of
// the Ritz vectors plus the continuation vector, so the subspace stays a Krylov space. Plain
// single-vector restarts stall on graphs with tiny spectral gaps (long rings); this does not.
} // namespace

namespace detail
{
FiedlerResult
LanczosFiedler(const Graph& g, const LinkMask& mask, uint64_t seed)
{
    const Eigen::SparseMatrix<double> L = Laplacian(g, mask);
    const Eigen::Index n = L.rows();
    double maxDeg = 0.0;
    for (Eigen::Index i = 0; i < n; ++i)
    {
        maxDeg = std::max(maxDeg, L.coeff(i, i));
    }
    const double c = std::max(1.0, 2.0 * maxDeg);
    // Basis size: reorthogonalisation costs n*m^2 per cycle, keep that near 4e8 flops.
    const auto budget = static_cast<Eigen::Index>(std::sqrt(4e8 / static_cast<double>(n)));
    const Eigen::Index m = std::min<Eigen::Index>(n - 1, std::clamp<Eigen::Index>(budget, 20, 200));
    const Eigen::Index keep = std::max<Eigen::Index>(1, m / 2);
    const int maxCycles = 100; // bounds the cost on huge graphs; see FiedlerResult::converged
    const double tol = 1e-10 * c;

    Eigen::MatrixXd Q(n, m), W(n, m);
    Eigen::VectorXd q = StartVector(n, seed), w(n);
    RemoveMean(q);
    q.normalize();
    FiedlerResult r;
    r.method = SpectralMethod::Lanczos;
    r.converged = false;
    Eigen::Index kept = 0;
    for (int cycle = 0; cycle < maxCycles; ++cycle)
    {
        Eigen::Index used = kept;
        bool exhausted = false;
        while (used < m)
        {
            Q.col(used) = q;
            w.noalias() = c * q - L * q;
            RemoveMean(w);
            W.col(used) = w;
            ++used;
            // Next basis vector: the part of A*q outside the basis (twice is enough, Kahan-Parlett).
            for (int pass = 0; pass < 2; ++pass)
            {
                const Eigen::VectorXd coeff = Q.leftCols(used).transpose() * w;
                w.noalias() -= Q.leftCols(used) * coeff;
            }
            RemoveMean(w);
            const double norm = w.norm();
            if (norm <= 1e-12 * c)
            { // invariant subspace: its Ritz pairs are exact
                exhausted = true;
                break;
            }
            q = w / norm;
        }
        Eigen::MatrixXd H = Q.leftCols(used).transpose() * W.leftCols(used);
        H = 0.5 * (H + H.transpose()).eval();
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(H);
        const double theta = es.eigenvalues()[used - 1];
        const Eigen::VectorXd y = es.eigenvectors().col(used - 1);
        Eigen::VectorXd x = Q.leftCols(used) * y;
        const double residual = (W.leftCols(used) * y - theta * x).norm();
        RemoveMean(x);
        x.normalize();
        r.lambda2 = std::max(0.0, c - theta);
        r.vector = x;
        if (exhausted || residual <= tol)
        {
            r.converged = true;
            break;
        }
        // Thick restart: the best `keep` Ritz vectors become the new basis head; q continues it.
        kept = std::min(keep, used - 1);
        const Eigen::MatrixXd Y = es.eigenvectors().rightCols(kept);
        const Eigen::MatrixXd Qk = Q.leftCols(used) * Y;
        const Eigen::MatrixXd Wk = W.leftCols(used) * Y;
        Q.leftCols(kept) = Qk;
        W.leftCols(kept) = Wk;
    }
    return r;
}
} // namespace detail

Eigen::SparseMatrix<double>
Laplacian(const Graph& g, const LinkMask& mask)
{
    ValidateLinkState(g, mask, {});
    const auto n = static_cast<Eigen::Index>(g.NumNodes());
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(4 * g.NumLinks());
    for (const Link& l : g.GetLinks())
    {
        if (!IsUp(mask, l.id))
        {
            continue;
        }
        t.emplace_back(l.a, l.a, 1.0);
        t.emplace_back(l.b, l.b, 1.0);
        t.emplace_back(l.a, l.b, -1.0);
        t.emplace_back(l.b, l.a, -1.0);
    }
    Eigen::SparseMatrix<double> L(n, n);
    L.setFromTriplets(t.begin(), t.end()); // duplicates (parallel links) are summed
    return L;
}

FiedlerResult
Fiedler(const Graph& g, const LinkMask& mask, SpectralMethod method)
{
    RequireTwoNodes(g);
    ValidateLinkState(g, mask, {});
    if (method == SpectralMethod::Auto)
    {
        method = g.NumNodes() <= kDenseSpectralLimit ? SpectralMethod::Dense : SpectralMethod::Lanczos;
    }
    if (method == SpectralMethod::Lanczos)
    {
        return detail::LanczosFiedler(g, mask, 0);
    }
    Eigen::VectorXd values;
    const Eigen::MatrixXd vectors = detail::LowEigenvectors(g, mask, 1, &values);
    FiedlerResult r;
    r.lambda2 = std::max(0.0, values[0]);
    r.vector = vectors.col(0);
    r.method = SpectralMethod::Dense;
    return r;
}

double
AlgebraicConnectivity(const Graph& g, const LinkMask& mask, SpectralMethod method)
{
    RequireTwoNodes(g);
    ValidateLinkState(g, mask, {});
    if (method == SpectralMethod::Auto)
    {
        method = g.NumNodes() <= kDenseSpectralLimit ? SpectralMethod::Dense : SpectralMethod::Lanczos;
    }
    if (method == SpectralMethod::Lanczos)
    {
        return detail::LanczosFiedler(g, mask, 0).lambda2;
    }
    // Eigenvalues only: about three times faster than with vectors.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(DenseLaplacian(g, mask), Eigen::EigenvaluesOnly);
    return std::max(0.0, es.eigenvalues()[1]);
}

namespace detail
{

Eigen::MatrixXd
LowEigenvectors(const Graph& g, const LinkMask& mask, int maxCount, Eigen::VectorXd* eigenvalues)
{
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(DenseLaplacian(g, mask));
    const Eigen::Index n = static_cast<Eigen::Index>(g.NumNodes());
    const Eigen::Index count = std::min<Eigen::Index>(maxCount, n - 1);
    if (eigenvalues)
    {
        *eigenvalues = es.eigenvalues().segment(1, count);
    }
    return es.eigenvectors().middleCols(1, count);
}

} // namespace detail
} // namespace ofab::topo
