#ifndef OFAB_FABRIC_APP_OCS_OUTPUT_H
#define OFAB_FABRIC_APP_OCS_OUTPUT_H

#include "ofab/fabric/observe/ocs-journal.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace ofab
{

/// The summary's `ocs` object (an OCS fabric's run only): the declared configurations and every
/// move with its cost.
void AddOcsJson(nlohmann::ordered_json& summary, const std::optional<OcsSummary>& ocs);
/// `ofab run`'s line per move of the circuit switches (none for other fabrics).
void PrintOcsMoves(const std::optional<OcsSummary>& ocs);

} // namespace ofab

#endif
