#ifndef OFAB_FABRIC_FAULTS_FAULT_SPEC_H
#define OFAB_FABRIC_FAULTS_FAULT_SPEC_H

#include "ofab/fabric/config/config-error.h"

#include "ns3/nstime.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// What a fault takes. LaserLineDegraded is written `kind: laser_line` with `power_drop_db`.
enum class FaultKind : uint8_t
{
    FibreCut,          ///< one link, both directions
    LaserLine,         ///< one line of one laser source dark (every link the source feeds loses it)
    LaserLineDegraded, ///< one line of one laser source lit but weaker by power_drop_db
    LaserSource,       ///< a whole source dark: every link it feeds loses every line (shared risk)
    Switch,            ///< every link of a switch node cut
    Accelerator,       ///< every link of an accelerator cut and its endpoint isolated
    Flap,              ///< one link cut and restored periodically
    Group,             ///< a declared shared-risk group: its members fail and repair as one
};

/// The trace / message name: fibre_cut, laser_line, laser_line_degraded, laser_source, switch, ...
const char* ToString(FaultKind k);

/// The kind a repair of `k` matches: a degraded line is repaired like a failed one.
FaultKind RepairFamily(FaultKind k);

/// What `kind:` accepts in a fault entry: the kinds a user writes, then "repair".
const std::vector<std::string>& FaultKindNames();

/// Where a key was written, kept so that a check made later (against the built fabric) still names
/// file, line and key.
struct FaultKey
{
    std::string path;
    SourceLocation where;

    ConfigError Error(const std::string& message) const { return ConfigError(where, path, message); }
};

/// A laser source named the way a user knows it: its node and its index among that node's sources
/// in port order (-1: every source of the node).
struct SourceRef
{
    uint32_t node = 0;
    int32_t index = -1;
    FaultKey key;
};

/// One explicit fault or repair, its elements resolved against the graph (laser sources and lines
/// are checked against the fabric later: their grouping depends on the laser's port count).
struct FaultSpec
{
    FaultKind kind = FaultKind::FibreCut;
    bool repair = false; ///< `kind: repair, of: <kind>`: undoes the active fault on the same element
    ns3::Time at;
    bool hasRepairAt = false; ///< `repair_at:` on a fault: shorthand for a repair entry
    ns3::Time repairAt;
    uint32_t link = 0;      ///< fibre_cut, flap, and laser_line named by link
    uint32_t node = 0;      ///< switch, accelerator; laser_line named by link: the transmitting node
    bool viaSource = false; ///< laser_line named by `source:` rather than by link
    SourceRef source;       ///< laser_source, laser_line by source
    uint32_t line = 0;
    double powerDropDb = 0; ///< LaserLineDegraded
    ns3::Time period;       ///< flap: down at at + k period, ...
    ns3::Time downFor;      ///< ... up again down_for later
    uint32_t count = 0;     ///< ... for k = 0 .. count-1
    std::string group;
    FaultKey key;     ///< the entry itself
    FaultKey lineKey; ///< `line`, checked against the source's line count
};

/// A shared-risk group declared under `faults.groups`: one fibre bundle, one power feed ...
struct FaultGroup
{
    std::string name;
    std::vector<uint32_t> links;
    std::vector<SourceRef> sources;
    FaultKey key;
};

/// Exponential time to failure and time to repair for one class of elements (zero mttf: off).
struct FailureRates
{
    ns3::Time mttf;
    ns3::Time mttr;
    FaultKey key; ///< the class's section, for a schedule too dense to draw

    bool Enabled() const { return mttf.IsStrictlyPositive(); }
};

/// `faults.stochastic`: every element of a class fails and repairs on its own exponential clock.
struct StochasticFaults
{
    FailureRates links;        ///< fibre cuts
    FailureRates laserLines;   ///< every line of every source
    FailureRates laserSources; ///< whole sources
    FailureRates switches;     ///< switch nodes
    FailureRates groups;       ///< every declared group
    FailureRates accelerators; ///< accelerators (links cut, endpoint isolated: a GPU or HBM failure)
    ns3::Time start;           ///< no stochastic failure before this time

    bool Any() const
    {
        return links.Enabled() || laserLines.Enabled() || laserSources.Enabled() || switches.Enabled() ||
               groups.Enabled() || accelerators.Enabled();
    }
};

/// The whole `faults:` section of an experiment.
struct FaultPlan
{
    std::vector<FaultSpec> events;
    std::vector<FaultGroup> groups;
    StochasticFaults stochastic;
    YAML::Node resolved; ///< the section as understood, for --dry-run and the trace

    bool Empty() const { return events.empty() && groups.empty() && !stochastic.Any(); }
};

} // namespace ofab

#endif
