#include "ofab/fabric/workloads/collective-workload.h"

#include "ofab/foundation/parameter-error.h"

#include <string>

// A CollectiveWorkload's attribute checks (the algorithms' steps are in collective-plan.cc, the
// run in collective-operation.cc and collective-workload.cc).

namespace ofab
{

namespace
{

bool
IsPowerOfTwo(uint32_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

} // namespace

void
CollectiveWorkload::Validate() const
{
    Workload::Validate();
    if (m_algorithm < RING_ALLREDUCE || m_algorithm > SCATTER || m_algorithm == SEND)
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
    if (HasRoot(static_cast<Algorithm>(m_algorithm)) && m_ranksAttr != 0 && m_root >= m_ranksAttr)
    {
        throw ParameterError("Root", "rank " + std::to_string(m_root) + " of " + std::to_string(m_ranksAttr) +
                                         " ranks (0 .. " + std::to_string(m_ranksAttr - 1) + ")");
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
    if (m_algorithm == TORUS_2D_ALLREDUCE && m_gridColumns != 0 && ranks % m_gridColumns != 0)
    {
        throw ParameterError("GridColumns", std::to_string(m_gridColumns) + " does not divide the " +
                                                std::to_string(ranks) + " ranks into rows");
    }
    if (HasRoot(static_cast<Algorithm>(m_algorithm)) && m_root >= ranks)
    {
        throw ParameterError("Root", "rank " + std::to_string(m_root) + " of " + std::to_string(ranks) + " ranks");
    }
    if (m_algorithm == HALVING_DOUBLING_ALLREDUCE && !IsPowerOfTwo(ranks))
    {
        throw ParameterError("Ranks", "halving_doubling_allreduce needs a power-of-two rank count, got " +
                                          std::to_string(ranks) + " (all accelerators)");
    }
}

} // namespace ofab
