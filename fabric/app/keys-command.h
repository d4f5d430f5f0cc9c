#ifndef OFAB_FABRIC_APP_KEYS_COMMAND_H
#define OFAB_FABRIC_APP_KEYS_COMMAND_H

// `ofab keys`: every key of an experiment file, section by section, from the two sources there are:
// the ns-3 TypeIds of the models (port, laser, workload:traffic, ...) and the loader's own table
// (experiment, topology, faults, outputs, ...). docs/keys.md is `ofab keys --markdown`.

#include "ofab/fabric/config/key-doc.h"

#include <ostream>
#include <string>
#include <vector>

namespace ofab
{

/// Every section, in the order of an experiment file: the loader's, then the models'.
std::vector<SectionDoc> AllKeySections();
/// Prints one section (or every one, for ""); as Markdown (the whole document) when `markdown`.
/// Returns the exit code: 2 for an unknown section, with the names on stderr.
int RunKeys(const std::string& section, bool markdown, std::ostream& out);

} // namespace ofab

#endif
