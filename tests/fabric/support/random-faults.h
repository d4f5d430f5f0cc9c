#ifndef OFAB_TESTS_RANDOM_FAULTS_H
#define OFAB_TESTS_RANDOM_FAULTS_H

// Random small experiments under random fault schedules, for the faults suite's conservation test
// and its parallel-core twin: the same generator, so both stress the same kinds of schedule.

#include "support/faults-test-util.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <sstream>

namespace ofab
{
namespace faultstest
{

inline const Shape kShapes[] = {
    {"{kind: torus, dims: [3, 3]}", 18, 9, false},
    {"{kind: ring, accelerators: 4}", 4, 4, false},
    {"{kind: switched_pod, accelerators: 4, planes: 2}", 8, 4, true},
    {"{kind: full_mesh, accelerators: 4}", 6, 4, false},
};

/// One random experiment: a small fabric, traffic, and 1 to 5 faults of any kind (some repaired,
/// some flapping, some stochastic), each on its own element so the schedule is valid.
inline std::string
RandomFaultExperiment(std::mt19937& rng, std::size_t* explicitFaults)
{
    auto pick = [&](uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng); };
    const Shape& s = kShapes[pick(4)];
    std::ostringstream y;
    y << "duration: 4us\nseed: " << pick(1000) + 1 << "\n"
      << "links: {file: experiments/links/cpo-8lambda.yaml, laser: {port_count: " << (pick(2) ? 2 : 1) << "}}\n"
      << "topology: " << s.topology << "\n"
      << "protocol: {endpoint: {completion_timeout: " << Ns(500 + pick(1000)) << "}}\n"
      << "workloads:\n  - {type: traffic, pattern: uniform, operation: " << (pick(2) ? "write" : "read")
      << ", bytes: " << (pick(2) ? 64 : 256) << ", load: 0." << 1 + pick(5) << "}\n"
      << "faults:\n  groups: {g: {links: [" << pick(s.links) << "]}}\n  events:\n";
    std::vector<uint32_t> links(s.links);
    std::iota(links.begin(), links.end(), 0);
    std::shuffle(links.begin(), links.end(), rng);
    const uint32_t n = 1 + pick(5);
    *explicitFaults = n;
    for (uint32_t i = 0; i < n; ++i)
    {
        const uint32_t at = 200 + pick(3000);
        y << "    - {at: " << Ns(at);
        const std::string repair = pick(2) ? ", repair_at: " + Ns(at + 100 + pick(2000)) : "";
        const uint32_t link = links[i % links.size()];
        switch (pick(8))
        {
        case 0:
            y << ", kind: fibre_cut, link: " << link << repair;
            break;
        case 1:
            y << ", kind: laser_line, link: " << link << ", line: " << i << (pick(2) ? ", power_drop_db: 20" : "")
              << repair;
            break;
        case 2:
            y << ", kind: flap, link: " << link << ", period: " << Ns(200 + pick(500)) << ", count: " << 1 + pick(4);
            break;
        case 3:
            y << ", kind: laser_source, source: {node: " << s.accelerators - 1 - i << ", index: 0}" << repair;
            break;
        case 4:
            y << ", kind: group, group: g" << repair;
            i = n; // one group fault per run: the group is one element
            break;
        case 5:
            if (s.switches)
            {
                y << ", kind: switch, node: sw.p" << i % 2 << repair;
                i = n; // a second switch failure could name the same plane
                break;
            }
            [[fallthrough]];
        default:
            y << ", kind: accelerator, node: " << pick(s.accelerators) << repair;
            i = n; // one accelerator per run: the next one could be the same node
            break;
        }
        y << "}\n";
    }
    if (pick(3) == 0)
    {
        y << "  stochastic: {links: {mttf: " << Ns(2000 + pick(4000)) << ", mttr: " << Ns(200 + pick(800))
          << "}, laser_lines: {mttf: 20us, mttr: 1us}}\n";
    }
    if (pick(4) != 0) // three runs in four heal with a reroute controller, of any policy
    {
        const char* policies[] = {"oracle", "local", "global", "hybrid"};
        y << "controller: {policy: " << policies[pick(4)] << ", detection_delay: " << Ns(50 + pick(400))
          << ", control_latency: " << Ns(50 + pick(300)) << ", compute_time: " << Ns(100 + pick(800))
          << ", install_time: 50ns, wait_to_restore: " << Ns(100 + pick(800)) << ", stall_timeout: 1us}\n";
    }
    return y.str();
}

} // namespace faultstest
} // namespace ofab

#endif
