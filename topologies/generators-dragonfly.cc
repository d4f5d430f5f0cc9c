// Dragonfly (Kim, Dally, Scott, Abts 2008) with the consecutive ("palm tree") global arrangement.
#include <string>

#include "ofab/topologies/generator-checks.h"
#include "ofab/topologies/generators.h"

namespace ofab::topo
{

Graph
Dragonfly(int a, int p, int h, int groups, double accessLengthM, double localLengthM, double globalLengthM)
{
    const char* kind = "dragonfly";
    detail::RequireAtLeast(kind, "a (routers per group)", a, 1);
    detail::RequireAtLeast(kind, "p (accelerators per router)", p, 1);
    detail::RequireAtLeast(kind, "h (global links per router)", h, 1);
    const long long globalPorts = static_cast<long long>(a) * h;
    const long long g = groups <= 0 ? globalPorts + 1 : groups;
    // Every pair of groups needs at least one global link: g-1 partners per group.
    if (g - 1 > globalPorts)
    {
        throw TopologyError("dragonfly: " + std::to_string(g) + " groups need a*h >= g-1 = " + std::to_string(g - 1) +
                            " global ports per group, got a*h = " + std::to_string(globalPorts));
    }
    detail::RequireNodeBudget(kind, g * a * (p + 1), kMaxGeneratedNodes);
    detail::RequireLength(kind, "accessLengthM", accessLengthM);
    detail::RequireLength(kind, "localLengthM", localLengthM);
    detail::RequireLength(kind, "globalLengthM", globalLengthM);
    if (g * a * p < 2)
    {
        throw TopologyError("dragonfly: g*a*p must be >= 2 accelerators, got 1");
    }

    Graph gr;
    gr.SetKind("dragonfly");
    auto accel = [&](long long grp, int r, int k) { return static_cast<uint32_t>((grp * a + r) * p + k); };
    for (long long grp = 0; grp < g; ++grp)
    {
        for (int r = 0; r < a; ++r)
        {
            for (int k = 0; k < p; ++k)
            {
                const uint32_t id =
                    gr.AddNode(NodeRole::Accelerator,
                               "g" + std::to_string(grp) + ".r" + std::to_string(r) + ".a" + std::to_string(k),
                               {static_cast<int>(grp), r, k});
                gr.SetTransit(id, false);
            }
        }
    }
    const auto firstRouter = static_cast<uint32_t>(g * a * p);
    auto router = [&](long long grp, int r) { return static_cast<uint32_t>(firstRouter + grp * a + r); };
    for (long long grp = 0; grp < g; ++grp)
    {
        for (int r = 0; r < a; ++r)
        {
            gr.AddNode(NodeRole::Switch, "g" + std::to_string(grp) + ".r" + std::to_string(r),
                       {static_cast<int>(grp), r});
        }
    }

    // Collect each router's links by kind so its ports can be laid out access, local, global.
    const std::size_t R = static_cast<std::size_t>(g * a);
    std::vector<std::vector<uint32_t>> access(R), local(R);
    std::vector<std::vector<uint32_t>> global(R, std::vector<uint32_t>(h, UINT32_MAX));
    auto rIdx = [&](long long grp, int r) { return static_cast<std::size_t>(grp * a + r); };

    for (long long grp = 0; grp < g; ++grp)
    {
        for (int r = 0; r < a; ++r)
        {
            for (int k = 0; k < p; ++k)
            {
                access[rIdx(grp, r)].push_back(
                    gr.AddLink(accel(grp, r, k), router(grp, r), LinkAttrs{accessLengthM, "access", -1, false}));
            }
        }
        for (int r = 0; r < a; ++r)
        {
            for (int s = r + 1; s < a; ++s)
            {
                const uint32_t l =
                    gr.AddLink(router(grp, r), router(grp, s), LinkAttrs{localLengthM, "local", -1, false});
                local[rIdx(grp, r)].push_back(l);
                local[rIdx(grp, s)].push_back(l);
            }
        }
    }
    // Global slot k = router * h + port of a group. The partner at offset o = (t - i - 1) mod g gets
    // slots m*(g-1) + o; seen from t the same link sits at offset g-2-o, so both ends agree and each
    // pair of groups gets linksPerPair links (exactly one when g = a*h+1).
    if (g >= 2)
    {
        const long long linksPerPair = globalPorts / (g - 1);
        for (long long i = 0; i < g; ++i)
        {
            for (long long t = i + 1; t < g; ++t)
            {
                const long long o = (t - i - 1) % g;
                const long long oT = g - 2 - o;
                for (long long m = 0; m < linksPerPair; ++m)
                {
                    const long long ki = m * (g - 1) + o, kt = m * (g - 1) + oT;
                    const int ri = static_cast<int>(ki / h), rt = static_cast<int>(kt / h);
                    const uint32_t l =
                        gr.AddLink(router(i, ri), router(t, rt), LinkAttrs{globalLengthM, "global", -1, false});
                    global[rIdx(i, ri)][ki % h] = l;
                    global[rIdx(t, rt)][kt % h] = l;
                }
            }
        }
    }
    std::vector<uint32_t> order;
    for (long long grp = 0; grp < g; ++grp)
    {
        for (int r = 0; r < a; ++r)
        {
            const std::size_t x = rIdx(grp, r);
            order = access[x];
            order.insert(order.end(), local[x].begin(), local[x].end());
            for (uint32_t l : global[x])
            {
                if (l != UINT32_MAX)
                {
                    order.push_back(l);
                }
            }
            gr.SetPortOrder(router(grp, r), order);
        }
    }
    gr.Finalize();
    return gr;
}

} // namespace ofab::topo
