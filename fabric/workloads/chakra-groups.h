#ifndef OFAB_FABRIC_WORKLOADS_CHAKRA_GROUPS_H
#define OFAB_FABRIC_WORKLOADS_CHAKRA_GROUPS_H

#include "ofab/fabric/workloads/workload-graph.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * The communicators of a Chakra trace set: the process groups of its process-group file
 * (`<prefix>.groups.json`, `{"name": [rank, ...], ...}`, members in the collective's rank order) and
 * the world group (every rank). Each becomes one entry of WorkloadGraph::groups, when a node first
 * uses it. Errors are ChakraError (chakra-import.h).
 */
class ChakraGroups
{
  public:
    /// Reads the process-group file at `path` (no groups when it does not exist) and checks every
    /// group against the `ranks` trace files: members are ranks, at least 2, none twice.
    ChakraGroups(const std::string& path, uint32_t ranks);

    /// The index in g.groups of the communicator a node names with its `pg_name` attribute: the
    /// world for "" (no attribute) and for "0" (PyTorch's default group) when the file does not name
    /// it, else the file's group of that name. `where` names the node for the errors: a name the
    /// file lacks, a rank that is not a member.
    uint32_t Resolve(WorkloadGraph& g, const std::string& pg, uint32_t rank, const std::string& where);

    /// "process group 'name'", or "the world group" for what Resolve takes as the world.
    std::string Describe(const std::string& pg) const;

  private:
    bool IsWorld(const std::string& pg) const;

    std::string m_path;
    uint32_t m_ranks;
    std::vector<std::pair<std::string, std::vector<uint32_t>>> m_named; ///< the file's groups, in file order
    std::map<std::string, uint32_t> m_index; ///< name ("" = world) -> index in the graph's groups
};

} // namespace ofab

#endif
