#ifndef OFAB_FABRIC_APP_LINK_BUDGET_COMMAND_H
#define OFAB_FABRIC_APP_LINK_BUDGET_COMMAND_H

#include <iosfwd>
#include <string>
#include <vector>

namespace ofab
{

struct LinkBudgetOptions
{
    std::string file;
    std::vector<std::string> overrides; ///< --set path.to.key=value
    bool json = false;
    bool resolved = false; ///< also print the resolved configuration (every key with its value)
};

/// `ofab link-budget`: evaluates one link file and prints its per-line table (or JSON) to `out`; a
/// file with an `optical_mesh:` section gets its lightpaths evaluated instead (one row each: path,
/// OSNR, BER, margin, latency). Throws ConfigError on bad input.
void RunLinkBudget(const LinkBudgetOptions& options, std::ostream& out);

} // namespace ofab

#endif
