// The `ofab` program: one entry point for every command, so users learn one tool.

#include "ofab/fabric/app/compare-command.h"
#include "ofab/fabric/app/keys-command.h"
#include "ofab/fabric/app/link-budget-command.h"
#include "ofab/fabric/app/run-command.h"
#include "ofab/fabric/app/serve-command.h"
#include "ofab/fabric/app/sweep-command.h"
#include "ofab/fabric/config/attribute-binder.h"
#include "ofab/fabric/config/config-error.h"
#include "ofab/fabric/control/reroute-policies.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/trace/hdf5-table.h"
#include "ofab/foundation/time-resolution.h"

#include "ns3/type-id.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace
{

/// Exit codes: 0 success, 1 the run failed, 2 bad command line or configuration.
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

/// `--threads` of run and serve: an override of run.threads, so the file's checks apply to it.
void
AddThreadsOption(CLI::App& cmd, std::vector<std::string>& overrides)
{
    cmd.add_option_function<std::string>(
           "--threads", [&overrides](const std::string& v) { overrides.push_back("run.threads=" + v); },
           "Threads of the parallel core: N, all, or sequential (overrides run.threads; the results do not "
           "depend on N)")
        ->type_name("N|all|sequential");
}

} // namespace

int
main(int argc, char** argv)
{
    ofab::EnsurePicosecondResolution();
    CLI::App app{"ofab: emulator of optical interconnect fabrics for AI accelerators (ns-3).\n"
                 "Every model parameter is a YAML key; `ofab keys` lists them with units and defaults.",
                 "ofab"};
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 success, 1 an output could not be written (sweep: a point failed; compare: a "
        "regression), 2 bad command line or configuration\n"
        "(one line naming file, line and key), 130 interrupted by Ctrl-C, SIGTERM or SIGHUP (the trace is marked\n"
        "incomplete).\n"
        "Documentation: README.md, fabric/README.md (experiment files), docs/trace-format.md.");
    app.set_help_all_flag("--help-all", "Show the help of every command");
    app.set_version_flag("--version", std::string("ofab ") + OFAB_VERSION + " (ns-3 3.37)");

    ofab::LinkBudgetOptions budget;
    auto* budgetCmd = app.add_subcommand(
        "link-budget", "Evaluate a photonic link file: per-line power, Q, BER, codeword error, margin; "
                       "capacity and energy per bit.\nA file with an `optical_mesh:` section (a mesh file, or an "
                       "experiment holding one) gets its lightpaths routed and evaluated instead: path, km, spans, "
                       "wavelength, OSNR, SNR, BER, margin, closes, one-way latency (`ofab keys optical_mesh`).\n"
                       "Example: ofab link-budget experiments/links/cpo-8lambda.yaml\n"
                       "Example: ofab link-budget experiments/meshes/four-node.yaml");
    budgetCmd
        ->add_option("file", budget.file,
                     "Link file (YAML with `laser:` and `link:` sections) or mesh file (with `optical_mesh:`)")
        ->required();
    budgetCmd->add_flag("--json", budget.json, "Print JSON instead of a table");
    budgetCmd->add_flag("--resolved", budget.resolved, "Also print every key with its value (defaults filled in)");
    budgetCmd->add_option("--set", budget.overrides, "Override a key: --set link.fibre_length_m=100 (repeatable)")
        ->allow_extra_args(false);

    ofab::RunOptions run;
    auto* runCmd = app.add_subcommand(
        "run", "Run an experiment: build the fabric, simulate, write the HDF5 trace and a summary.\n"
               "A file with `variants:` runs each variant in turn and compares them side by side.\n"
               "Example: ofab run experiments/quickstart.yaml -o out/q.h5   # writes out/q.h5 and out/q.json\n"
               "Example: ofab run experiments/cut-recovery.yaml --variant torus-hybrid");
    runCmd->add_option("file", run.file, "Experiment file (YAML)")->required();
    runCmd->add_option("-o,--output", run.trace,
                       "HDF5 trace to write (overrides outputs.trace); the summary goes beside it, PATH.h5 -> "
                       "PATH.json, unless --summary-json");
    runCmd->add_option("--summary-json", run.summaryJson,
                       "Write the summary as JSON here (overrides outputs.summary_json and -o's)");
    runCmd
        ->add_flag("--no-trace", run.noTrace,
                   "Write no HDF5 trace, only the summary (outputs.transaction_sample keeps a trace smaller)")
        ->excludes("-o");
    runCmd->add_flag("--force", run.force,
                     "Replace a trace or summary that another experiment wrote (refused by default)");
    runCmd->add_option("--set", run.overrides, "Override a key: --set topology.dims=[8,8] (repeatable)")
        ->allow_extra_args(false);
    runCmd->add_option("--seed", run.seed, "Random seed (overrides seed:)")->check(CLI::Range(1ULL, 4294967295ULL));
    AddThreadsOption(*runCmd, run.overrides);
    runCmd->add_flag("-q,--quiet", run.quiet, "No progress line and no summary table");
    runCmd->add_flag("--dry-run", run.dryRun, "Print the resolved configuration (every default filled in) and stop");
    runCmd->add_option("--variant", run.variant,
                       "Run only this variant of a file with `variants:` (default: every one, then a comparison)");

    ofab::SweepOptions sweep;
    auto* sweepCmd = app.add_subcommand(
        "sweep",
        "Run many experiments (grid and zipped axes, seeds) locally or as a Slurm job array; index the results.\n"
        "Example: ofab sweep experiments/compare-fabrics.yaml -j 2");
    sweepCmd->footer(
        "A sweep file names a base experiment and axes (a key with values, or keys zipped together) combined as\n"
        "a grid, and seeds. Each point is its own `ofab run` process with its own trace and summary in\n"
        "<output>/points/<axis>=<value>,...,seed=<n>/; index.csv and index.h5 collect every point's parameters\n"
        "and summary figures. A failed point is reported and the others still run (exit 1); running the same\n"
        "command again resumes (finished points are skipped unless --force); Ctrl-C keeps what finished (exit 130).\n"
        "Examples:\n"
        "  ofab sweep experiments/compare-fabrics.yaml -j 2\n"
        "  ofab sweep experiments/compare-fabrics.yaml --dry-run            # list the points and commands\n"
        "  ofab sweep nightly.yaml --backend slurm --partition batch --time 00:30:00\n"
        "  ofab sweep nightly.yaml --backend slurm --dry-run                # only write the sbatch script\n"
        "  scripts/report out/sweeps/compare-fabrics -o out/compare-fabrics.html\n"
        "The sweep file format is in README.md (\"Sweeps\").");
    sweepCmd->add_option("file", sweep.file, "Sweep file (YAML)")->required();
    sweepCmd->add_option("-o,--output", sweep.output, "Results folder (default: out/sweeps/<sweep name>)");
    sweepCmd
        ->add_option("-j,--jobs", sweep.jobs,
                     "Points run at once (local default: the number of cores, and points with run.threads: all "
                     "share the cores among them; slurm: array throttle %N, default none)")
        ->check(CLI::Range(1u, 100000u));
    sweepCmd->add_option("--backend", sweep.backend, "Where points run: local (a process pool) or slurm (a job array)")
        ->check(CLI::IsMember({"local", "slurm"}))
        ->capture_default_str();
    sweepCmd->add_flag("--force", sweep.force, "Run every point again, even finished ones");
    sweepCmd->add_flag("--no-traces", sweep.noTraces,
                       "Keep only each point's summary, no HDF5 trace (the index and the comparison need no more)");
    sweepCmd->add_flag(
        "--dry-run", sweep.dryRun,
        "Check every point; local: list the points and their commands; slurm: write the script, do not submit");
    sweepCmd->add_flag("--collect", sweep.collect,
                       "Run nothing: write the index from the point folders (after a Slurm run)");
    sweepCmd->add_option("--set", sweep.overrides, "Override a key in every point, after the sweep's own (repeatable)")
        ->allow_extra_args(false);
    auto* slurmGroup = sweepCmd->add_option_group("slurm", "Resources of each Slurm array task (--backend slurm)");
    slurmGroup->add_option("--partition", sweep.slurm.partition, "sbatch --partition (default: the cluster's)");
    slurmGroup->add_option("--account", sweep.slurm.account, "sbatch --account");
    slurmGroup->add_option("--time", sweep.slurm.time, "Time limit per point, sbatch --time")->capture_default_str();
    slurmGroup->add_option("--mem", sweep.slurm.mem, "Memory per point, sbatch --mem")->capture_default_str();
    slurmGroup
        ->add_option("--cpus-per-task", sweep.slurm.cpusPerTask,
                     "sbatch --cpus-per-task (a sequential run uses one core; run.threads: all uses the task's)")
        ->capture_default_str();
    slurmGroup
        ->add_option("--sbatch", sweep.slurm.extra, "Another #SBATCH line, e.g. --sbatch=--qos=nightly (repeatable)")
        ->allow_extra_args(false);
    slurmGroup->add_flag("--no-wait", sweep.slurm.noWait, "Submit and return; write the index later with --collect");
    slurmGroup->add_option("--poll", sweep.slurm.pollSeconds, "Seconds between queue checks while waiting")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();

    ofab::CompareOptions compare;
    auto* compareCmd = app.add_subcommand(
        "compare",
        "Compare a sweep's results with a baseline, figure by figure with tolerances; JUnit XML and markdown.\n"
        "Example: ofab compare out/nightly experiments/baselines/nightly");
    compareCmd->footer(
        "Every summary figure of every baseline point is compared with the results, each with its tolerance\n"
        "(relative and/or absolute; a direction for rates and times). Writes JUnit XML (one test case per point\n"
        "and metric) and a markdown summary. Exit 0 pass, 1 a regression or a missing or failed point, 2 bad input.\n"
        "Figures that follow from the seed must match to 1e-9 relative by default. Wall-clock figures (wall_s,\n"
        "*_per_wall_s) measure the machine: they are reported (JUnit <skipped>, markdown, the verdict) but gate\n"
        "only with --gate-speed (default tolerances then: wall_s ignored, *_per_wall_s may drop by up to 50 %).\n"
        "Examples:\n"
        "  ofab sweep experiments/baselines/nightly.yaml -o out/nightly\n"
        "  ofab compare out/nightly experiments/baselines/nightly --tolerance experiments/baselines/tolerances.yaml");
    compareCmd->add_option("results", compare.results, "Results: a sweep folder (with index.csv) or an index.csv")
        ->required();
    compareCmd->add_option("baseline", compare.baseline, "Baseline: a sweep folder or an index.csv")->required();
    compareCmd->add_option("--tolerance", compare.tolerance, "Tolerance file (YAML, see README.md \"Regressions\")");
    compareCmd->add_option("--junit", compare.junit, "JUnit XML to write (default: <results>/compare.xml)");
    compareCmd->add_option("--markdown", compare.markdown, "Markdown summary to write (default: <results>/compare.md)");
    compareCmd->add_flag("--gate-speed", compare.gateSpeed,
                         "Fail on wall-clock figures too (wall_s, *_per_wall_s) beyond their tolerance; without it "
                         "they are reported only");

    ofab::ServeOptions serve;
    auto* serveCmd = app.add_subcommand(
        "serve",
        "Run an experiment while serving a control plane: line-delimited JSON over TCP (status, cut, repair,\n"
        "degrade, subscribe to telemetry, pause, resume, stop). Protocol: docs/control-protocol.md.\n"
        "Examples:\n"
        "  ofab serve experiments/quickstart.yaml --realtime 1000 --paused   # then: nc 127.0.0.1 7700\n"
        "  ofab serve exp.yaml --listen 127.0.0.1:0        # any free port; the bound one is printed on stderr\n"
        "  ofab serve exp.yaml --listen 0.0.0.0:7700 --token-file secret.txt\n"
        "  ofab serve exp.yaml --set controller.policy=external --paused   # then: scripts/ofab-controller-example\n"
        "With `controller: {policy: external}` a client that registers as the controller is sent every\n"
        "detected link change and answers with routes (validated, then installed); simulated time holds while\n"
        "it thinks (at most --controller-wait). Without a valid answer the controller's Fallback policy heals.\n"
        "The run ends at its duration or on a client's stop (trace complete), or on Ctrl-C (trace incomplete,\n"
        "exit 130). Clients then get {\"type\": \"end\"} and the server exits, unless --hold.");
    serveCmd->add_option("file", serve.run.file, "Experiment file (YAML)")->required();
    serveCmd
        ->add_option("--listen", serve.listen,
                     "HOST:PORT to listen on (an IP address; port 0: any free port). Anything but loopback "
                     "needs --token-file")
        ->capture_default_str();
    serveCmd
        ->add_option("--realtime", serve.realtime,
                     "Pace the run: 1 simulated us takes FACTOR wall us (1000: a simulated ms in a wall second).\n"
                     "Default 0: as fast as possible. A simulator slower than the pace runs as fast as it can")
        ->check(CLI::Validator(
            [](std::string& v) {
                char* end = nullptr;
                const double f = std::strtod(v.c_str(), &end);
                return (end != v.c_str() && *end == '\0' && f >= 0 && f < 1e12)
                           ? std::string()
                           : "expected a factor >= 0 (wall us per simulated us; 0: as fast as possible), got '" + v +
                                 "'";
            },
            "FACTOR"));
    serveCmd->add_option("--token-file", serve.tokenFile,
                         "File whose first line (16+ characters) every client must send first: "
                         "{\"cmd\":\"auth\",\"token\":\"...\"}");
    serveCmd->add_flag("--hold", serve.hold,
                       "After the run ends, keep serving (status with the summary) until a client sends stop");
    serveCmd->add_flag("--paused", serve.paused, "Start paused at time 0: the run begins at a client's resume");
    serveCmd
        ->add_option("--controller-wait", serve.controllerWait,
                     "Wall seconds the simulation holds for the external controller's reply to an event\n"
                     "(policy external); after that the controller counts as silent and the fallback applies\n"
                     "at the simulated ExternalTimeout")
        ->capture_default_str();
    serveCmd
        ->add_option("--auth-timeout", serve.authTimeout,
                     "With --token-file: wall seconds a connection may take to authenticate before it is closed\n"
                     "(at most 8 connections may be waiting to, apart from the 32 clients' slots)")
        ->capture_default_str();
    serveCmd->add_option("-o,--output", serve.run.trace,
                         "HDF5 trace to write (overrides outputs.trace; default out/<name>.h5); the summary goes "
                         "beside it, PATH.h5 -> PATH.json, unless --summary-json");
    serveCmd->add_option("--summary-json", serve.run.summaryJson, "Write the summary as JSON here");
    serveCmd->add_flag("--force", serve.run.force,
                       "Replace a trace or summary that another experiment wrote (refused by default)");
    serveCmd->add_option("--set", serve.run.overrides, "Override a key: --set duration=10ms (repeatable)")
        ->allow_extra_args(false);
    serveCmd->add_option("--seed", serve.run.seed, "Random seed (overrides seed:)")
        ->check(CLI::Range(1ULL, 4294967295ULL));
    AddThreadsOption(*serveCmd, serve.run.overrides);
    serveCmd->add_flag("-q,--quiet", serve.run.quiet, "No summary table at the end");

    std::string keysSection;
    bool keysMarkdown = false;
    auto* keysCmd = app.add_subcommand(
        "keys", "List the keys of an experiment file, by section, with default, range (with its unit) and meaning");
    keysCmd->footer("Sections: experiment, topology, links, faults, faults.events, faults.groups, faults.stochastic, "
                    "outputs, variants, laser, link, port, endpoint, switch, workload:<type>, controller, "
                    "controller:<policy>, ocs_switch, optical_mesh.*, wide_area; files with sites: region, sites, "
                    "cross_site:<type>, region_faults.\nExample: ofab keys topology\nExample: ofab keys --markdown > "
                    "docs/keys.md");
    keysCmd->add_option("section", keysSection, "Section to list (default: all)");
    keysCmd->add_flag("--markdown", keysMarkdown, "Print Markdown tables (docs/keys.md is this output)");

    try
    {
        app.parse(argc, argv);
    }
    catch (const CLI::ParseError& e)
    {
        // --help and --help-all arrive here too, as "errors" with exit code 0.
        const int code = app.exit(e);
        return code == 0 ? 0 : kExitUsage;
    }

    try
    {
        if (runCmd->parsed())
        {
            return ofab::RunExperiment(run);
        }
        if (sweepCmd->parsed())
        {
            return ofab::RunSweep(sweep);
        }
        if (compareCmd->parsed())
        {
            return ofab::RunCompare(compare);
        }
        if (serveCmd->parsed())
        {
            return ofab::ServeExperiment(serve);
        }
        if (budgetCmd->parsed())
        {
            ofab::RunLinkBudget(budget, std::cout);
        }
        else if (keysCmd->parsed())
        {
            return ofab::RunKeys(keysSection, keysMarkdown, std::cout);
        }
        return 0;
    }
    catch (const ofab::ConfigError& e)
    {
        std::cerr << "ofab: error: " << e.what() << "\n";
        return kExitUsage;
    }
    catch (const ofab::TraceError& e)
    {
        std::cerr << "ofab: error: " << e.what() << "\n";
        return kExitFailure;
    }
    catch (const std::invalid_argument& e)
    {
        std::cerr << "ofab: error: " << e.what() << "\n";
        return kExitUsage;
    }
    catch (const std::exception& e)
    {
        std::cerr << "ofab: error: " << e.what() << "\n";
        return kExitFailure;
    }
}
