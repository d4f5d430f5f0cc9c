#ifndef OFAB_FABRIC_SERVER_FAULT_REQUEST_H
#define OFAB_FABRIC_SERVER_FAULT_REQUEST_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/faults/fault-spec.h"
#include "ofab/fabric/server/control-server.h"

#include "ns3/nstime.h"

#include <string>
#include <vector>

namespace ofab
{

/// The three fault verbs of the control protocol.
enum class FaultVerb
{
    Cut,     ///< a fault: fibre_cut, laser_line, laser_source, switch, accelerator, group (or `kind:`)
    Repair,  ///< undoes the fault of that kind in effect on the element
    Degrade, ///< a laser line lit but `power_drop_db` weaker
};

/**
 * Turns a `cut` / `repair` / `degrade` request into the fault entry the `faults:` list would hold,
 * and reads it with the experiment file's own parser (ParseFaultEntry), so elements are named and
 * checked exactly as in YAML (fabric/README.md, "Naming elements"). The kind follows from the
 * element keys unless given: `link`/`between` a fibre cut, `+ line` a laser line, `source` a whole
 * laser source (`+ line`: one of its lines), `node` a switch or an accelerator by its role, `group`
 * a group. Two conveniences over YAML: `link` may be "n0-n1" (the link joining two nodes), and `in`
 * gives the time relative to now (`at` is absolute simulated time; neither: now).
 * RequestError with the key and the reason when the request is malformed or names nothing.
 */
FaultSpec FaultSpecFromRequest(FaultVerb verb, const Json& request, const Fabric& fabric,
                               const std::vector<FaultGroup>& groups, ns3::Time now);

} // namespace ofab

#endif
