#ifndef OFAB_FABRIC_OBSERVE_FABRIC_FACTS_H
#define OFAB_FABRIC_OBSERVE_FABRIC_FACTS_H

#include "ofab/fabric/assembly/fabric.h"

#include <cstdint>
#include <optional>

namespace ofab
{

/**
 * What a fabric is and what its optics cost, as built (before any fault): the figures an architect
 * compares designs by. Capacities are per link direction; power is the optics' at full rate.
 */
struct FabricFacts
{
    uint64_t accelerators = 0, switches = 0, links = 0;
    uint64_t lasers = 0;     ///< laser sources (one failure domain each)
    uint64_t laserLines = 0; ///< wavelengths over every source
    double linkRateGbps = 0; ///< mean capacity of a link direction (usable lines x line rate)
    uint32_t diameterHops = 0;
    double meanHops = 0; ///< between distinct accelerators, shortest paths
    /// Fewest links whose removal halves the accelerators (an upper bound where not exact: see
    /// topologies/bisection.h); empty above kMaxBisectionNodes, where the estimate costs seconds.
    std::optional<uint64_t> bisectionLinks;
    std::optional<double> bisectionGbps; ///< one direction's capacity over those links
    double opticsPowerW = 0;             ///< every link direction at full rate: sum of energy/bit x capacity
    double opticsPjPerBit = 0;           ///< that power over the total capacity
};

/// Graphs up to this many nodes get a bisection figure.
constexpr uint32_t kMaxBisectionNodes = 1200;

FabricFacts DescribeFabric(const Fabric& fabric);

} // namespace ofab

#endif
