// The one exception type of the topologies module.
//
// Every invalid specification (bad generator parameter, malformed edge list, disconnected graph,
// mask of the wrong size, ...) throws TopologyError with a message that names the offending
// parameter and what was expected, so the CLI can print it as is and exit non-zero.
#ifndef OFAB_TOPOLOGIES_TOPOLOGY_ERROR_H
#define OFAB_TOPOLOGIES_TOPOLOGY_ERROR_H

#include <stdexcept>
#include <string>

namespace ofab::topo
{

class TopologyError : public std::invalid_argument
{
  public:
    explicit TopologyError(const std::string& what)
        : std::invalid_argument(what)
    {
    }
};

} // namespace ofab::topo

#endif
