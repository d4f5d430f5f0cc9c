#include "ofab/fabric/faults/fault-spec.h"

namespace ofab
{

const char*
ToString(FaultKind k)
{
    switch (k)
    {
    case FaultKind::FibreCut:
        return "fibre_cut";
    case FaultKind::LaserLine:
        return "laser_line";
    case FaultKind::LaserLineDegraded:
        return "laser_line_degraded";
    case FaultKind::LaserSource:
        return "laser_source";
    case FaultKind::Switch:
        return "switch";
    case FaultKind::Accelerator:
        return "accelerator";
    case FaultKind::Flap:
        return "flap";
    case FaultKind::Group:
        return "group";
    }
    return "?";
}

const std::vector<std::string>&
FaultKindNames()
{
    static const std::vector<std::string> names{"fibre_cut",   "laser_line", "laser_source", "switch",
                                                "accelerator", "flap",       "group",        "repair"};
    return names;
}

FaultKind
RepairFamily(FaultKind k)
{
    return k == FaultKind::LaserLineDegraded ? FaultKind::LaserLine : k;
}

} // namespace ofab
