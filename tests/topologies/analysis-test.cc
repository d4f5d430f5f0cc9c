// Analysis against closed forms: diameters, average hops, algebraic connectivity, bisection.
#include <catch2/catch.hpp>

#include <cmath>

#include "ofab/topologies/analysis.h"
#include "ofab/topologies/generators.h"
#include "topology-test-util.h"

using namespace ofab::topo;

namespace
{
const double kPi = std::acos(-1.0);
double
RingLambda2(int n)
{
    return 2.0 * (1.0 - std::cos(2.0 * kPi / n));
}
} // namespace

TEST_CASE("torus diameter is sum floor(k_i/2), mesh diameter sum (k_i-1)", "[analysis]")
{
    for (const auto& dims : std::vector<std::vector<int>>{{4, 4}, {5, 3}, {4, 6, 3}, {2, 7}, {8}})
    {
        uint32_t torus = 0, mesh = 0;
        for (int k : dims)
        {
            torus += static_cast<uint32_t>(k / 2);
            mesh += static_cast<uint32_t>(k - 1);
        }
        CHECK(AcceleratorHopStats(Torus(dims)).diameter == torus);
        CHECK(AcceleratorHopStats(Mesh(dims)).diameter == mesh);
    }
}

// Average over distinct pairs of a k-ary n-cube, k even. In one ring the distances from a node to
// all k nodes (itself included) are 0,1,..,k/2,..,1 and sum to k^2/4, a mean of k/4; dimensions
// add independently, so the mean over all k^n destinations is n*k/4. Dropping the zero distance
// to itself rescales by k^n/(k^n - 1).
TEST_CASE("average hop count of an even k-ary n-cube is n*k/4 * k^n/(k^n-1)", "[analysis]")
{
    for (const auto& [k, n] : std::vector<std::pair<int, int>>{{4, 2}, {8, 2}, {6, 3}, {4, 3}, {10, 1}})
    {
        const double N = std::pow(k, n);
        const double expected = n * k / 4.0 * N / (N - 1.0);
        const HopStats s = AcceleratorHopStats(Torus(std::vector<int>(n, k)));
        INFO("k = " << k << ", n = " << n);
        CHECK(s.averageHops == Approx(expected).epsilon(1e-12));
        CHECK(s.reachablePairs == static_cast<uint64_t>(N * (N - 1)));
        CHECK(s.unreachablePairs == 0);
    }
}

TEST_CASE("diameters of full mesh, ring, switched pod, fat tree and dragonfly", "[analysis]")
{
    CHECK(AcceleratorHopStats(FullMesh(7)).diameter == 1);
    CHECK(AcceleratorHopStats(FullMesh(7)).averageHops == 1.0);
    CHECK(AcceleratorHopStats(Ring(11)).diameter == 5);
    // Pod: accelerator - switch - accelerator, access links counted.
    const HopStats pod = AcceleratorHopStats(SwitchedPod(64, 4, 64));
    CHECK(pod.diameter == 2);
    CHECK(pod.averageHops == 2.0);

    // Fat tree L leaves, H hosts each: same leaf 2 hops, other leaves 4 hops.
    const int L = 4, S = 2, H = 3;
    const HopStats ft = AcceleratorHopStats(FatTree(L, S, H));
    const double A = L * H;
    CHECK(ft.diameter == 4);
    CHECK(ft.averageHops == Approx((L * H * (H - 1) * 2.0 + L * H * (L - 1) * H * 4.0) / (A * (A - 1))));

    // Balanced dragonfly: router to router at most local + global + local = 3 hops; accelerator
    // to accelerator adds the two access links: 5.
    const Graph df = Dragonfly(4, 2, 2);
    std::vector<uint32_t> routers;
    for (const Node& v : df.GetNodes())
    {
        if (v.role == NodeRole::Switch)
        {
            routers.push_back(v.id);
        }
    }
    CHECK(HopStatsBetween(df, routers).diameter == 3);
    CHECK(AcceleratorHopStats(df).diameter == 5);
}

TEST_CASE("ring algebraic connectivity is 2(1-cos(2pi/n))", "[analysis][spectral]")
{
    for (int n : {3, 4, 10, 37, 100})
    {
        INFO("n = " << n);
        CHECK(AlgebraicConnectivity(Ring(n)) == Approx(RingLambda2(n)).epsilon(1e-9));
    }
}

TEST_CASE("complete graph algebraic connectivity is n (m*n with m parallel links)", "[analysis][spectral]")
{
    for (int n : {2, 5, 12})
    {
        CHECK(AlgebraicConnectivity(FullMesh(n)) == Approx(n).epsilon(1e-9));
        CHECK(AlgebraicConnectivity(FullMesh(n, 3)) == Approx(3.0 * n).epsilon(1e-9));
    }
}

