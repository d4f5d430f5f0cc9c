#ifndef OFAB_FABRIC_APP_SWEEP_COMMAND_H
#define OFAB_FABRIC_APP_SWEEP_COMMAND_H

#include <string>
#include <vector>

namespace ofab
{

/// Resources of each Slurm array task (sbatch options; empty = the cluster's default).
struct SlurmOptions
{
    std::string partition;
    std::string account;
    std::string time = "01:00:00";  ///< per point
    std::string mem = "4G";         ///< per point
    unsigned cpusPerTask = 1;       ///< a run is one process on one core
    std::vector<std::string> extra; ///< more `#SBATCH` lines, e.g. --qos=nightly
    bool noWait = false;            ///< submit and return; `--collect` indexes later
    double pollSeconds = 2.0;
};

struct SweepOptions
{
    std::string file;
    std::string output;                 ///< default out/sweeps/<name>
    std::string backend = "local";      ///< local | slurm
    unsigned jobs = 0;                  ///< 0: the number of cores (local); no throttle (slurm)
    bool force = false;                 ///< re-run finished points
    bool noTraces = false;              ///< points write their summary only (ofab run --no-trace)
    bool dryRun = false;                ///< local: list the points; slurm: write the script, do not submit
    bool collect = false;               ///< only (re)write the index from the point folders
    std::vector<std::string> overrides; ///< --set applied to every point after the sweep's own
    SlurmOptions slurm;
};

/**
 * `ofab sweep`: checks every point against the base experiment, then runs each pending point as its
 * own `ofab run` process (a local process pool or a Slurm job array), then writes the index.
 * Returns the exit code: 0 every point ok, 1 some point failed (the others still ran and are
 * indexed), 130 interrupted. Throws ConfigError on a bad sweep file.
 */
int RunSweep(const SweepOptions& options);

/// A pending point as the backends see it: its folder holds run.sh, which runs it and writes exit_code.
struct PendingPoint
{
    std::string name;
    std::string dir;
};

/// Runs the points `jobs` at a time; progress on stderr. Returns false when interrupted (SIGINT).
bool RunLocalPool(const std::vector<PendingPoint>& points, unsigned jobs);

/// Writes the job-array script (and its task list) to `dir`; returns the script's path.
std::string WriteSlurmScript(const std::string& dir, const std::string& sweepName,
                             const std::vector<PendingPoint>& points, const SlurmOptions& options, unsigned throttle);

/// Submits the script with sbatch, then (unless noWait) waits until the array has left the queue.
/// Returns false when the wait was interrupted; throws std::runtime_error when sbatch fails.
bool SubmitSlurm(const std::string& script, const std::vector<PendingPoint>& points, const SlurmOptions& options);

} // namespace ofab

#endif
