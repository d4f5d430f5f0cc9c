#ifndef OFAB_FABRIC_EXPERIMENT_VARIANTS_H
#define OFAB_FABRIC_EXPERIMENT_VARIANTS_H

#include "ofab/fabric/config/config-document.h"

#include <string>
#include <vector>

namespace ofab
{

/**
 * Variants of one experiment, run one after the other by `ofab run` and compared side by side:
 *
 *   variants:
 *     - name: torus-local                       # letters, digits, - and _; names the outputs
 *       set: {controller.policy: local}         # overrides, as --set path.to.key=value
 *     - name: pod-local
 *       set: {topology: {kind: switched_pod, accelerators: 16, planes: 4}, controller.policy: local}
 *
 * Each variant is the file with its `set` applied (after the command line's --set). A larger
 * comparison (grids of values, seeds, many processes) is a sweep.
 */
struct Variant
{
    std::string name;
    std::vector<std::string> overrides;  ///< "path.to.key=value", as --set takes them
    std::vector<SourceLocation> origins; ///< where each is written in the file (its `set:` entry)
};

/// The file's variants (empty without a `variants:` key); ConfigError at the offending key.
std::vector<Variant> ReadVariants(const ConfigDocument& doc);

/// `path` with "-<variant>" before its extension: out/cut.h5 -> out/cut-torus-local.h5 (unchanged when either is "").
std::string VariantPath(const std::string& path, const std::string& variant);

} // namespace ofab

#endif
