#ifndef OFAB_FABRIC_EXPERIMENT_TOPOLOGY_SECTION_H
#define OFAB_FABRIC_EXPERIMENT_TOPOLOGY_SECTION_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/experiment.h"

namespace ofab
{

/**
 * An experiment's `topology:` section: its kind and shape keys (sizes checked before anything is
 * built), `routing` and `link_length_m` (default `defaultLengthM`, the link file's fibre length).
 * Fills the experiment's graph, fabric.routing, topologyMark and resolvedTopology; every error is a
 * ConfigError at the key.
 */
void LoadTopology(const ConfigDocument& doc, Experiment& x, double defaultLengthM);

} // namespace ofab

#endif
