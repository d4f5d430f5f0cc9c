#ifndef OFAB_FABRIC_SERVER_OCS_REQUEST_H
#define OFAB_FABRIC_SERVER_OCS_REQUEST_H

#include "ofab/fabric/assembly/ocs-layer.h"
#include "ofab/fabric/server/control-server.h"

#include "ns3/nstime.h"

#include <string>

namespace ofab
{

/// What `reconfigure` needs to know of the run besides the switches.
struct OcsRequestContext
{
    OcsLayer* ocs = nullptr; ///< null: the fabric has no circuit switches
    std::string moveNeeds;   ///< why moves cannot be installed ("" when they can; MoveNeeds())
    ns3::Time duration;      ///< the run's end: a later move would never happen
    std::string client;      ///< who asks, for the move's reason ("client 3")
};

/**
 * The `reconfigure` command of `ofab serve` (docs/control-protocol.md): moves the circuit switches
 * to the declared configuration whose slice holds `cubes` (in slice position order) or to
 * `configuration` (an index), now, at `at` or `in`. A move now is checked and started before the
 * reply (OcsLayer::Reconfigure: the leaving circuits are dark when the client reads it); a later one
 * is checked when it comes due (OcsLayer::ReconfigureIn: a refusal then is an `ocs_move` event
 * saying why). RequestError naming the key for every refusal.
 */
Json ReconfigureRequest(const OcsRequestContext& context, const Json& request);

/// `status`'s `ocs` object: the configuration in force (or being moved to), whether the switches
/// are moving, how many moves so far, and every declared configuration's cubes.
Json OcsStatus(const OcsLayer& ocs);

} // namespace ofab

#endif
