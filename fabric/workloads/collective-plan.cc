#include "ofab/fabric/workloads/collective-plan.h"

#include <algorithm>
#include <cmath>

namespace ofab
{

namespace
{

constexpr uint64_t kBeatBytes = 64;   ///< WriteFull granularity
constexpr uint64_t kWriteBytes = 256; ///< a write's size: the UALink maximum request

uint32_t
Log2(uint32_t n)
{
    uint32_t l = 0;
    while ((1u << l) < n)
    {
        ++l;
    }
    return l;
}

uint64_t
RoundUpToBeats(uint64_t b)
{
    return (b + kBeatBytes - 1) / kBeatBytes * kBeatBytes;
}

} // namespace

const char*
CollectiveAlgorithms::AlgorithmName(Algorithm a)
{
    switch (a)
    {
    case RING_ALLREDUCE:
        return "ring_allreduce";
    case HALVING_DOUBLING_ALLREDUCE:
        return "halving_doubling_allreduce";
    case ALLGATHER:
        return "allgather";
    case REDUCE_SCATTER:
        return "reduce_scatter";
    case ALLTOALL:
        return "alltoall";
    case BROADCAST:
        return "broadcast";
    case REDUCE:
        return "reduce";
    case TORUS_2D_ALLREDUCE:
        return "torus2d_allreduce";
    case SEND:
        return "send";
    case ALLTOALLV:
        return "alltoallv";
    case GATHER:
        return "gather";
    case SCATTER:
        return "scatter";
    }
    return "?";
}

double
CollectiveAlgorithms::BusFactor(Algorithm a, uint32_t n)
{
    const double f = n == 0 ? 0.0 : double(n - 1) / n;
    switch (a)
    {
    case RING_ALLREDUCE:
    case HALVING_DOUBLING_ALLREDUCE:
    case TORUS_2D_ALLREDUCE:
        return 2 * f;
    case ALLGATHER:
    case REDUCE_SCATTER:
    case ALLTOALL:
    case ALLTOALLV:
    case GATHER:
    case SCATTER:
        return f;
    case BROADCAST:
    case REDUCE:
    case SEND:
        return 1.0;
    }
    return 1.0;
}

CollectivePlan::CollectivePlan(CollectiveAlgorithms::Algorithm algorithm, uint32_t ranks, uint64_t bytes, uint32_t root,
                               uint32_t chunks, uint32_t columns, double skew, RingPipeline pipeline)
    : m_algorithm(algorithm),
      m_ranks(ranks),
      m_bytes(bytes)
{
    const uint32_t n = ranks;
    const uint64_t chunk = RoundUpToBeats((bytes + n - 1) / n);
    auto fill = [this](std::size_t steps, uint64_t each) {
        m_stepBytes.assign(steps, each);
        m_target.assign(std::size_t{m_ranks} * steps, kNone);
    };
    switch (algorithm)
    {
    case CollectiveAlgorithms::RING_ALLREDUCE:
    case CollectiveAlgorithms::ALLGATHER:
    case CollectiveAlgorithms::REDUCE_SCATTER:
        Ring(chunk, pipeline);
        break;
    case CollectiveAlgorithms::ALLTOALL:
        fill(n - 1, chunk);
        for (uint32_t r = 0; r < n; ++r)
        {
            for (uint32_t s = 0; s < Steps(); ++s)
            {
                // Each step a permutation; after N-1 steps every ordered pair has met once.
                m_target[Index(r, s)] = static_cast<int32_t>((r + s + 1) % n);
            }
        }
        break;
    case CollectiveAlgorithms::HALVING_DOUBLING_ALLREDUCE:
    {
        const uint32_t l = Log2(n);
        std::vector<uint64_t> sizes;
        for (uint32_t k = 0; k < l; ++k) // halving: S/2, S/4, ..., S/N
        {
            sizes.push_back(RoundUpToBeats((bytes + (uint64_t{2} << k) - 1) >> (k + 1)));
        }
        fill(2 * l, 0);
        for (uint32_t s = 0; s < 2 * l; ++s) // doubling: the same sizes and partners in reverse
        {
            const uint32_t k = s < l ? s : 2 * l - 1 - s;
            m_stepBytes[s] = sizes[k];
            for (uint32_t r = 0; r < n; ++r)
            {
                m_target[Index(r, s)] = static_cast<int32_t>(r ^ (1u << k));
            }
        }
        break;
    }
    case CollectiveAlgorithms::BROADCAST:
        Chain(root, chunks, false);
        break;
    case CollectiveAlgorithms::REDUCE:
        Chain(root, chunks, true);
        break;
    case CollectiveAlgorithms::TORUS_2D_ALLREDUCE:
        Grid(columns == 0 ? GridColumns(n) : columns);
        break;
    case CollectiveAlgorithms::SEND:
        fill(1, RoundUpToBeats(bytes));
        m_target[Index(0, 0)] = 1;
        break;
    case CollectiveAlgorithms::ALLTOALLV:
        AllToAllV(skew);
        break;
    case CollectiveAlgorithms::GATHER:
        fill(1, chunk);
        for (uint32_t r = 0; r < n; ++r)
        {
            m_target[Index(r, 0)] = r == root ? kNone : static_cast<int32_t>(root);
        }
        break;
    case CollectiveAlgorithms::SCATTER:
        fill(n - 1, chunk);
        for (uint32_t s = 0; s + 1 < n; ++s)
        {
            m_target[Index(root, s)] = static_cast<int32_t>((root + s + 1) % n);
        }
        break;
    }
    m_expectedIn.assign(m_target.size(), 0);
    for (uint32_t r = 0; r < n; ++r)
    {
        for (uint32_t s = 0; s < Steps(); ++s)
        {
            if (Target(r, s) != kNone)
            {
                m_expectedIn[Index(static_cast<uint32_t>(Target(r, s)), s)] += Writes(r, s);
            }
        }
    }
}

void
CollectivePlan::Chain(uint32_t root, uint32_t chunks, bool intoRoot)
{
    // The chain visits the ranks in order from its first (the root, or the one after the root when
    // the chain ends there); the rank p places along forwards chunk s - p in step s, so chunk c
    // leaves the first rank in step c and reaches the last N - 1 steps later.
    const uint32_t n = m_ranks;
    const uint32_t first = intoRoot ? (root + 1) % n : root;
    const uint64_t chunk = RoundUpToBeats((m_bytes + chunks - 1) / chunks);
    const uint32_t steps = chunks + n - 2;
    m_stepBytes.assign(steps, chunk);
    m_target.assign(std::size_t{n} * steps, kNone);
    for (uint32_t p = 0; p + 1 < n; ++p)
    {
        const uint32_t rank = (first + p) % n;
        for (uint32_t c = 0; c < chunks; ++c)
        {
            m_target[Index(rank, p + c)] = static_cast<int32_t>((first + p + 1) % n);
        }
    }
}

void
CollectivePlan::Ring(uint64_t chunk, RingPipeline pipeline)
{
    const uint32_t n = m_ranks;
    const uint32_t ringSteps = m_algorithm == CollectiveAlgorithms::RING_ALLREDUCE ? 2 * (n - 1) : n - 1;
    const uint64_t writes = (chunk + kWriteBytes - 1) / kWriteBytes;
    if (pipeline.sliceBytes > 0)
    {
        // At most one slice per write: a smaller slice would only add empty sub-steps.
        m_slices = static_cast<uint32_t>(std::min(writes, (chunk + pipeline.sliceBytes - 1) / pipeline.sliceBytes));
        m_inFlight = std::max<uint32_t>(1, pipeline.inFlight);
    }
    // Slices of whole writes (slice k: writes [k w / P, (k + 1) w / P) of the chunk's w, so each has
    // at least one and they differ by one at most), the last taking the short last write.
    m_stepBytes.clear();
    for (uint32_t s = 0; s < ringSteps; ++s)
    {
        for (uint64_t k = 0; k < m_slices; ++k)
        {
            const uint64_t from = k * writes / m_slices * kWriteBytes;
            const uint64_t to = std::min(chunk, (k + 1) * writes / m_slices * kWriteBytes);
            m_stepBytes.push_back(to - from);
        }
    }
    m_target.assign(std::size_t{n} * Steps(), kNone);
    for (uint32_t r = 0; r < n; ++r)
    {
        for (uint32_t s = 0; s < Steps(); ++s)
        {
            m_target[Index(r, s)] = static_cast<int32_t>((r + 1) % n);
        }
    }
}

uint32_t
CollectivePlan::GridColumns(uint32_t ranks)
{
    uint32_t c = 1;
    while (c * c < ranks)
    {
        ++c;
    }
    while (ranks % c != 0)
    {
        ++c;
    }
    return c;
}

void
CollectivePlan::Grid(uint32_t columns)
{
    const uint32_t c = columns;
    const uint32_t r = m_ranks / c;
    const uint64_t rowShard = RoundUpToBeats((m_bytes + c - 1) / c);
    const uint64_t columnShard = RoundUpToBeats((rowShard + r - 1) / r);
    // Steps: C-1 along the row, 2(R-1) along the column, C-1 along the row again.
    std::vector<bool> alongRow;
    auto add = [&](uint32_t count, uint64_t bytes, bool row) {
        for (uint32_t s = 0; s < count; ++s)
        {
            m_stepBytes.push_back(bytes);
            alongRow.push_back(row);
        }
    };
    add(c - 1, rowShard, true);
    add(2 * (r - 1), columnShard, false);
    add(c - 1, rowShard, true);
    m_target.assign(std::size_t{m_ranks} * m_stepBytes.size(), kNone);
    for (uint32_t rank = 0; rank < m_ranks; ++rank)
    {
        const uint32_t row = rank / c;
        const uint32_t col = rank % c;
        for (uint32_t s = 0; s < Steps(); ++s)
        {
            m_target[Index(rank, s)] =
                static_cast<int32_t>(alongRow[s] ? row * c + (col + 1) % c : ((row + 1) % r) * c + col);
        }
    }
}

std::vector<std::vector<uint64_t>>
CollectivePlan::AllToAllVSizes(uint32_t ranks, uint64_t bytes, double skew)
{
    std::vector<double> weight(ranks);
    double sum = 0;
    for (uint32_t k = 0; k < ranks; ++k)
    {
        weight[k] = std::pow(double(k + 1), -std::abs(skew));
        sum += weight[k];
    }
    std::vector<std::vector<uint64_t>> m(ranks, std::vector<uint64_t>(ranks, 0));
    for (uint32_t r = 0; r < ranks; ++r)
    {
        for (uint32_t j = 0; j < ranks; ++j)
        {
            if (j != r)
            {
                const double share = double(bytes) * weight[skew >= 0 ? j : r] / sum;
                m[r][j] = RoundUpToBeats(static_cast<uint64_t>(std::llround(share)));
            }
        }
    }
    return m;
}

void
CollectivePlan::AllToAllV(double skew)
{
    const uint32_t n = m_ranks;
    const auto sizes = AllToAllVSizes(n, m_bytes, skew);
    const uint32_t steps = n - 1;
    m_stepBytes.assign(steps, 0);
    m_rankBytes.assign(std::size_t{n} * steps, 0);
    m_target.assign(std::size_t{n} * steps, kNone);
    for (uint32_t r = 0; r < n; ++r)
    {
        for (uint32_t s = 0; s < steps; ++s)
        {
            const uint32_t to = (r + s + 1) % n;
            if (sizes[r][to] > 0)
            {
                m_target[Index(r, s)] = static_cast<int32_t>(to);
                m_rankBytes[Index(r, s)] = sizes[r][to];
                m_stepBytes[s] = std::max(m_stepBytes[s], sizes[r][to]);
            }
        }
    }
}

uint32_t
CollectivePlan::Writes(uint32_t rank, uint32_t step) const
{
    return static_cast<uint32_t>((Bytes(rank, step) + kWriteBytes - 1) / kWriteBytes);
}

} // namespace ofab
