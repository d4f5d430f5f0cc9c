// The Slurm backend of `ofab sweep`: one job-array task per pending point, each running the point's
// run.sh (the same command the local backend runs), so results land in the same folders.

#include "ofab/fabric/app/interrupt-scope.h"
#include "ofab/fabric/app/sweep-command.h"
#include "ofab/fabric/app/sweep-index.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

namespace ofab
{

namespace fs = std::filesystem;

namespace
{

/// Runs a shell command; its stdout and stderr together, and its exit code.
std::pair<int, std::string>
Capture(const std::string& command)
{
    std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
    {
        return {127, "cannot start: " + command};
    }
    std::string output;
    char buf[4096];
    while (true)
    {
        const std::size_t n = std::fread(buf, 1, sizeof buf, pipe);
        if (n > 0)
        {
            output.append(buf, n);
        }
        else if (std::feof(pipe) || errno != EINTR)
        {
            break;
        }
    }
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, output};
}

std::size_t
CountFinished(const std::vector<PendingPoint>& points)
{
    std::size_t n = 0;
    for (const auto& p : points)
    {
        n += fs::exists(fs::path(p.dir) / "exit_code");
    }
    return n;
}

} // namespace

std::string
WriteSlurmScript(const std::string& dir, const std::string& sweepName, const std::vector<PendingPoint>& points,
                 const SlurmOptions& o, unsigned throttle)
{
    fs::create_directories(dir);
    std::string tasks;
    for (const auto& p : points)
    {
        tasks += p.dir + "\n";
    }
    const fs::path taskFile = fs::path(dir) / "tasks.txt";
    WriteFileAtomically(taskFile.string(), tasks);

    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# ofab sweep " << sweepName << ": one array task per point (" << points.size() << " points).\n"
      << "#SBATCH --job-name=ofab-" << sweepName << "\n"
      << "#SBATCH --array=0-" << points.size() - 1 << (throttle ? "%" + std::to_string(throttle) : "") << "\n"
      << "#SBATCH --output=" << (fs::path(dir) / "task-%a.out").string() << "\n"
      << "#SBATCH --ntasks=1\n"
      << "#SBATCH --cpus-per-task=" << o.cpusPerTask << "\n";
    if (!o.time.empty())
    {
        s << "#SBATCH --time=" << o.time << "\n";
    }
    if (!o.mem.empty())
    {
        s << "#SBATCH --mem=" << o.mem << "\n";
    }
    if (!o.partition.empty())
    {
        s << "#SBATCH --partition=" << o.partition << "\n";
    }
    if (!o.account.empty())
    {
        s << "#SBATCH --account=" << o.account << "\n";
    }
    for (const auto& e : o.extra)
    {
        s << "#SBATCH " << e << "\n";
    }
    s << "\n# Task i runs the point folder on line i+1 of tasks.txt; its run.sh writes run.log and exit_code.\n"
      << "dir=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " << ShellQuote(taskFile.string()) << ")\n"
      << "[ -n \"$dir\" ] || { echo \"no point for task $SLURM_ARRAY_TASK_ID\" >&2; exit 2; }\n"
      << "exec /bin/bash \"$dir/run.sh\"\n";
    const fs::path script = fs::path(dir) / "sweep.sbatch";
    WriteFileAtomically(script.string(), s.str());
    return script.string();
}

bool
SubmitSlurm(const std::string& script, const std::vector<PendingPoint>& points, const SlurmOptions& o)
{
    const auto [code, output] = Capture("sbatch --parsable " + ShellQuote(script));
    if (code != 0)
    {
        throw std::runtime_error("sbatch failed (exit " + std::to_string(code) + "): " + output +
                                 (code == 127 ? " (is Slurm installed? --dry-run only writes the script)" : ""));
    }
    // --parsable prints "<job id>" or "<job id>;<cluster>".
    const std::string jobId = output.substr(0, output.find_first_of(";\n"));
    std::fprintf(stderr, "ofab sweep: submitted job array %s (%zu tasks): %s\n", jobId.c_str(), points.size(),
                 script.c_str());
    if (o.noWait)
    {
        return true;
    }
    InterruptScope interrupt;
    std::size_t reported = 0;
    int queryFailures = 0;
    while (!InterruptScope::Interrupted())
    {
        const auto [qcode, queue] = Capture("squeue -h -j " + jobId + " -o %i");
        const std::size_t finished = CountFinished(points);
        if (finished != reported)
        {
            std::fprintf(stderr, "ofab sweep: [%zu/%zu] points finished\n", finished, points.size());
            reported = finished;
        }
        if (qcode == 0 && queue.find_first_not_of(" \n") == std::string::npos)
        {
            return true; // the array has left the queue
        }
        if (qcode != 0)
        {
            // A job that ended long ago is unknown to squeue ("Invalid job id"): done. Anything else
            // (the controller not answering) is retried for a while.
            if (queue.find("Invalid job id") != std::string::npos || finished == points.size())
            {
                return true;
            }
            if (++queryFailures > 30)
            {
                throw std::runtime_error("squeue keeps failing: " + queue +
                                         "; the job may still run: collect later with --collect");
            }
        }
        else
        {
            queryFailures = 0;
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(o.pollSeconds));
    }
    std::fprintf(stderr, "ofab sweep: stopped waiting; job %s keeps running (scancel %s stops it)\n", jobId.c_str(),
                 jobId.c_str());
    return false;
}

} // namespace ofab
