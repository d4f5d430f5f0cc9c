#ifndef OFAB_FABRIC_CONTROL_REROUTE_POLICIES_H
#define OFAB_FABRIC_CONTROL_REROUTE_POLICIES_H

#include <string>
#include <utility>
#include <vector>

namespace ofab
{

/// The reroute policies, as `controller.policy` names them, and their ns-3 TypeIds (each a
/// RerouteController): oracle, local, global, hybrid, external, ocs_rewire.
const std::vector<std::pair<std::string, std::string>>& ReroutePolicyTypes();

/// The policy of a controller section without `policy:`.
constexpr const char* kDefaultReroutePolicy = "hybrid";

} // namespace ofab

#endif
