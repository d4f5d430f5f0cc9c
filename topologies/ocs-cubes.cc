// OCS cube fabrics: validation, the graph (cube meshes plus every candidate circuit), port names.
#include <algorithm>
#include <unordered_map>

#include "ofab/topologies/generator-checks.h"
#include "ofab/topologies/generators.h"
#include "ofab/topologies/ocs-cubes.h"

namespace ofab::topo
{
namespace
{

constexpr const char* kKind = "ocs cubes";
constexpr uint32_t kNone = UINT32_MAX;
constexpr char kAxisName[3] = {'x', 'y', 'z'};

// The two axes an OCS position (u, v) of axis a is made of, in increasing axis order.
int
AxisU(int a)
{
    return a == 0 ? 1 : 0;
}

int
AxisV(int a)
{
    return a == 2 ? 1 : 2;
}

// Where the OCSes and accelerators of one cube shape are numbered (see ocs-cubes.h).
struct Layout
{
    int dims[3];
    uint32_t cubeSize;
    uint32_t ocsOffset[4];

    explicit Layout(const std::vector<int>& d)
        : dims{d[0], d[1], d[2]},
          cubeSize(static_cast<uint32_t>(d[0] * d[1] * d[2]))
    {
        ocsOffset[0] = 0;
        for (int a = 0; a < 3; ++a)
        {
            ocsOffset[a + 1] = ocsOffset[a] + static_cast<uint32_t>(dims[AxisU(a)] * dims[AxisV(a)]);
        }
    }
    uint32_t Ocs(int a, int u, int v) const { return ocsOffset[a] + static_cast<uint32_t>(u + dims[AxisU(a)] * v); }
    uint32_t Node(int cube, const int c[3]) const
    {
        return static_cast<uint32_t>(cube) * cubeSize + static_cast<uint32_t>(c[0] + dims[0] * (c[1] + dims[1] * c[2]));
    }
    // "x(1,2)"
    std::string OcsName(uint32_t ocs) const
    {
        int a = 0;
        while (ocs >= ocsOffset[a + 1])
        {
            ++a;
        }
        const auto r = static_cast<int>(ocs - ocsOffset[a]);
        const int du = dims[AxisU(a)];
        return std::string(1, kAxisName[a]) + "(" + std::to_string(r % du) + "," + std::to_string(r / du) + ")";
    }
};

std::string
Where(std::size_t k)
{
    return std::string(kKind) + ": configurations[" + std::to_string(k) + "]";
}

void
ValidateShape(const OcsCubesSpec& spec)
{
    if (spec.cubeDims.size() != 3)
    {
        throw TopologyError(std::string(kKind) + ": cubeDims must list 3 dimensions {X, Y, Z}, got " +
                            std::to_string(spec.cubeDims.size()));
    }
    long long nodes = 1;
    for (int a = 0; a < 3; ++a)
    {
        detail::RequireAtLeast(kKind, "cubeDims[" + std::to_string(a) + "]", spec.cubeDims[a], 2);
        nodes *= spec.cubeDims[a];
        detail::RequireNodeBudget(kKind, nodes, kMaxGeneratedNodes);
    }
    detail::RequireAtLeast(kKind, "cubes", spec.cubes, 1);
    detail::RequireNodeBudget(kKind, nodes * spec.cubes, kMaxGeneratedNodes);
    detail::RequireLength(kKind, "cubeLinkLengthM", spec.cubeLinkLengthM);
    detail::RequireLength(kKind, "circuitLengthM", spec.circuitLengthM);
    if (spec.sliceCubes.size() != 3)
    {
        throw TopologyError(std::string(kKind) + ": sliceCubes must list 3 cube counts {SX, SY, SZ}, got " +
                            std::to_string(spec.sliceCubes.size()));
    }
    long long slice = 1;
    for (int a = 0; a < 3; ++a)
    {
        detail::RequireAtLeast(kKind, "sliceCubes[" + std::to_string(a) + "]", spec.sliceCubes[a], 1);
        slice *= spec.sliceCubes[a];
        if (slice > spec.cubes)
        {
            throw TopologyError(std::string(kKind) + ": sliceCubes " + std::to_string(spec.sliceCubes[0]) + "x" +
                                std::to_string(spec.sliceCubes[1]) + "x" + std::to_string(spec.sliceCubes[2]) +
                                " needs more cubes than the fabric has (cubes: " + std::to_string(spec.cubes) + ")");
        }
    }
}

// Each configuration fills every slice position with a distinct existing cube. A cube listed twice
// would have its faces wired to two peers at once, which no OCS map can do.
void
ValidateConfigurations(const OcsCubesSpec& spec, const Layout& layout)
{
    const auto positions = static_cast<std::size_t>(spec.sliceCubes[0] * spec.sliceCubes[1] * spec.sliceCubes[2]);
    if (spec.configurations.empty())
    {
        throw TopologyError(std::string(kKind) +
                            ": configurations must list at least one configuration (the initial slice)");
    }
    // Each configuration lights one circuit per OCS and slice position along the OCS's axis.
    const long long candidates =
        static_cast<long long>(spec.configurations.size()) * layout.ocsOffset[3] * static_cast<long long>(positions);
    if (candidates > kMaxGeneratedNodes)
    {
        throw TopologyError(std::string(kKind) + ": " + std::to_string(candidates) +
                            " circuits over all configurations is more than the generator limit of " +
                            std::to_string(kMaxGeneratedNodes));
    }
    std::vector<int> filledBy(static_cast<std::size_t>(spec.cubes), -1);
    for (std::size_t k = 0; k < spec.configurations.size(); ++k)
    {
        const std::vector<int>& cfg = spec.configurations[k];
        if (cfg.size() != positions)
        {
            throw TopologyError(Where(k) + " lists " + std::to_string(cfg.size()) + " cubes, the " +
                                std::to_string(spec.sliceCubes[0]) + "x" + std::to_string(spec.sliceCubes[1]) + "x" +
                                std::to_string(spec.sliceCubes[2]) + " slice needs " + std::to_string(positions));
        }
        for (std::size_t p = 0; p < cfg.size(); ++p)
        {
            const int c = cfg[p];
            if (c < 0 || c >= spec.cubes)
            {
                throw TopologyError(Where(k) + "[" + std::to_string(p) + "]: cube " + std::to_string(c) +
                                    " does not exist (cubes: " + std::to_string(spec.cubes) + ")");
            }
            if (filledBy[c] >= 0)
            {
                throw TopologyError(Where(k) + ": cube " + std::to_string(c) + " fills two slice positions: OCS " +
                                    layout.OcsName(0) + " port " + std::to_string(2 * c + 1) +
                                    " would be connected twice");
            }
            filledBy[c] = static_cast<int>(p);
        }
        for (int c : cfg)
        {
            filledBy[c] = -1; // ready for the next configuration without clearing every cube
        }
    }
}

// Slice position one step "+" along axis a, wrapping.
std::size_t
NextPosition(std::size_t p, int a, const std::vector<int>& s)
{
    int c[3] = {static_cast<int>(p % s[0]), static_cast<int>(p / s[0] % s[1]), static_cast<int>(p / (s[0] * s[1]))};
    c[a] = (c[a] + 1) % s[a];
    return static_cast<std::size_t>(c[0] + s[0] * (c[1] + s[1] * c[2]));
}

} // namespace

OcsCubes
BuildOcsCubes(const OcsCubesSpec& spec)
{
    ValidateShape(spec);
    const Layout layout(spec.cubeDims);
    ValidateConfigurations(spec, layout);

    OcsCubes f;
    f.cubeDims = spec.cubeDims;
    f.sliceCubes = spec.sliceCubes;
    f.ocsCount = layout.ocsOffset[3];
    f.portsPerOcs = 2 * static_cast<uint32_t>(spec.cubes);
    Graph& g = f.graph;
    g.SetKind("ocs-cubes");
    const int* dims = layout.dims;
    for (int cube = 0; cube < spec.cubes; ++cube)
    {
        for (int z = 0; z < dims[2]; ++z)
        {
            for (int y = 0; y < dims[1]; ++y)
            {
                for (int x = 0; x < dims[0]; ++x)
                {
                    g.AddNode(NodeRole::Accelerator,
                              "c" + std::to_string(cube) + "(" + std::to_string(x) + "," + std::to_string(y) + "," +
                                  std::to_string(z) + ")",
                              {cube, x, y, z});
                }
            }
        }
    }

    // The fixed mesh of each cube; each node adds its "+" link per axis.
    const std::size_t n = g.NumNodes();
    std::vector<uint32_t> plus(n * 3, kNone), minus(n * 3, kNone);
    const uint32_t stride[3] = {1, static_cast<uint32_t>(dims[0]), static_cast<uint32_t>(dims[0] * dims[1])};
    for (uint32_t id = 0; id < n; ++id)
    {
        const std::vector<int>& c = g.GetNode(id).coord;
        for (int a = 0; a < 3; ++a)
        {
            if (c[a + 1] + 1 < dims[a])
            {
                const uint32_t l = g.AddLink(id, id + stride[a], LinkAttrs{spec.cubeLinkLengthM, "cube", a, false});
                plus[id * 3 + a] = l;
                minus[(id + stride[a]) * 3 + a] = l;
            }
        }
    }

    // Candidate circuits: the union of every configuration's, keyed by (OCS, + port, - port).
    std::unordered_map<uint64_t, uint32_t> byPorts;
    std::vector<std::vector<uint32_t>> circuitsOf(n);
    for (std::size_t k = 0; k < spec.configurations.size(); ++k)
    {
        const std::vector<int>& cfg = spec.configurations[k];
        OcsConfiguration conf;
        conf.cubes = cfg;
        conf.crossConnects.assign(f.ocsCount, {});
        for (int a = 0; a < 3; ++a)
        {
            const int au = AxisU(a), av = AxisV(a);
            for (std::size_t p = 0; p < cfg.size(); ++p)
            {
                const int from = cfg[p], to = cfg[NextPosition(p, a, spec.sliceCubes)];
                const uint32_t portPlus = 2 * static_cast<uint32_t>(from) + 1,
                               portMinus = 2 * static_cast<uint32_t>(to);
                for (int v = 0; v < dims[av]; ++v)
                {
                    for (int u = 0; u < dims[au]; ++u)
                    {
                        const uint32_t ocs = layout.Ocs(a, u, v);
                        const uint64_t key = (uint64_t{ocs} * f.portsPerOcs + portPlus) * f.portsPerOcs + portMinus;
                        auto [it, added] = byPorts.emplace(key, 0);
                        if (added)
                        {
                            int c[3];
                            c[au] = u;
                            c[av] = v;
                            c[a] = dims[a] - 1;
                            const uint32_t na = layout.Node(from, c);
                            c[a] = 0;
                            const uint32_t nb = layout.Node(to, c);
                            it->second = g.AddLink(na, nb, LinkAttrs{spec.circuitLengthM, "ocs", a, false});
                            f.circuits.push_back(OcsCircuit{it->second, {ocs, portPlus}, {ocs, portMinus}});
                            circuitsOf[na].push_back(it->second);
                            circuitsOf[nb].push_back(it->second);
                        }
                        conf.circuits.push_back(it->second);
                        conf.crossConnects[ocs].emplace_back(std::min(portPlus, portMinus),
                                                             std::max(portPlus, portMinus));
                    }
                }
            }
        }
        std::sort(conf.circuits.begin(), conf.circuits.end());
        for (auto& pairs : conf.crossConnects)
        {
            std::sort(pairs.begin(), pairs.end());
        }
        f.configurations.push_back(std::move(conf));
    }

    // Same layout on every node: cube links +x, -x, +y, -y, +z, -z (absent ones skipped), then circuits.
    std::vector<uint32_t> order;
    for (uint32_t id = 0; id < n; ++id)
    {
        order.clear();
        for (int a = 0; a < 3; ++a)
        {
            for (uint32_t l : {plus[id * 3 + a], minus[id * 3 + a]})
            {
                if (l != kNone)
                {
                    order.push_back(l);
                }
            }
        }
        order.insert(order.end(), circuitsOf[id].begin(), circuitsOf[id].end());
        g.SetPortOrder(id, order);
    }
    g.Finalize();
    return f;
}

std::size_t
OcsCubes::Find(const std::vector<int>& cubes) const
{
    const auto found = std::find_if(configurations.begin(), configurations.end(),
                                    [&](const OcsConfiguration& c) { return c.cubes == cubes; });
    return static_cast<std::size_t>(found - configurations.begin());
}

std::string
OcsCubes::PortName(OcsPort p) const
{
    if (cubeDims.size() != 3 || p.ocs >= ocsCount || p.port >= portsPerOcs)
    {
        throw TopologyError(std::string(kKind) + ": no OCS port " + std::to_string(p.ocs) + "/" +
                            std::to_string(p.port) + " (OCSes: " + std::to_string(ocsCount) +
                            ", ports each: " + std::to_string(portsPerOcs) + ")");
    }
    return "ocs " + Layout(cubeDims).OcsName(p.ocs) + " port " + std::to_string(p.port) + " (cube " +
           std::to_string(p.port / 2) + (p.port % 2 ? " + face)" : " - face)");
}

} // namespace ofab::topo
