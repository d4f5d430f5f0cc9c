// OCS cube fabrics seen one configuration at a time: the slice as a torus, its links as a mask, its
// connectivity, and the spare-cube configurations a rewiring controller prepares.
#include <algorithm>
#include <deque>

#include "ofab/topologies/generators.h"
#include "ofab/topologies/ocs-cubes.h"

namespace ofab::topo
{
namespace
{

constexpr uint32_t kNone = UINT32_MAX;

const OcsConfiguration&
Configuration(const OcsCubes& f, std::size_t k)
{
    if (k >= f.configurations.size())
    {
        throw TopologyError("ocs cubes: configuration " + std::to_string(k) +
                            " does not exist (configurations: " + std::to_string(f.configurations.size()) + ")");
    }
    return f.configurations[k];
}

} // namespace

SliceView
OcsCubes::View(std::size_t configuration) const
{
    const OcsConfiguration& conf = Configuration(*this, configuration);
    const int dims[3] = {cubeDims[0], cubeDims[1], cubeDims[2]};
    const auto cubeSize = static_cast<uint32_t>(dims[0] * dims[1] * dims[2]);
    SliceView view;
    view.torus = Torus({dims[0] * sliceCubes[0], dims[1] * sliceCubes[1], dims[2] * sliceCubes[2]}, 1.0);

    // Torus coordinate g lies in slice position g / dims and at local coordinate g % dims.
    view.node.resize(view.torus.NumNodes());
    for (uint32_t t = 0; t < view.torus.NumNodes(); ++t)
    {
        const std::vector<int>& c = view.torus.GetNode(t).coord;
        const int pos = c[0] / dims[0] + sliceCubes[0] * (c[1] / dims[1] + sliceCubes[1] * (c[2] / dims[2]));
        const auto cube = static_cast<uint32_t>(conf.cubes[static_cast<std::size_t>(pos)]);
        view.node[t] = cube * cubeSize +
                       static_cast<uint32_t>(c[0] % dims[0] + dims[0] * (c[1] % dims[1] + dims[1] * (c[2] % dims[2])));
    }

    // Each accelerator's "+" link per axis: its cube link, or on the "+" face the one circuit this
    // configuration lights there. Both are oriented like torus links (b is a's "+" neighbour).
    const std::size_t n = graph.NumNodes();
    std::vector<uint32_t> plusCube(n * 3, kNone), plusCircuit(n * 3, kNone);
    for (const Link& l : graph.GetLinks())
    {
        if (l.linkClass == "cube")
        {
            plusCube[l.a * 3 + static_cast<uint32_t>(l.dimension)] = l.id;
        }
    }
    for (uint32_t id : conf.circuits)
    {
        const Link& l = graph.GetLink(id);
        plusCircuit[l.a * 3 + static_cast<uint32_t>(l.dimension)] = id;
    }
    // A torus link leaves its "+" end's cube exactly when that end sits on the cube's "+" face; with
    // k = 2 the two parallel torus links start from different ends and so map to the cube link and
    // the loopback circuit.
    view.link.resize(view.torus.NumLinks());
    for (const Link& t : view.torus.GetLinks())
    {
        const int a = t.dimension;
        const bool onFace = view.torus.GetNode(t.a).coord[a] % dims[a] == dims[a] - 1;
        view.link[t.id] = (onFace ? plusCircuit : plusCube)[view.node[t.a] * 3 + static_cast<uint32_t>(a)];
    }
    return view;
}

LinkMask
SliceMask(const OcsCubes& fabric, std::size_t configuration)
{
    const OcsConfiguration& conf = Configuration(fabric, configuration);
    std::vector<bool> inSlice(fabric.portsPerOcs / 2, false);
    for (int c : conf.cubes)
    {
        inSlice[static_cast<std::size_t>(c)] = true;
    }
    LinkMask mask(fabric.graph.NumLinks(), false);
    for (const Link& l : fabric.graph.GetLinks())
    {
        if (l.linkClass == "cube")
        {
            mask[l.id] = inSlice[static_cast<std::size_t>(fabric.graph.GetNode(l.a).coord[0])];
        }
    }
    for (uint32_t id : conf.circuits)
    {
        mask[id] = true;
    }
    return mask;
}

bool
SliceConnected(const Graph& g, const std::vector<uint32_t>& accelerators, const LinkMask& mask)
{
    ValidateLinkState(g, mask, {});
    for (uint32_t a : accelerators)
    {
        if (a >= g.NumNodes())
        {
            throw TopologyError("slice connectivity: no node " + std::to_string(a) +
                                " (nodes: " + std::to_string(g.NumNodes()) + ")");
        }
    }
    if (accelerators.empty())
    {
        return true;
    }
    std::vector<bool> seen(g.NumNodes(), false);
    std::deque<uint32_t> queue{accelerators.front()};
    seen[accelerators.front()] = true;
    while (!queue.empty())
    {
        const uint32_t v = queue.front();
        queue.pop_front();
        for (const Adjacency& adj : g.GetNeighbours(v))
        {
            if (IsUp(mask, adj.link) && !seen[adj.neighbour])
            {
                seen[adj.neighbour] = true;
                queue.push_back(adj.neighbour);
            }
        }
    }
    return std::all_of(accelerators.begin(), accelerators.end(), [&](uint32_t a) { return seen[a]; });
}

std::vector<std::vector<int>>
WithSingleSpareSwaps(const std::vector<int>& initial, int cubes)
{
    std::vector<bool> used(static_cast<std::size_t>(std::max(cubes, 0)), false);
    for (std::size_t p = 0; p < initial.size(); ++p)
    {
        const int c = initial[p];
        if (c < 0 || c >= cubes)
        {
            throw TopologyError("ocs cubes: initial[" + std::to_string(p) + "]: cube " + std::to_string(c) +
                                " does not exist (cubes: " + std::to_string(cubes) + ")");
        }
        if (used[static_cast<std::size_t>(c)])
        {
            throw TopologyError("ocs cubes: initial: cube " + std::to_string(c) + " fills two slice positions");
        }
        used[static_cast<std::size_t>(c)] = true;
    }
    std::vector<std::vector<int>> out{initial};
    for (std::size_t p = 0; p < initial.size(); ++p)
    {
        for (int spare = 0; spare < cubes; ++spare)
        {
            if (!used[static_cast<std::size_t>(spare)])
            {
                out.push_back(initial);
                out.back()[p] = spare;
            }
        }
    }
    return out;
}

} // namespace ofab::topo
