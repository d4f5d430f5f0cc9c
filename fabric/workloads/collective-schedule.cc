#include "ofab/fabric/workloads/collective-workload.h"

#include "ofab/foundation/parameter-error.h"

#include <string>

// What a CollectiveWorkload's attributes mean: their checks, and each algorithm's steps (how many,
// how many bytes each, to which partner). The run itself is in collective-workload.cc.

namespace ofab
{

namespace
{

constexpr uint64_t kBeatBytes = 64; ///< WriteFull granularity

bool
IsPowerOfTwo(uint32_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

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
CollectiveWorkload::AlgorithmName(Algorithm a)
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
    }
    return "?";
}

double
CollectiveWorkload::BusFactor(Algorithm a, uint32_t n)
{
    // nccl-tests (doc/PERFORMANCE.md): all-reduce 2(n-1)/n; allgather, reduce-scatter and alltoall (n-1)/n.
    const double f = n == 0 ? 0.0 : double(n - 1) / n;
    return a == RING_ALLREDUCE || a == HALVING_DOUBLING_ALLREDUCE ? 2 * f : f;
}

void
CollectiveWorkload::Validate() const
{
    Workload::Validate();
    if (m_algorithm < RING_ALLREDUCE || m_algorithm > ALLTOALL)
    {
        throw ParameterError("Algorithm", "unknown collective algorithm");
    }
    if (m_bytes == 0)
    {
        throw ParameterError("Bytes", "a collective moves at least 1 B");
    }
    if (m_repetitions == 0)
    {
        throw ParameterError("Repetitions", "at least 1");
    }
    if (m_gap.IsStrictlyNegative())
    {
        throw ParameterError("Gap", "must be a time >= 0");
    }
    if (m_ranksAttr == 1)
    {
        throw ParameterError("Ranks", "a collective needs at least 2 ranks (0 = all accelerators)");
    }
    if (m_algorithm == HALVING_DOUBLING_ALLREDUCE && m_ranksAttr != 0 && !IsPowerOfTwo(m_ranksAttr))
    {
        throw ParameterError("Ranks", "halving_doubling_allreduce needs a power-of-two rank count, got " +
                                          std::to_string(m_ranksAttr));
    }
    if (m_trafficClass > 1)
    {
        throw ParameterError("TrafficClass", "0 or 1, got " + std::to_string(m_trafficClass));
    }
}

void
CollectiveWorkload::ValidateFor(const WorkloadContext& ctx) const
{
    Workload::ValidateFor(ctx);
    const auto n =
        static_cast<uint32_t>(ctx.rankAccelerators.empty() ? ctx.endpoints.size() : ctx.rankAccelerators.size());
    if (m_ranksAttr > n)
    {
        throw ParameterError("Ranks", std::to_string(m_ranksAttr) + " ranks on a fabric of " + std::to_string(n) +
                                          (ctx.rankAccelerators.empty() ? " accelerators" : " usable accelerators"));
    }
    const uint32_t ranks = m_ranksAttr == 0 ? n : m_ranksAttr;
    if (m_algorithm == HALVING_DOUBLING_ALLREDUCE && !IsPowerOfTwo(ranks))
    {
        throw ParameterError("Ranks", "halving_doubling_allreduce needs a power-of-two rank count, got " +
                                          std::to_string(ranks) + " (all accelerators)");
    }
}

void
CollectiveWorkload::BuildSchedule()
{
    const uint32_t n = m_ranks;
    m_stepBytes.clear();
    const uint64_t chunk = RoundUpToBeats((m_bytes + n - 1) / n);
    switch (m_algorithm)
    {
    case RING_ALLREDUCE:
        m_stepBytes.assign(2 * (n - 1), chunk);
        break;
    case ALLGATHER:
    case REDUCE_SCATTER:
    case ALLTOALL:
        m_stepBytes.assign(n - 1, chunk);
        break;
    case HALVING_DOUBLING_ALLREDUCE:
    {
        const uint32_t l = Log2(n);
        for (uint32_t k = 0; k < l; ++k) // halving: S/2, S/4, ..., S/N
        {
            m_stepBytes.push_back(RoundUpToBeats((m_bytes + (uint64_t{2} << k) - 1) >> (k + 1)));
        }
        for (uint32_t k = 0; k < l; ++k) // doubling: the same sizes in reverse
        {
            m_stepBytes.push_back(m_stepBytes[l - 1 - k]);
        }
        break;
    }
    }
}

uint32_t
CollectiveWorkload::Partner(uint32_t rank, uint32_t step) const
{
    if (m_algorithm == ALLTOALL)
    {
        // Pairwise exchange: every step is a permutation (each rank sends to one and receives from
        // one), the step rule's "one sender per rank and step" holds, and after N-1 steps every
        // ordered pair has met once.
        return (rank + step + 1) % m_ranks;
    }
    if (m_algorithm != HALVING_DOUBLING_ALLREDUCE)
    {
        return (rank + 1) % m_ranks;
    }
    const uint32_t l = Log2(m_ranks);
    const uint32_t k = step < l ? step : 2 * l - 1 - step;
    return rank ^ (1u << k);
}

uint32_t
CollectiveWorkload::Writes(uint32_t step) const
{
    return static_cast<uint32_t>((m_stepBytes[step] + kWriteBytes - 1) / kWriteBytes);
}

} // namespace ofab
