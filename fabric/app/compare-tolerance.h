#ifndef OFAB_FABRIC_APP_COMPARE_TOLERANCE_H
#define OFAB_FABRIC_APP_COMPARE_TOLERANCE_H

#include <string>
#include <vector>

namespace ofab
{

/// How far a figure may move from its baseline before it is a regression.
struct Tolerance
{
    std::string pattern; ///< metric name, '*' matches any characters
    double relative = 0; ///< fraction of |baseline|
    double absolute = 0; ///< in the metric's unit
    /// Which direction counts: "both" (any change beyond the tolerance), "lower" (only a drop is a
    /// regression: rates such as events_per_wall_s), "higher" (only a rise: latencies, wall times).
    std::string worse = "both";
    bool ignore = false; ///< not compared (machine-dependent figures such as wall_s)

    double Allowed(double baseline) const;
    /// True when `result` is a regression against `baseline` (NaN = null: equal only to NaN).
    bool Regressed(double baseline, double result) const;
    std::string Describe() const; ///< "+-1e-09 relative", "-0.5 relative" (only a drop counts), "ignored"
};

/**
 * A tolerance file:
 *   default: {relative: 1e-9}                           # every metric not matched below
 *   metrics:                                            # the first matching entry wins
 *     - {match: wall_s, ignore: true}
 *     - {match: "*_per_wall_s", relative: 0.5, worse: lower}
 *     - {match: "latency_ns.*", relative: 0.001, absolute: 1}
 */
class ToleranceTable
{
  public:
    static ToleranceTable Load(const std::string& path); ///< ConfigError naming file, line and key
    static ToleranceTable Defaults();                    ///< what a nightly run needs without a file

    const Tolerance& For(const std::string& metric) const;

  private:
    static ToleranceTable Parse(const std::string& text, const std::string& origin);
    Tolerance m_default;
    std::vector<Tolerance> m_metrics;
};

/**
 * True for a figure measured on the wall clock (`wall_s`, `events_per_wall_s`, any name ending in `wall_s`
 * after '_' or '.'): it moves with the machine's load, not with the simulated result. `ofab compare`
 * reports such figures without gating on them unless asked (`--gate-speed`).
 */
bool IsSpeedMetric(const std::string& metric);

/// Shell-style match where '*' is any run of characters (and nothing else is special).
bool MatchPattern(const std::string& pattern, const std::string& text);

} // namespace ofab

#endif
