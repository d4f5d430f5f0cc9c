#ifndef OFAB_FABRIC_FAULTS_FAULT_RESOLVE_H
#define OFAB_FABRIC_FAULTS_FAULT_RESOLVE_H

#include "ofab/fabric/faults/fault-spec.h"
#include "ofab/fabric/faults/fault-state.h"
#include "ofab/fabric/faults/laser-map.h"

#include <string>
#include <vector>

namespace ofab
{

/// One fault as the injector applies it: what it takes, and how the trace names it.
struct InjectedFault
{
    FaultKind kind = FaultKind::FibreCut;
    std::string element;  ///< "link 3", "laser a(1,0)#0 line 2", "switch sw.p0", "group bundle-a"
    std::string detail;   ///< "a(0,0) - a(1,0)", "feeds links 3, 4 from a(1,0)", ...
    std::string identity; ///< the element as a repair matches it (a line named by link or by source alike)
    FaultTarget target;
    bool stochastic = false;
    uint32_t cycles = 0; ///< a flap's count
};

/**
 * Turns faults named the user's way into model targets, against the built fabric. Laser sources and
 * lines are checked here (a source index beyond the node's sources, a line beyond the source's line
 * count): ConfigError at the key that named them.
 */
class FaultResolver
{
  public:
    FaultResolver(const Fabric& fabric, const LaserMap& lasers, const std::vector<FaultGroup>& groups);

    /// An explicit fault (or the element a repair names).
    InjectedFault Resolve(const FaultSpec& spec) const;

    // The elements of each stochastic class.
    InjectedFault Link(uint32_t link) const;
    InjectedFault Line(uint32_t source, uint32_t line) const;
    InjectedFault Source(uint32_t source) const;
    InjectedFault Switch(uint32_t node) const;
    InjectedFault Accelerator(uint32_t node) const;
    InjectedFault Group(const std::string& name) const;

  private:
    std::vector<uint32_t> SourcesOf(const SourceRef& ref) const;
    std::string SourcesName(const std::vector<uint32_t>& sources) const;
    std::string LinksText(const std::vector<uint32_t>& links) const;

    const Fabric& m_fabric;
    const topo::Graph& m_graph;
    const LaserMap& m_lasers;
    const std::vector<FaultGroup>& m_groups;
};

} // namespace ofab

#endif
