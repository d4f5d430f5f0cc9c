#ifndef OFAB_FABRIC_EXPERIMENT_OCS_SECTION_H
#define OFAB_FABRIC_EXPERIMENT_OCS_SECTION_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment.h"

#include <string>

namespace ofab
{

/**
 * An experiment's `ocs:` section (only with `topology.kind: ocs_cubes`, after the topology, the
 * workloads and the controller are loaded): `switch:` onto ofab::OpticalCircuitSwitch attributes,
 * `schedule:` resolved to configuration indices of the layout. Refuses what an OCS fabric cannot
 * run: workloads that cannot move with the slice (traffic patterns: they address the spares too)
 * and a schedule without a controller that installs the new slice's routes. Every error is a
 * ConfigError at the key.
 */
void LoadOcs(const ConfigDocument& doc, Experiment& x);

/// Why the experiment's circuit switches cannot be moved during the run ("" when they can): a move
/// needs a controller whose policy installs planned routes for the new slice (not local, not
/// external). For an experiment with an OCS fabric.
std::string MoveNeeds(const Experiment& x);

} // namespace ofab

#endif
