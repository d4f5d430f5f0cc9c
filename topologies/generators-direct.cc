// Direct topologies: torus, mesh, ring, full mesh. Every node is an accelerator that also forwards.
#include <cstdint>
#include <string>

#include "ofab/topologies/generator-checks.h"
#include "ofab/topologies/generators.h"

namespace ofab::topo
{
namespace
{

constexpr uint32_t kNone = UINT32_MAX;

std::string
CoordName(const std::vector<int>& c)
{
    std::string s = "a(";
    for (std::size_t i = 0; i < c.size(); ++i)
    {
        if (i)
        {
            s += ',';
        }
        s += std::to_string(c[i]);
    }
    return s + ")";
}

Graph
BuildGrid(const char* kind, const std::vector<int>& dims, bool wrap, double lengthM)
{
    if (dims.empty())
    {
        throw TopologyError(std::string(kind) + ": dims must list at least one dimension");
    }
    long long total = 1;
    for (std::size_t i = 0; i < dims.size(); ++i)
    {
        if (dims[i] < 2)
        {
            throw TopologyError(std::string(kind) + ": every dimension needs k >= 2, got dims[" + std::to_string(i) +
                                "] = " + std::to_string(dims[i]));
        }
        total *= dims[i];
        detail::RequireNodeBudget(kind, total, kMaxGeneratedNodes);
    }
    detail::RequireLength(kind, "linkLengthM", lengthM);

    const std::size_t n = dims.size();
    const auto N = static_cast<uint32_t>(total);
    std::vector<uint32_t> stride(n, 1);
    for (std::size_t d = 1; d < n; ++d)
    {
        stride[d] = stride[d - 1] * static_cast<uint32_t>(dims[d - 1]);
    }

    Graph g;
    g.SetKind(kind);
    g.SetGrid(GridShape{dims, wrap});
    std::vector<int> coord(n, 0);
    for (uint32_t id = 0; id < N; ++id)
    {
        g.AddNode(NodeRole::Accelerator, CoordName(coord), coord);
        for (std::size_t d = 0; d < n && ++coord[d] == dims[d]; ++d)
        {
            coord[d] = 0; // odometer
        }
    }

    // Each node adds its "+" link per dimension; wrap links close the rings of a torus.
    std::vector<uint32_t> plus(std::size_t(N) * n, kNone), minus(std::size_t(N) * n, kNone);
    for (uint32_t id = 0; id < N; ++id)
    {
        for (std::size_t d = 0; d < n; ++d)
        {
            const auto c = static_cast<int>((id / stride[d]) % static_cast<uint32_t>(dims[d]));
            uint32_t nb;
            bool isWrap = false;
            if (c + 1 < dims[d])
            {
                nb = id + stride[d];
            }
            else if (wrap)
            {
                nb = id - static_cast<uint32_t>(c) * stride[d];
                isWrap = true;
            }
            else
            {
                continue;
            }
            const uint32_t l = g.AddLink(id, nb, LinkAttrs{lengthM, kind, static_cast<int>(d), isWrap});
            plus[id * n + d] = l;
            minus[nb * n + d] = l;
        }
    }
    // Same port layout on every node: +d0, -d0, +d1, -d1, ... (missing mesh directions skipped).
    std::vector<uint32_t> order;
    for (uint32_t id = 0; id < N; ++id)
    {
        order.clear();
        for (std::size_t d = 0; d < n; ++d)
        {
            if (plus[id * n + d] != kNone)
            {
                order.push_back(plus[id * n + d]);
            }
            if (minus[id * n + d] != kNone)
            {
                order.push_back(minus[id * n + d]);
            }
        }
        g.SetPortOrder(id, order);
    }
    g.Finalize();
    return g;
}

} // namespace

Graph
Torus(const std::vector<int>& dims, double linkLengthM)
{
    return BuildGrid("torus", dims, true, linkLengthM);
}

Graph
Mesh(const std::vector<int>& dims, double linkLengthM)
{
    return BuildGrid("mesh", dims, false, linkLengthM);
}

Graph
Ring(int n, double linkLengthM)
{
    if (n < 2)
    {
        throw TopologyError("ring: n must be >= 2, got " + std::to_string(n));
    }
    return BuildGrid("ring", {n}, true, linkLengthM);
}

Graph
FullMesh(int n, int linksPerPair, double linkLengthM)
{
    detail::RequireAtLeast("full mesh", "n", n, 2);
    detail::RequireAtLeast("full mesh", "linksPerPair", linksPerPair, 1);
    detail::RequireNodeBudget("full mesh", static_cast<long long>(n) * n * linksPerPair / 2,
                              kMaxGeneratedNodes); // the links are the expensive part
    detail::RequireLength("full mesh", "linkLengthM", linkLengthM);
    Graph g;
    g.SetKind("full-mesh");
    for (int i = 0; i < n; ++i)
    {
        g.AddNode(NodeRole::Accelerator, "a" + std::to_string(i), {i});
    }
    // Adding pairs in (i, j) order gives node i its ports towards j in ascending j:
    // port = linksPerPair * (j - (j > i)) + r.
    for (int i = 0; i < n; ++i)
    {
        for (int j = i + 1; j < n; ++j)
        {
            for (int r = 0; r < linksPerPair; ++r)
            {
                g.AddLink(static_cast<uint32_t>(i), static_cast<uint32_t>(j),
                          LinkAttrs{linkLengthM, "full-mesh", -1, false});
            }
        }
    }
    g.Finalize();
    return g;
}

} // namespace ofab::topo
