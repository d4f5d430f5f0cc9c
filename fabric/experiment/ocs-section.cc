#include "ofab/fabric/experiment/ocs-section.h"

#include "ofab/fabric/config/config-values.h"
#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/foundation/unit-text.h"
#include "ofab/photonics/model/optical-circuit-switch.h"

namespace ofab
{

namespace
{

/// The cube ids of a schedule entry (checked when the topology was built).
std::vector<int>
ScheduledCubes(const YAML::Node& cubes)
{
    std::vector<int> out;
    for (std::size_t i = 0; i < cubes.size(); ++i)
    {
        out.push_back(cubes[i].as<int>());
    }
    return out;
}

} // namespace

void
LoadOcs(const ConfigDocument& doc, Experiment& x)
{
    const YAML::Node node = Child(doc.Root(), "ocs");
    const bool present = node.IsDefined() && !node.IsNull();
    if (!x.fabric.ocs)
    {
        if (present)
        {
            throw doc.ErrorAt("ocs", node.Mark(), "circuit switches need `topology.kind: ocs_cubes`");
        }
        return;
    }
    for (std::size_t i = 0; i < x.workloadTypes.size(); ++i)
    {
        if (!x.workloads[i]->CanMove())
        {
            // Traffic patterns address every accelerator, spare cubes included: they cannot follow a slice.
            const YAML::Node item = Child(doc.Root(), "workloads")[i];
            throw doc.ErrorAt("workloads." + std::to_string(i) + ".type", item.Mark(),
                              x.workloadTypes[i] +
                                  " workloads do not run on an ocs_cubes fabric: use a collective or a workload graph "
                                  "(training, chakra), which run on the slice and move with it");
        }
    }
    if (present)
    {
        ExpectOnlyKeys(doc, node, "ocs", {"switch", "schedule"});
    }
    x.fabric.ocsSwitch = ns3::ObjectFactory("ofab::OpticalCircuitSwitch");
    const BoundSection bound = BindAttributes(x.fabric.ocsSwitch, doc, Child(node, "switch"), "ocs.switch");
    const ns3::Ptr<OpticalCircuitSwitch> probe = x.fabric.ocsSwitch.Create<OpticalCircuitSwitch>();
    bound.Guard([&] { probe->Validate(); });
    x.resolvedOcs = YAML::Node(YAML::NodeType::Map);
    x.resolvedOcs["switch"] = ResolvedAttributes(*probe);

    const YAML::Node schedule = Child(node, "schedule");
    if (!schedule.IsDefined() || schedule.IsNull())
    {
        return;
    }
    if (!schedule.IsSequence())
    {
        throw doc.ErrorAt("ocs.schedule", schedule.Mark(), "expected a list of {at: TIME, cubes: [cube ids]}");
    }
    for (std::size_t i = 0; i < schedule.size(); ++i)
    {
        const std::string path = "ocs.schedule." + std::to_string(i);
        ExpectOnlyKeys(doc, schedule[i], path, {"at", "cubes"});
        SectionReader entry(doc, schedule[i], path);
        if (!entry.Has("at"))
        {
            throw entry.Missing("at", "when the switches start moving, e.g. 20us");
        }
        if (!entry.Has("cubes"))
        {
            throw entry.Missing("cubes", "the cubes of the slice to move to, e.g. [0, 2]");
        }
        const ns3::Time at = entry.Duration("at", ns3::Time(), ns3::Time());
        const std::vector<int> cubes = ScheduledCubes(schedule[i]["cubes"]);
        x.ocsSchedule.push_back({at, x.fabric.ocs->Find(cubes)});
        YAML::Node r;
        r["at"] = FormatTime(at);
        for (int c : cubes)
        {
            r["cubes"].push_back(c);
        }
        x.resolvedOcs["schedule"].push_back(r);
    }
    const std::string why = MoveNeeds(x);
    if (!why.empty())
    {
        throw doc.ErrorAt("ocs.schedule", schedule.Mark(), why);
    }
}

std::string
MoveNeeds(const Experiment& x)
{
    if (!x.controller)
    {
        return "a reconfiguration needs a controller to install the new slice's routes: add "
               "`controller: {policy: global}` (or ocs_rewire)";
    }
    const ns3::Ptr<RerouteController> probe = x.controller->Create<RerouteController>();
    if (!probe->InstallsPlannedRoutes())
    {
        return std::string("a reconfiguration needs a controller that installs planned routes for the new slice; "
                           "policy ") +
               probe->GetPolicyName() + " does not: use global, hybrid, oracle or ocs_rewire";
    }
    return "";
}

} // namespace ofab
