#include "ofab/fabric/app/workload-output.h"
#include "ofab/foundation/unit-text.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace ofab
{

namespace
{

/// More collectives than this print as one line per algorithm (a training step has thousands).
constexpr std::size_t kListedOneByOne = 24;

void
PrintCollective(const Workload::CollectiveResult& c)
{
    const std::string retried = c.retries ? ", " + std::to_string(c.retries) + " writes retried" : "";
    std::printf("  collective    %s (%s, %u ranks, %llu B) #%u: ", c.name.c_str(), c.algorithm.c_str(), c.ranks,
                (unsigned long long)c.bytes, c.repetition);
    if (c.status == CollectiveStatus::Completed)
    {
        std::printf("completed, %.1f ns, algbw %.1f Gb/s, busbw %.1f Gb/s%s\n", Ns(c.Duration()), c.algbwGbps,
                    c.busbwGbps, retried.c_str());
    }
    else if (c.status == CollectiveStatus::Failed)
    {
        std::printf("FAILED after %.1f ns (%s), no bandwidth%s\n", Ns(c.Duration()), ToString(c.failure),
                    retried.c_str());
    }
    else
    {
        std::printf("UNFINISHED: still running at the end of the run (started at %.1f ns), no time or "
                    "bandwidth%s\n",
                    Ns(c.start), retried.c_str());
    }
}

void
PrintCollectivesByAlgorithm(const std::vector<Workload::CollectiveResult>& all)
{
    struct Tally
    {
        uint64_t completed = 0, failed = 0, unfinished = 0, retries = 0;
        double timeNs = 0, busbw = 0;
    };
    std::map<std::string, Tally> by;
    for (const auto& c : all)
    {
        Tally& t = by[c.algorithm];
        t.retries += c.retries;
        if (c.status == CollectiveStatus::Completed)
        {
            ++t.completed;
            t.timeNs += Ns(c.Duration());
            t.busbw += c.busbwGbps;
        }
        else
        {
            ++(c.status == CollectiveStatus::Failed ? t.failed : t.unfinished);
        }
    }
    for (const auto& [algorithm, t] : by)
    {
        std::printf("  collectives   %s: %llu completed", algorithm.c_str(), (unsigned long long)t.completed);
        if (t.completed)
        {
            std::printf(" (mean %.1f ns, busbw %.1f Gb/s)", t.timeNs / t.completed, t.busbw / t.completed);
        }
        std::printf(", %llu failed, %llu unfinished, %llu writes retried\n", (unsigned long long)t.failed,
                    (unsigned long long)t.unfinished, (unsigned long long)t.retries);
    }
    std::printf("                (%zu operations: each is in the summary's `collectives` and the trace's "
                "/collectives)\n",
                all.size());
}

/// Per workload graph, what its iterations add up to: how many completed or failed, and the share
/// of its time (first start to last end) spent in iterations that completed: the effective training
/// time, when faults fail some.
struct Goodput
{
    uint32_t iterations = 0, completed = 0, failed = 0, unfinished = 0;
    double firstStartNs = 0, lastEndNs = 0, completedNs = 0;

    double Span() const { return lastEndNs - firstStartNs; }
    double UsefulFraction() const { return Span() > 0 ? completedNs / Span() : 0.0; }
};

std::map<std::string, Goodput>
GoodputOf(const std::vector<Workload::IterationResult>& iterations)
{
    std::map<std::string, Goodput> out;
    for (const auto& r : iterations)
    {
        Goodput& g = out[r.name];
        if (g.iterations++ == 0)
        {
            g.firstStartNs = Ns(r.start);
        }
        if (r.status == CollectiveStatus::Unfinished)
        {
            ++g.unfinished;
            continue;
        }
        g.lastEndNs = std::max(g.lastEndNs, Ns(r.end));
        if (r.status == CollectiveStatus::Completed)
        {
            ++g.completed;
            g.completedNs += Ns(r.Duration());
        }
        else
        {
            ++g.failed;
        }
    }
    return out;
}

} // namespace

void
AddWorkloadJson(nlohmann::ordered_json& j, const RunSummary& s)
{
    const nlohmann::ordered_json null(nullptr);
    auto& c = j["collectives"] = nlohmann::ordered_json::array();
    for (const auto& r : s.collectives)
    {
        // Bandwidths exist only for a completed operation, a time only for one that ended (completed,
        // or failed: the time to its failure). An unfinished one has neither: null, never 0.
        const bool completed = r.status == CollectiveStatus::Completed;
        const bool ended = r.status != CollectiveStatus::Unfinished;
        c.push_back({{"name", r.name},
                     {"algorithm", r.algorithm},
                     {"repetition", r.repetition},
                     {"ranks", r.ranks},
                     {"bytes", r.bytes},
                     {"status", ToString(r.status)},
                     {"start_ns", Ns(r.start)},
                     {"time_ns", ended ? nlohmann::ordered_json(Ns(r.Duration())) : null},
                     {"algbw_gbps", completed ? nlohmann::ordered_json(r.algbwGbps) : null},
                     {"busbw_gbps", completed ? nlohmann::ordered_json(r.busbwGbps) : null},
                     {"retries", r.retries}});
    }
    if (s.iterations.empty())
    {
        return;
    }
    auto& it = j["iterations"] = nlohmann::ordered_json::array();
    for (const auto& r : s.iterations)
    {
        const bool completed = r.status == CollectiveStatus::Completed;
        const bool ended = r.status != CollectiveStatus::Unfinished;
        it.push_back(
            {{"name", r.name},
             {"iteration", r.iteration},
             {"status", ToString(r.status)},
             {"failure", r.status == CollectiveStatus::Failed ? nlohmann::ordered_json(ToString(r.failure)) : null},
             {"start_ns", Ns(r.start)},
             {"time_ns", ended ? nlohmann::ordered_json(Ns(r.Duration())) : null},
             {"operations", r.operations},
             {"ended", r.ended},
             {"compute_ns", r.computeNs},
             {"exposed_comm_ns", r.exposedCommNs},
             {"mean_exposed_comm_ns", r.meanExposedCommNs},
             {"critical_path", completed ? nlohmann::ordered_json{{"compute_ns", r.criticalComputeNs},
                                                                  {"comm_ns", r.criticalCommNs},
                                                                  {"operations", r.criticalPath}}
                                         : null},
             {"retries", r.retries}});
    }
    auto& g = j["training"] = nlohmann::ordered_json::array();
    for (const auto& [name, t] : GoodputOf(s.iterations))
    {
        g.push_back({{"name", name},
                     {"iterations", t.iterations},
                     {"completed", t.completed},
                     {"failed", t.failed},
                     {"unfinished", t.unfinished},
                     {"mean_completed_ns", t.completed ? nlohmann::ordered_json(t.completedNs / t.completed) : null},
                     {"span_ns", t.Span()},
                     {"useful_fraction", t.Span() > 0 ? nlohmann::ordered_json(t.UsefulFraction()) : null}});
    }
}

void
PrintIteration(const Workload::IterationResult& r)
{
    std::printf("  iteration     %s #%u: ", r.name.c_str(), r.iteration);
    if (r.status == CollectiveStatus::Completed)
    {
        const double t = Ns(r.Duration());
        std::printf("completed, %.1f ns; compute %.1f ns (busiest rank), exposed communication %.1f ns (worst "
                    "rank, mean %.1f); critical path %.0f %% compute, %.0f %% communication\n",
                    t, r.computeNs, r.exposedCommNs, r.meanExposedCommNs, t > 0 ? 100.0 * r.criticalComputeNs / t : 0.0,
                    t > 0 ? 100.0 * r.criticalCommNs / t : 0.0);
    }
    else if (r.status == CollectiveStatus::Failed)
    {
        std::printf("FAILED after %.1f ns (%s), %llu of %llu operations ended\n", Ns(r.Duration()), ToString(r.failure),
                    (unsigned long long)r.ended, (unsigned long long)r.operations);
    }
    else
    {
        std::printf("UNFINISHED at the end of the run (started at %.1f ns), %llu of %llu operations ended\n",
                    Ns(r.start), (unsigned long long)r.ended, (unsigned long long)r.operations);
    }
}

/// Many iterations (a run of training steps under failures): one line per workload, with the
/// completed steps' times and the failures by reason; every iteration is in the summary and trace.
void
PrintIterationsByWorkload(const std::vector<Workload::IterationResult>& all)
{
    struct Tally
    {
        uint64_t completed = 0, unfinished = 0;
        double sumNs = 0, minNs = 0, maxNs = 0;
        std::map<std::string, uint64_t> failed; ///< by the failing write's status
    };
    std::map<std::string, Tally> by;
    for (const auto& r : all)
    {
        Tally& t = by[r.name];
        if (r.status == CollectiveStatus::Completed)
        {
            const double ns = Ns(r.Duration());
            t.minNs = t.completed == 0 ? ns : std::min(t.minNs, ns);
            t.maxNs = t.completed == 0 ? ns : std::max(t.maxNs, ns);
            t.sumNs += ns;
            ++t.completed;
        }
        else if (r.status == CollectiveStatus::Failed)
        {
            ++t.failed[ToString(r.failure)];
        }
        else
        {
            ++t.unfinished;
        }
    }
    for (const auto& [name, t] : by)
    {
        std::printf("  iterations    %s: %llu completed", name.c_str(), (unsigned long long)t.completed);
        if (t.completed)
        {
            std::printf(" (mean %.1f ns, min %.1f, max %.1f)", t.sumNs / t.completed, t.minNs, t.maxNs);
        }
        uint64_t failed = 0;
        std::string reasons;
        for (const auto& [reason, n] : t.failed)
        {
            failed += n;
            reasons += (reasons.empty() ? "" : ", ") + reason + " " + std::to_string(n);
        }
        std::printf(", %llu failed%s, %llu unfinished\n", (unsigned long long)failed,
                    reasons.empty() ? "" : (" (" + reasons + ")").c_str(), (unsigned long long)t.unfinished);
    }
    std::printf("                (%zu iterations: each is in the summary's `iterations` and the trace's "
                "/iterations)\n",
                all.size());
}

void
PrintWorkloadResults(const RunSummary& s)
{
    if (s.collectives.size() <= kListedOneByOne)
    {
        for (const auto& c : s.collectives)
        {
            PrintCollective(c);
        }
    }
    else
    {
        PrintCollectivesByAlgorithm(s.collectives);
    }
    if (s.iterations.size() <= kListedOneByOne)
    {
        for (const auto& r : s.iterations)
        {
            PrintIteration(r);
        }
    }
    else
    {
        PrintIterationsByWorkload(s.iterations);
    }
    for (const auto& [name, g] : GoodputOf(s.iterations))
    {
        if (g.iterations < 2 || g.Span() <= 0)
        {
            continue;
        }
        std::printf("  training      %s: %u of %u iterations completed, %u failed; %.1f %% of the %.1f ns from the "
                    "first start to the last end in completed iterations (effective training time)\n",
                    name.c_str(), g.completed, g.iterations, g.failed, 100.0 * g.UsefulFraction(), g.Span());
    }
}

} // namespace ofab