TEST_CASE("torus lambda2 is set by the longest ring and Lanczos agrees", "[analysis][spectral]")
{
    // Cartesian product: Laplacian eigenvalues add, so lambda2 = min_i 2(1-cos(2pi/k_i)).
    const Graph t = Torus({6, 4, 3});
    CHECK(AlgebraicConnectivity(t, {}, SpectralMethod::Dense) == Approx(RingLambda2(6)).epsilon(1e-9));
    CHECK(AlgebraicConnectivity(t, {}, SpectralMethod::Lanczos) == Approx(RingLambda2(6)).epsilon(1e-8));
    const FiedlerResult f = Fiedler(t, {}, SpectralMethod::Lanczos);
    CHECK(f.converged);
    CHECK(f.vector.sum() == Approx(0.0).margin(1e-8));
    CHECK(f.vector.norm() == Approx(1.0));

    // 4096 nodes is above the dense limit: Auto takes the Lanczos path.
    const Graph big = Torus({16, 16, 16});
    const FiedlerResult fb = Fiedler(big);
    CHECK(fb.method == SpectralMethod::Lanczos);
    CHECK(fb.converged);
    CHECK(fb.lambda2 == Approx(RingLambda2(16)).epsilon(1e-8));
}

TEST_CASE("algebraic connectivity drops to 0 when the mask disconnects", "[analysis][spectral]")
{
    const Graph r = Ring(8);
    CHECK(AlgebraicConnectivity(r, MaskWithDown(r, {0})) > 0.0);
    CHECK(AlgebraicConnectivity(r, MaskWithDown(r, {0, 4})) == Approx(0.0).margin(1e-9));
    CHECK(AlgebraicConnectivity(r, MaskWithDown(r, {0, 4}), SpectralMethod::Lanczos) == Approx(0.0).margin(1e-8));
}

TEST_CASE("torus bisection: closed form 2k^(n-1) and spectral estimate agree", "[analysis][bisection]")
{
    CHECK(TorusBisectionLinks({4, 4}) == 8);
    CHECK(TorusBisectionLinks({8, 8}) == 16);
    CHECK(TorusBisectionLinks({4, 4, 4}) == 32);
    CHECK(TorusBisectionLinks({4, 8}) == 8); // cut across the longest dimension: 2N/k_max
    CHECK(MeshBisectionLinks({4, 4}) == 4);
    CHECK_THROWS_WITH(TorusBisectionLinks({4, 5}), Catch::Contains("largest dimension even"));

    for (const auto& dims : std::vector<std::vector<int>>{{4, 4}, {8, 8}, {6, 6}, {4, 4, 4}, {8}})
    {
        uint64_t k = dims[0], expected = 2;
        for (std::size_t i = 1; i < dims.size(); ++i)
        {
            expected *= k;
        }
        INFO("dims[0] = " << dims[0] << ", n = " << dims.size());
        REQUIRE(TorusBisectionLinks(dims) == expected);
        const Graph g = Torus(dims);
        // Spectral only: the grid coordinates must not be what finds the cut.
        const Bisection b = EstimateBisection(g, {}, BisectionOptions{false});
        CHECK(b.cutLinks == expected);
        CHECK_FALSE(b.fromGridCut);
        // The reported split is balanced and really cuts that many links.
        std::size_t side0 = 0;
        for (uint8_t s : b.side)
        {
            side0 += s == 0;
        }
        CHECK(side0 == g.NumNodes() / 2);
        uint64_t cut = 0;
        for (const Link& l : g.GetLinks())
        {
            cut += b.side[l.a] != b.side[l.b];
        }
        CHECK(cut == b.cutLinks);
    }
    CHECK(EstimateBisection(Mesh({6, 6}), {}, BisectionOptions{false}).cutLinks == MeshBisectionLinks({6, 6}));
}

TEST_CASE("large tori: the grid cut backs up the Lanczos direction", "[analysis][bisection]")
{
    // 2304 nodes, past the dense limit; 2 * 48 links cross the straight cut.
    const Graph g = Torus({48, 48});
    const Bisection b = EstimateBisection(g);
    CHECK(b.cutLinks == TorusBisectionLinks({48, 48}));
    // Without coordinates it is still a valid balanced cut, just possibly a worse one.
    const Bisection s = EstimateBisection(g, {}, BisectionOptions{false});
    CHECK(s.cutLinks >= b.cutLinks);
    std::size_t side0 = 0;
    for (uint8_t x : s.side)
    {
        side0 += x == 0;
    }
    CHECK(side0 == g.NumNodes() / 2);
}

TEST_CASE("bisection of switched topologies balances accelerators only", "[analysis][bisection]")
{
    // Pod: whichever side a plane switch takes, half of its N links cross: N/2 * planes.
    CHECK(EstimateBisection(SwitchedPod(16, 4, 16)).cutLinks == 8 * 4);
    // Fat tree: whole leaves on each side, every spine on one side: half the leaves cut all uplinks.
    CHECK(EstimateBisection(FatTree(4, 2, 3)).cutLinks == 2 * 2);
    CHECK(EstimateBisection(FatTree(8, 4, 4)).cutLinks == 4 * 4);
    // Full mesh: (n/2)^2 links cross any balanced split.
    CHECK(EstimateBisection(FullMesh(10)).cutLinks == 25);
    CHECK_THROWS_AS(EstimateBisection(SwitchedPod(2, 1, 2), LinkMask(3, true)), TopologyError);
}

TEST_CASE("counts by role and class", "[analysis]")
{
    const GraphCounts c = Count(SwitchedPod(8, 2, 8));
    CHECK(c.nodes == 10);
    CHECK(c.accelerators == 8);
    CHECK(c.switches == 2);
    CHECK(c.links == 16);
    CHECK(c.linksByClass.at("access") == 16);
}
