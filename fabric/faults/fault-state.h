#ifndef OFAB_FABRIC_FAULTS_FAULT_STATE_H
#define OFAB_FABRIC_FAULTS_FAULT_STATE_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/faults/laser-map.h"

#include "ns3/callback.h"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace ofab
{

/// What one fault takes from the fabric, in model terms (a switch is its links, a group its members).
struct FaultTarget
{
    struct Line
    {
        uint32_t source; ///< index into LaserMap::Sources()
        uint32_t line;
    };

    std::vector<uint32_t> links;     ///< fibres cut, both directions
    std::vector<uint32_t> sources;   ///< whole sources dark
    std::vector<Line> lines;         ///< single lines dark
    std::vector<Line> degradedLines; ///< single lines weaker by dropDb
    double dropDb = 0;
    std::vector<uint32_t> isolated; ///< accelerator ids whose endpoint is isolated

    void Append(const FaultTarget& other);
};

/**
 * Applies faults to the models and takes them back, counting holders per element so that a repair
 * restores exactly what its fault took: a link cut by a fibre cut and by its switch failing comes
 * back only when both are repaired; a line failed on its own stays dark when its whole source is
 * repaired; degradations of one line add up (in dB). A model call is made only when an element's
 * effective state changes, so the models' traces (LossOfSignal, Capacity, LineState) fire once per
 * real change.
 *
 * Also keeps the link mask (true = up, the convention of topo::LinkMask): a link is failed
 * while it is cut or either direction has no usable line left.
 */
class FaultState
{
  public:
    FaultState(const Fabric& fabric, const LaserMap& lasers);

    void Apply(const FaultTarget& t);
    void Undo(const FaultTarget& t);

    const topo::LinkMask& Mask() const { return m_mask; }
    /// Called with (link, failed) whenever a link enters or leaves the failed set.
    void SetMaskCallback(ns3::Callback<void, uint32_t, bool> cb) { m_maskCallback = cb; }

  private:
    struct LineHolds
    {
        uint32_t failed = 0;
        std::vector<double> drops; ///< one per degradation in effect
    };

    void SetLine(uint32_t source, uint32_t line); ///< brings a line to its effective state
    void RefreshLinks(const FaultTarget& t);
    void RefreshLink(uint32_t link);

    const Fabric& m_fabric;
    const LaserMap& m_lasers;
    std::vector<uint32_t> m_cutHolds;
    std::vector<uint32_t> m_sourceHolds;
    std::map<std::pair<uint32_t, uint32_t>, LineHolds> m_lineHolds;
    std::vector<uint32_t> m_isolateHolds;
    topo::LinkMask m_mask;
    ns3::Callback<void, uint32_t, bool> m_maskCallback;
};

} // namespace ofab

#endif
