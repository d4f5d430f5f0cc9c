#include "ofab/fabric/app/sweep-command.h"

#include "ofab/fabric/app/interrupt-scope.h"
#include "ofab/fabric/app/sweep-index.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/sweep-spec.h"
#include "ofab/foundation/usable-cores.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace ofab
{

namespace fs = std::filesystem;

namespace
{

/// A point as planned: its folder and the `ofab run` arguments that produce it.
struct PlannedPoint
{
    SweepPoint point;
    fs::path dir;
    std::vector<std::string> arguments; ///< after the program's path
    std::string baseDigest;             ///< of the base experiment's text: an edited base re-runs the point
};

std::string
ReadText(const fs::path& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// This program's own path, so every point runs the very `ofab` that planned it.
std::string
SelfPath()
{
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
    {
        throw std::runtime_error("cannot find this program's path (/proc/self/exe): " + ec.message());
    }
    return self.string();
}

/// A point is finished when its summary exists and it was run with the same arguments.
bool
Finished(const PlannedPoint& p)
{
    if (!fs::exists(p.dir / "summary.json") || !fs::exists(p.dir / "point.json"))
    {
        return false;
    }
    try
    {
        const auto j = nlohmann::json::parse(ReadText(p.dir / "point.json"));
        return j.at("arguments").get<std::vector<std::string>>() == p.arguments &&
               j.value("base_digest", std::string()) == p.baseDigest;
    }
    catch (const nlohmann::json::exception&)
    {
        return false;
    }
}

/// Clears a point's old results and writes point.json and run.sh: the command, runnable by hand too.
void
PreparePoint(const PlannedPoint& p, const std::string& exe)
{
    fs::create_directories(p.dir);
    for (const char* stale : {"summary.json", "exit_code", "trace.h5", "run.log"})
    {
        fs::remove(p.dir / stale);
    }
    nlohmann::ordered_json j;
    j["point"] = p.point.name;
    j["parameters"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : p.point.parameters)
    {
        j["parameters"][k] = v;
    }
    j["arguments"] = p.arguments;
    j["base_digest"] = p.baseDigest;
    WriteFileAtomically((p.dir / "point.json").string(), j.dump(2) + "\n");

    std::string command = ShellQuote(exe);
    for (const auto& a : p.arguments)
    {
        command += " \\\n    " + ShellQuote(a);
    }
    std::ostringstream sh;
    sh << "#!/bin/bash\n"
       << "# Sweep point " << p.point.name << ": one `ofab run`; its exit code goes to exit_code.\n"
       << "cd " << ShellQuote(p.dir.string()) << " || exit 1\n"
       << command << " \\\n    >run.log 2>&1\n"
       << "code=$?\n"
       << "echo \"$code\" >exit_code\n"
       << "exit \"$code\"\n";
    WriteFileAtomically((p.dir / "run.sh").string(), sh.str());
    fs::permissions(p.dir / "run.sh", fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
}

void
WriteSweepJson(const fs::path& out, const SweepSpec& spec, const std::vector<PlannedPoint>& points)
{
    nlohmann::ordered_json j;
    j["sweep"] = spec.name;
    j["description"] = spec.description;
    j["file"] = fs::absolute(spec.file).string();
    j["base"] = fs::absolute(spec.base).string();
    j["parameters"] = spec.ParameterNames();
    auto& list = j["points"] = nlohmann::ordered_json::array();
    for (const auto& p : points)
    {
        nlohmann::ordered_json e;
        e["name"] = p.point.name;
        e["dir"] = fs::relative(p.dir, out).string();
        e["parameters"] = nlohmann::ordered_json::object();
        for (const auto& [k, v] : p.point.parameters)
        {
            e["parameters"][k] = v;
        }
        list.push_back(e);
    }
    WriteFileAtomically((out / "sweep.json").string(), j.dump(2) + "\n");
}

} // namespace

int
RunSweep(const SweepOptions& o)
{
    const SweepSpec spec = LoadSweep(ConfigDocument::Load(o.file));
    CheckSweepPoints(spec, o.overrides);
    const fs::path out = fs::absolute(o.output.empty() ? fs::path("out/sweeps") / spec.name : fs::path(o.output));
    const std::string exe = SelfPath();
    const std::string base = fs::absolute(spec.base).lexically_normal().string();

    // Not a cryptographic digest: it only has to notice that the base file was edited since a point ran.
    const std::string baseDigest = std::to_string(std::hash<std::string>{}(ReadText(spec.base)));
    std::vector<PlannedPoint> planned;
    for (const SweepPoint& sp : spec.Points())
    {
        PlannedPoint p{sp, out / "points" / sp.name, {"run", base}, baseDigest};
        for (const auto& ov : sp.overrides)
        {
            p.arguments.insert(p.arguments.end(), {"--set", ov});
        }
        for (const auto& ov : o.overrides)
        {
            p.arguments.insert(p.arguments.end(), {"--set", ov});
        }
        if (sp.seed != 0)
        {
            p.arguments.insert(p.arguments.end(), {"--seed", std::to_string(sp.seed)});
        }
        if (o.noTraces)
        {
            p.arguments.push_back("--no-trace");
        }
        else
        {
            p.arguments.insert(p.arguments.end(), {"-o", (p.dir / "trace.h5").string()});
        }
        p.arguments.insert(p.arguments.end(), {"--summary-json", (p.dir / "summary.json").string()});
        planned.push_back(std::move(p));
    }

    std::vector<PendingPoint> pending;
    std::size_t finished = 0;
    for (const auto& p : planned)
    {
        if (!o.force && Finished(p))
        {
            ++finished;
        }
        else
        {
            pending.push_back({p.point.name, p.dir.string()});
        }
    }

    const unsigned cores = UsableCores();
    const unsigned jobs = o.jobs != 0 ? o.jobs : cores;
    if (o.dryRun && o.backend == "local")
    {
        std::cout << "sweep " << spec.name << ": " << planned.size() << " points (" << finished << " finished, "
                  << pending.size() << " to run), results in " << out.string() << "\n";
        for (const auto& p : planned)
        {
            std::cout << "  " << p.point.name << (Finished(p) && !o.force ? "  (finished)" : "") << "\n    " << exe;
            for (const auto& a : p.arguments)
            {
                std::cout << " " << ShellQuote(a);
            }
            std::cout << "\n";
        }
        return 0;
    }

    fs::create_directories(out);
    WriteSweepJson(out, spec, planned);
    bool interrupted = false;
    if (!o.collect && !pending.empty())
    {
        for (const auto& p : planned)
        {
            if (std::any_of(pending.begin(), pending.end(),
                            [&](const PendingPoint& q) { return q.name == p.point.name; }))
            {
                PreparePoint(p, exe);
            }
        }
        std::fprintf(
            stderr, "ofab sweep: %s: %zu points, %zu already finished, %zu to run (%s)\n", spec.name.c_str(),
            planned.size(), finished, pending.size(),
            o.backend == "local"
                ? (std::to_string(std::min<std::size_t>(jobs, pending.size())) + " at a time on this machine").c_str()
                : "Slurm job array");
        if (o.backend == "slurm")
        {
            const std::string script = WriteSlurmScript((out / "slurm").string(), spec.name, pending, o.slurm, o.jobs);
            if (o.dryRun)
            {
                std::printf("wrote %s (%zu tasks); submit it with: sbatch %s\n", script.c_str(), pending.size(),
                            ShellQuote(script).c_str());
                return 0;
            }
            interrupted = !SubmitSlurm(script, pending, o.slurm);
            if (o.slurm.noWait && !interrupted)
            {
                std::fprintf(stderr,
                             "ofab sweep: submitted; when the array has finished, write the index with:\n"
                             "  ofab sweep %s -o %s --collect\n",
                             ShellQuote(o.file).c_str(), ShellQuote(out.string()).c_str());
                return 0;
            }
        }
        else
        {
            // Points with `run.threads: all` share the cores: each may use its part of them (the
            // points inherit the variable; their results do not depend on it).
            const std::size_t atOnce = std::min<std::size_t>(jobs, pending.size());
            const std::string share = std::to_string(std::max<std::size_t>(1, cores / atOnce));
            setenv(kCoresVariable, share.c_str(), 1);
            interrupted = !RunLocalPool(pending, jobs);
        }
    }

    std::vector<PointRecord> records;
    std::size_t ok = 0;
    std::vector<const PointRecord*> bad;
    for (const auto& p : planned)
    {
        records.push_back(ReadPoint(p.dir.string(), p.point.name, p.point.parameters));
    }
    for (const auto& r : records)
    {
        ok += r.status == "ok";
        if (r.status != "ok")
        {
            bad.push_back(&r);
        }
    }
    WriteIndex(out.string(), spec.ParameterNames(), records);
    std::fprintf(stderr, "ofab sweep: %zu of %zu points ok; index %s (and index.h5)\n", ok, records.size(),
                 (out / "index.csv").c_str());
    for (const PointRecord* r : bad)
    {
        std::fprintf(stderr, "  %s %s%s%s\n", r->status.c_str(), r->name.c_str(), r->error.empty() ? "" : ": ",
                     r->error.c_str());
    }
    if (interrupted)
    {
        std::fprintf(stderr, "ofab sweep: interrupted; finished points are kept, run the same command to resume\n");
        return 130;
    }
    return bad.empty() ? 0 : 1;
}

} // namespace ofab
