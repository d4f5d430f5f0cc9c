#include "ofab/topologies/bisection.h"

#include <algorithm>
#include <queue>
#include <string>
#include <utility>

#include "ofab/topologies/spectral.h"

namespace ofab::topo
{
namespace
{

// Fiduccia-Mattheyses with a balance constraint on accelerators only.
class Refiner
{
  public:
    Refiner(const Graph& g, const LinkMask& mask)
        : m_g(g),
          m_mask(mask),
          m_total(static_cast<long>(g.NumAccelerators()))
    {
    }

    uint64_t Cut(const std::vector<uint8_t>& side) const
    {
        uint64_t cut = 0;
        for (const Link& l : m_g.GetLinks())
        {
            cut += IsUp(m_mask, l.id) && side[l.a] != side[l.b];
        }
        return cut;
    }

    // Runs passes until one brings no improvement; side must start balanced.
    uint64_t Refine(std::vector<uint8_t>& side, int maxPasses = 30) const
    {
        uint64_t cut = Cut(side);
        for (int pass = 0; pass < maxPasses; ++pass)
        {
            const uint64_t after = Pass(side, cut);
            if (after >= cut)
            {
                break;
            }
            cut = after;
        }
        return cut;
    }

  private:
    bool IsAcc(uint32_t v) const { return m_g.GetNode(v).role == NodeRole::Accelerator; }

    uint64_t Pass(std::vector<uint8_t>& side, uint64_t startCut) const
    {
        const std::size_t n = m_g.NumNodes();
        std::vector<long> gain(n, 0);
        for (uint32_t v = 0; v < n; ++v)
        {
            for (const Adjacency& e : m_g.GetNeighbours(v))
            {
                if (IsUp(m_mask, e.link))
                {
                    gain[v] += side[e.neighbour] != side[v] ? 1 : -1;
                }
            }
        }
        long acc0 = 0;
        for (uint32_t a : m_g.GetAccelerators())
        {
            acc0 += side[a] == 0;
        }
        const long lo = m_total / 2, hi = (m_total + 1) / 2; // balanced: acc0 in [lo, hi]

        // Lazy max-heaps per (side, role): stale entries are skipped when their gain changed.
        using Item = std::pair<long, uint32_t>;
        std::priority_queue<Item> heap[2][2];
        for (uint32_t v = 0; v < n; ++v)
        {
            heap[side[v]][IsAcc(v)].emplace(gain[v], v);
        }
        std::vector<bool> locked(n, false);
        std::vector<uint32_t> moves;
        long cut = static_cast<long>(startCut), bestCut = cut;
        std::size_t bestPrefix = 0;

        while (true)
        {
            int bestS = -1, bestR = -1;
            for (int s = 0; s < 2; ++s)
            {
                for (int r = 0; r < 2; ++r)
                {
                    auto& h = heap[s][r];
                    while (!h.empty() && (locked[h.top().second] || gain[h.top().second] != h.top().first ||
                                          side[h.top().second] != s))
                    {
                        h.pop();
                    }
                    if (h.empty())
                    {
                        continue;
                    }
                    // Accelerator moves may stray one step outside the balanced band, never further.
                    if (r == 1)
                    {
                        const long after = acc0 + (s == 0 ? -1 : 1);
                        if (after < lo - 1 || after > hi + 1)
                        {
                            continue;
                        }
                    }
                    if (bestS < 0 || h.top().first > heap[bestS][bestR].top().first)
                    {
                        bestS = s;
                        bestR = r;
                    }
                }
            }
            if (bestS < 0)
            {
                break;
            }
            const uint32_t v = heap[bestS][bestR].top().second;
            heap[bestS][bestR].pop();
            locked[v] = true;
            cut -= gain[v];
            side[v] = static_cast<uint8_t>(1 - side[v]);
            if (bestR == 1)
            {
                acc0 += bestS == 0 ? -1 : 1;
            }
            gain[v] = -gain[v];
            for (const Adjacency& e : m_g.GetNeighbours(v))
            {
                const uint32_t u = e.neighbour;
                if (!IsUp(m_mask, e.link) || locked[u])
                {
                    continue;
                }
                gain[u] += side[u] == side[v] ? -2 : 2;
                heap[side[u]][IsAcc(u)].emplace(gain[u], u);
            }
            moves.push_back(v);
            if (acc0 >= lo && acc0 <= hi && cut < bestCut)
            {
                bestCut = cut;
                bestPrefix = moves.size();
            }
        }
        for (std::size_t i = moves.size(); i > bestPrefix; --i)
        {
            side[moves[i - 1]] = static_cast<uint8_t>(1 - side[moves[i - 1]]);
        }
        return static_cast<uint64_t>(bestCut);
    }

