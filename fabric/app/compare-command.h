#ifndef OFAB_FABRIC_APP_COMPARE_COMMAND_H
#define OFAB_FABRIC_APP_COMPARE_COMMAND_H

#include <string>

namespace ofab
{

struct CompareOptions
{
    std::string results;   ///< a sweep folder (with index.csv) or an index.csv
    std::string baseline;  ///< the same, recorded earlier
    std::string tolerance; ///< tolerance file; "" = built-in defaults
    std::string junit;     ///< default <results>/compare.xml
    std::string markdown;  ///< default <results>/compare.md
    /// Gate on the wall-clock figures too (IsSpeedMetric: wall_s, *_per_wall_s) with the tolerance file's
    /// entries for them. Without it they are compared and reported (JUnit <skipped>, markdown, the printed
    /// verdict) but never fail the comparison: they measure the machine, not the simulated result.
    bool gateSpeed = false;
};

/**
 * `ofab compare`: every figure of every baseline point against the results, with per-metric
 * tolerances. Writes JUnit XML (one test case per point and metric) and a markdown summary.
 * Returns 0 when nothing regressed, 1 on any regression, missing point or failed point (wall-clock
 * figures count only with gateSpeed).
 * Throws ConfigError (bad tolerance file) or std::invalid_argument (unreadable index): exit 2.
 */
int RunCompare(const CompareOptions& options);

} // namespace ofab

#endif
