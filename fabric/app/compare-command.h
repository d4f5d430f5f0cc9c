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
};

/**
 * `ofab compare`: every figure of every baseline point against the results, with per-metric
 * tolerances. Writes JUnit XML (one test case per point and metric) and a markdown summary.
 * Returns 0 when nothing regressed, 1 on any regression, missing point or failed point.
 * Throws ConfigError (bad tolerance file) or std::invalid_argument (unreadable index): exit 2.
 */
int RunCompare(const CompareOptions& options);

} // namespace ofab

#endif
