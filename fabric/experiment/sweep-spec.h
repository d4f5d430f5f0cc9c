#ifndef OFAB_FABRIC_EXPERIMENT_SWEEP_SPEC_H
#define OFAB_FABRIC_EXPERIMENT_SWEEP_SPEC_H

#include "ofab/fabric/config/config-document.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * One axis of a sweep: one experiment key with its values, or several keys zipped together (their
 * i-th values form the axis's i-th setting, e.g. a topology and the fault that cuts one of its links).
 */
struct SweepAxis
{
    std::string name;                            ///< column of the index, part of each point's name
    std::vector<std::string> keys;               ///< dotted experiment keys (`workloads.0.load`)
    std::vector<std::vector<YAML::Node>> values; ///< values[key][setting]
    std::vector<std::string> labels;             ///< one per setting, safe in a folder name
    std::vector<YAML::Mark> keyMarks;            ///< where each key is written in the sweep file
    std::string keyPath;                         ///< `axes[2]`, for errors
    bool zipped = false;                         ///< written as `zip:` (else `key:` + `values:`)
    std::size_t Size() const { return labels.size(); }
};

/// One run of a sweep: its name (its parameters), the overrides and the seed that make it.
struct SweepPoint
{
    std::string name;                                            ///< `design=torus,seed=2`
    std::vector<std::pair<std::string, std::string>> parameters; ///< axis name -> label, then `seed`
    std::vector<std::string> overrides;                          ///< `--set` texts: the sweep's `set:`, then the axes
    uint64_t seed = 0;                                           ///< 0: the experiment's own seed
};

/**
 * A sweep file:
 *   name: compare-fabrics              # default: the file name without .yaml
 *   base: fabric-16.yaml               # the experiment every point starts from (relative to this file)
 *   set: {duration: 50us}              # overrides applied to every point (optional)
 *   axes:                              # combined as a cartesian product, in this order
 *     - {key: workloads.1.load, values: [0.1, 0.2]}              # name: load (the last key component)
 *     - name: design                                             # zipped keys vary together
 *       labels: [torus, pod]
 *       zip: {topology: [{kind: torus, dims: [4, 4]}, {kind: switched_pod, accelerators: 16}],
 *             faults.events.0.between: [[0, 1], [0, sw.p0]]}
 *   seeds: [1, 2, 3]                   # or repetitions: 3 (seeds 1..3); default: the experiment's seed
 * Every error is a ConfigError naming the sweep file, line and key.
 */
struct SweepSpec
{
    std::string file; ///< the sweep file
    std::string name;
    std::string description;
    std::string base; ///< the base experiment, as a path usable from the current directory
    std::vector<std::pair<std::string, YAML::Node>> fixed; ///< `set:`
    std::vector<YAML::Mark> fixedMarks;
    std::vector<SweepAxis> axes;
    std::vector<uint64_t> seeds; ///< empty: one run per setting with the experiment's seed
    YAML::Mark seedsMark;

    /// The index columns that name a point: the axis names, then `seed` when seeds are swept.
    std::vector<std::string> ParameterNames() const;
    /// Every point, the first axis varying slowest and seeds fastest.
    std::vector<SweepPoint> Points() const;
};

/// Reads and checks a sweep file (structure only; CheckSweepPoints checks the keys against the experiment).
SweepSpec LoadSweep(const ConfigDocument& doc);

/**
 * Loads the base experiment with each point's overrides (and `extra`, --set texts applied to every
 * point after the sweep's own): an unknown or misplaced key, or a value the experiment refuses, is a
 * ConfigError naming the sweep file's line of the axis that set it, and the point. Nothing runs.
 */
void CheckSweepPoints(const SweepSpec& spec, const std::vector<std::string>& extra);

/// A value as `--set` writes it: YAML flow text (`[4, 4]`, `{kind: torus, dims: [4, 4]}`).
std::string FlowText(const YAML::Node& value);

} // namespace ofab

#endif
