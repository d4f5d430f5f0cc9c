#ifndef OFAB_FABRIC_APP_REGIONAL_COMMAND_H
#define OFAB_FABRIC_APP_REGIONAL_COMMAND_H

#include "ofab/fabric/app/run-command.h"
#include "ofab/fabric/config/config-document.h"

namespace ofab
{

/**
 * `ofab run` on a file with `sites:`: builds and runs the region (RegionalRunner), prints its
 * story (sites, lightpaths before and after, failures and how each layer healed them, the
 * cross-site jobs) and writes the summary JSON. A multi-site run writes no HDF5 trace yet: -o is
 * refused. Returns the exit code.
 */
int RunRegional(const RunOptions& options, ConfigDocument& doc);

} // namespace ofab

#endif
