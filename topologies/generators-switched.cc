// Indirect topologies: accelerators hang off switches and never forward (transit = false).
// Accelerators are created first everywhere, so accelerator index == node id in these graphs.
#include <string>

#include "ofab/topologies/generator-checks.h"
#include "ofab/topologies/generators.h"

namespace ofab::topo
{

Graph
SwitchedPod(int accelerators, int planes, int switchRadix, double linkLengthM)
{
    const char* kind = "switched pod";
    detail::RequireAtLeast(kind, "accelerators", accelerators, 2);
    detail::RequireAtLeast(kind, "planes", planes, 1);
    detail::RequireAtLeast(kind, "switchRadix", switchRadix, 1);
    detail::RequireNodeBudget(kind, static_cast<long long>(accelerators) * planes, kMaxGeneratedNodes);
    detail::RequireLength(kind, "linkLengthM", linkLengthM);
    // One tier: two accelerators on different switches of a plane would have no path in that plane.
    if (switchRadix < accelerators)
    {
        throw TopologyError("switched pod: " + std::to_string(accelerators) + " accelerators need switch radix >= " +
                            std::to_string(accelerators) + ", got " + std::to_string(switchRadix));
    }
    Graph g;
    g.SetKind("switched-pod");
    for (int i = 0; i < accelerators; ++i)
    {
        const uint32_t id = g.AddNode(NodeRole::Accelerator, "a" + std::to_string(i), {i});
        g.SetTransit(id, false);
    }
    std::vector<uint32_t> sw;
    for (int p = 0; p < planes; ++p)
    {
        sw.push_back(g.AddNode(NodeRole::Switch, "sw.p" + std::to_string(p), {p}, p));
    }
    // Accelerator port p = plane p; switch port i = accelerator i.
    for (int i = 0; i < accelerators; ++i)
    {
        for (int p = 0; p < planes; ++p)
        {
            g.AddLink(static_cast<uint32_t>(i), sw[p], LinkAttrs{linkLengthM, "access", -1, false});
        }
    }
    g.Finalize();
    return g;
}

Graph
FatTree(int leaves, int spines, int hostsPerLeaf, double accessLengthM, double uplinkLengthM)
{
    const char* kind = "fat tree";
    detail::RequireAtLeast(kind, "leaves", leaves, 1);
    detail::RequireAtLeast(kind, "spines", spines, 1);
    detail::RequireAtLeast(kind, "hostsPerLeaf", hostsPerLeaf, 1);
    detail::RequireNodeBudget(kind, static_cast<long long>(leaves) * (hostsPerLeaf + spines), kMaxGeneratedNodes);
    detail::RequireLength(kind, "accessLengthM", accessLengthM);
    detail::RequireLength(kind, "uplinkLengthM", uplinkLengthM);
    if (static_cast<long long>(leaves) * hostsPerLeaf < 2)
    {
        throw TopologyError("fat tree: leaves * hostsPerLeaf must be >= 2 accelerators, got 1");
    }
    Graph g;
    g.SetKind("fat-tree");
    for (int l = 0; l < leaves; ++l)
    {
        for (int k = 0; k < hostsPerLeaf; ++k)
        {
            const uint32_t id =
                g.AddNode(NodeRole::Accelerator, "h" + std::to_string(l) + "." + std::to_string(k), {l, k});
            g.SetTransit(id, false);
        }
    }
    std::vector<uint32_t> leaf, spine;
    for (int l = 0; l < leaves; ++l)
    {
        leaf.push_back(g.AddNode(NodeRole::Switch, "leaf" + std::to_string(l), {l}));
    }
    for (int s = 0; s < spines; ++s)
    {
        spine.push_back(g.AddNode(NodeRole::Switch, "spine" + std::to_string(s), {s}));
    }
    // Leaf ports: hosts 0..H-1 then spines H..H+S-1; spine port l = leaf l.
    for (int l = 0; l < leaves; ++l)
    {
        for (int k = 0; k < hostsPerLeaf; ++k)
        {
            g.AddLink(static_cast<uint32_t>(l * hostsPerLeaf + k), leaf[l],
                      LinkAttrs{accessLengthM, "access", -1, false});
        }
    }
    for (int l = 0; l < leaves; ++l)
    {
        for (int s = 0; s < spines; ++s)
        {
            g.AddLink(leaf[l], spine[s], LinkAttrs{uplinkLengthM, "uplink", -1, false});
        }
    }
    g.Finalize();
    return g;
}

} // namespace ofab::topo
