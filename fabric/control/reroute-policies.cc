#include "ofab/fabric/control/reroute-policies.h"

#include "ofab/fabric/control/external-reroute.h"
#include "ofab/fabric/control/hybrid-reroute.h"
#include "ofab/fabric/control/local-reroute.h"
#include "ofab/fabric/control/ocs-rewire-reroute.h"
#include "ofab/fabric/control/oracle-reroute.h"

namespace ofab
{

const std::vector<std::pair<std::string, std::string>>&
ReroutePolicyTypes()
{
    // The TypeIds are looked up here, so every policy is registered before anyone asks ns-3 for one.
    static const std::vector<std::pair<std::string, std::string>> types{
        {"oracle", OracleReroute::GetTypeId().GetName()},     {"local", LocalReroute::GetTypeId().GetName()},
        {"global", GlobalReroute::GetTypeId().GetName()},     {"hybrid", HybridReroute::GetTypeId().GetName()},
        {"external", ExternalReroute::GetTypeId().GetName()}, {"ocs_rewire", OcsRewireReroute::GetTypeId().GetName()},
    };
    return types;
}

} // namespace ofab
