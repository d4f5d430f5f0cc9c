#ifndef OFAB_FABRIC_APP_SWEEP_INDEX_H
#define OFAB_FABRIC_APP_SWEEP_INDEX_H

#include "ofab/fabric/app/text-files.h"

#include <string>
#include <utility>
#include <vector>

namespace ofab
{

/// What a sweep point's folder holds: its state, its error, its summary figures.
struct PointRecord
{
    std::string name;
    std::string status; ///< ok, failed, interrupted, pending
    std::string error;  ///< why it failed ("" when ok or pending)
    std::vector<std::pair<std::string, std::string>> parameters;
    std::vector<std::pair<std::string, double>> figures; ///< flattened summary; NaN for null
};

/**
 * The numbers of a summary JSON as dotted names: `transactions.completed`, `latency_ns.p99`,
 * `collectives.0.busbw_gbps`, `fault_recovery.1.t_recover95_ns` (NaN when null). Strings are left out.
 * Throws std::runtime_error when the text is not JSON.
 */
std::vector<std::pair<std::string, double>> FlattenSummary(const std::string& jsonText);

/// Reads a point's folder (summary.json, exit_code, run.log) into a record.
PointRecord ReadPoint(const std::string& dir, const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& parameters);

/**
 * Writes `index.csv` and `index.h5` (table `/points`) in `dir`: one row per point with its name,
 * status, error, parameters and every figure any point has (empty / NaN where a point has none).
 * Each file is written beside and renamed, so a reader never sees half an index.
 */
void WriteIndex(const std::string& dir, const std::vector<std::string>& parameterNames,
                const std::vector<PointRecord>& points);

} // namespace ofab

#endif
