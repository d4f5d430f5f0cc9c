// Parameter checks shared by the generators (internal header): one place that words the errors.
#ifndef OFAB_TOPOLOGIES_GENERATOR_CHECKS_H
#define OFAB_TOPOLOGIES_GENERATOR_CHECKS_H

#include <cmath>
#include <string>

#include "ofab/topologies/topology-error.h"

namespace ofab::topo::detail
{

inline void
RequireAtLeast(const char* kind, const std::string& param, long long value, long long min)
{
    if (value < min)
    {
        throw TopologyError(std::string(kind) + ": " + param + " must be >= " + std::to_string(min) + ", got " +
                            std::to_string(value));
    }
}

inline void
RequireLength(const char* kind, const char* param, double metres)
{
    if (!std::isfinite(metres) || metres < 0.0)
    {
        throw TopologyError(std::string(kind) + ": " + param + " must be finite and >= 0 m, got " +
                            std::to_string(metres));
    }
}

inline void
RequireNodeBudget(const char* kind, long long nodes, long long limit)
{
    if (nodes > limit)
    {
        throw TopologyError(std::string(kind) + ": " + std::to_string(nodes) +
                            " nodes is more than the generator limit of " + std::to_string(limit));
    }
}

} // namespace ofab::topo::detail

#endif
