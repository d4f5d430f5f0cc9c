#ifndef OFAB_FABRIC_OBSERVE_OCS_JOURNAL_H
#define OFAB_FABRIC_OBSERVE_OCS_JOURNAL_H

#include "ofab/fabric/assembly/fabric.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// A configuration the circuit switches may take, as the topology analysis sees its slice.
struct OcsConfigurationFacts
{
    std::vector<int> cubes;      ///< in slice position order (x fastest, in cubes)
    uint32_t circuits = 0;       ///< circuits the map lights
    std::vector<int> dims;       ///< the slice torus
    uint32_t diameter = 0;       ///< hops, of the slice torus
    uint64_t bisectionLinks = 0; ///< links cut by the torus's best bisection
};

/// One reconfiguration, with what it cost.
struct OcsReconfigurationFigures
{
    std::size_t from = 0;
    std::size_t to = 0;
    std::string reason;
    double startNs = 0;
    double litNs = -1;             ///< every new circuit lit (-1: not by the end of the run)
    double readyNs = -1;           ///< routes for the new slice in force (-1: not by the end of the run)
    uint32_t circuitsDarkened = 0; ///< circuits taken down for good
    uint32_t circuitsLit = 0;      ///< new circuits
    double darkMinNs = 0;          ///< dark time of the new circuits: their switch's drawn time
    double darkMaxNs = 0;
    uint64_t failed = 0;  ///< transactions that failed from the start until the slice was ready (or the end)
    uint64_t delayed = 0; ///< transactions issued before the start that completed after it, by then
    /// The live slice when its routes went in, by the topology analysis of the links up then: every
    /// slice accelerator reaches every other, its diameter, and whether it is the declared torus
    /// (3 links up per accelerator, that diameter).
    double throughputBeforeGbps = 0;   ///< delivered before the move (the T_recover95 reference)
    double throughputRecoveredNs = -1; ///< from the start: T_recover95 of the move (-1: not within the run)
    bool sliceConnected = false;
    uint32_t sliceDiameter = 0;
    bool sliceIsTorus = false;
};

struct OcsSummary
{
    std::vector<int> cubeDims;   ///< accelerators per cube along x, y, z
    std::vector<int> sliceCubes; ///< cubes per slice along x, y, z
    uint32_t cubeCount = 0;      ///< physical cubes, spares included
    std::vector<OcsConfigurationFacts> configurations;
    std::vector<OcsReconfigurationFigures> reconfigurations;
    std::size_t finalConfiguration = 0;
};

/// The declared configurations of an OCS fabric, analysed.
std::vector<OcsConfigurationFacts> DescribeOcsConfigurations(const OcsLayer& ocs);

/**
 * Watches an OCS fabric's reconfigurations: counts the transactions each one failed or delayed and
 * checks the slice when its routes go in. The runner calls OnStarted / OnReady from the layer's
 * listeners (it has more to do then: hold and move the job).
 */
class OcsJournal
{
  public:
    explicit OcsJournal(const Fabric& fabric);
    ~OcsJournal();
    OcsJournal(const OcsJournal&) = delete;
    OcsJournal& operator=(const OcsJournal&) = delete;

    void OnStarted(std::size_t reconfiguration);
    void OnReady(std::size_t reconfiguration);
    OcsSummary Finish() const;

  private:
    void OnCompleted(const TransactionRecord& r);
    void OnFailed(const TransactionRecord& r);
    /// The reconfiguration whose window (start .. ready) holds now, or -1.
    int64_t Open() const;

    const Fabric& m_fabric;
    std::vector<OcsReconfigurationFigures> m_figures;
};

} // namespace ofab

#endif