    const Graph& m_g;
    const LinkMask& m_mask;
    long m_total = 0;
};

// Lower half of the accelerators by value (ties by id) go to side 0; switches follow the
// threshold between the halves.
std::vector<uint8_t>
MedianSplit(const Graph& g, const Eigen::VectorXd& x)
{
    std::vector<uint32_t> acc = g.GetAccelerators();
    std::stable_sort(acc.begin(), acc.end(), [&](uint32_t a, uint32_t b) { return x[a] < x[b]; });
    std::vector<uint8_t> side(g.NumNodes(), 1);
    const std::size_t half = acc.size() / 2;
    for (std::size_t i = 0; i < half; ++i)
    {
        side[acc[i]] = 0;
    }
    const double threshold = 0.5 * (x[acc[half - 1]] + x[acc[half]]);
    for (uint32_t v = 0; v < g.NumNodes(); ++v)
    {
        if (g.GetNode(v).role == NodeRole::Switch)
        {
            side[v] = x[v] < threshold ? 0 : 1;
        }
    }
    return side;
}

uint64_t
Xorshift(uint64_t& s)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

uint64_t
StraightCut(const char* kind, const std::vector<int>& dims, uint64_t perRing)
{
    if (dims.empty())
    {
        throw TopologyError(std::string(kind) + " bisection: dims must not be empty");
    }
    uint64_t n = 1;
    int kmax = 0;
    for (std::size_t i = 0; i < dims.size(); ++i)
    {
        if (dims[i] < 2)
        {
            throw TopologyError(std::string(kind) + " bisection: every dimension needs k >= 2, got dims[" +
                                std::to_string(i) + "] = " + std::to_string(dims[i]));
        }
        n *= static_cast<uint64_t>(dims[i]);
        kmax = std::max(kmax, dims[i]);
    }
    if (kmax % 2 != 0)
    {
        throw TopologyError(
            std::string(kind) +
            " bisection: the closed form needs the largest dimension even, got k_max = " + std::to_string(kmax));
    }
    return perRing * n / static_cast<uint64_t>(kmax);
}

} // namespace

Bisection
EstimateBisection(const Graph& g, const LinkMask& mask, const BisectionOptions& options)
{
    ValidateLinkState(g, mask, {});
    if (g.NumAccelerators() < 2)
    {
        throw TopologyError("bisection: graph needs >= 2 accelerators, got " + std::to_string(g.NumAccelerators()));
    }
    // Candidate directions: on the dense path the eigenvectors of the 8 lowest non-trivial
    // eigenvalues plus fixed pseudo-random mixes of the lowest cluster (a torus has a 2n-fold
    // degenerate lambda2 and the solver returns an arbitrary basis of it); on the Lanczos path four
    // start vectors, which land on different directions of that eigenspace.
    std::vector<Eigen::VectorXd> candidates;
    if (g.NumNodes() <= kDenseSpectralLimit)
    {
        Eigen::VectorXd values;
        const Eigen::MatrixXd vecs = detail::LowEigenvectors(g, mask, 8, &values);
        Eigen::Index cluster = 1;
        while (cluster < values.size() && values[cluster] <= values[0] * (1.0 + 1e-6) + 1e-9)
        {
            ++cluster;
        }
        for (Eigen::Index i = 0; i < vecs.cols(); ++i)
        {
            candidates.push_back(vecs.col(i));
        }
        uint64_t s = 0x2545F4914F6CDD1Dull;
        for (int mix = 0; mix < (cluster > 1 ? 8 : 0); ++mix)
        {
            Eigen::VectorXd v = Eigen::VectorXd::Zero(vecs.rows());
            for (Eigen::Index i = 0; i < cluster; ++i)
            {
                v += (static_cast<double>(Xorshift(s) >> 11) / 9007199254740992.0 - 0.5) * vecs.col(i);
            }
            candidates.push_back(v);
        }
    }
    else
    {
        for (uint64_t seed = 0; seed < 4; ++seed)
        {
            candidates.push_back(detail::LanczosFiedler(g, mask, seed).vector);
        }
    }
    const std::size_t spectral = candidates.size();
    if (options.useGridCoordinates && g.GetGrid())
    {
        // Sorting by one coordinate and splitting at the median is the straight cut of that dimension.
        for (std::size_t d = 0; d < g.GetGrid()->dims.size(); ++d)
        {
            Eigen::VectorXd x(static_cast<Eigen::Index>(g.NumNodes()));
            for (const Node& v : g.GetNodes())
            {
                x[v.id] = v.coord.size() > d ? v.coord[d] : 0;
            }
            candidates.push_back(x);
        }
    }

    const Refiner refiner(g, mask);
    Bisection best;
    best.cutLinks = UINT64_MAX;
    for (std::size_t i = 0; i < candidates.size(); ++i)
    {
        std::vector<uint8_t> side = MedianSplit(g, candidates[i]);
        const uint64_t cut = refiner.Refine(side);
        if (cut < best.cutLinks)
        {
            best.cutLinks = cut;
            best.side = std::move(side);
            best.fromGridCut = i >= spectral;
        }
    }
    return best;
}

uint64_t
TorusBisectionLinks(const std::vector<int>& dims)
{
    return StraightCut("torus", dims, 2);
}

uint64_t
MeshBisectionLinks(const std::vector<int>& dims)
{
    return StraightCut("mesh", dims, 1);
}

} // namespace ofab::topo
