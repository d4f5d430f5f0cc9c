#include "fabric/helper/fabric-builder.h"

#include "fabric/control/route-plan.h"

#include "photonics/model/parameter-error.h"

#include "ns3/double.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ofab
{

namespace
{
/// UALink accelerator ids are 10 bits.
constexpr uint32_t kMaxAccelerators = 1024;
} // namespace

const char*
ToString(RoutingMode m)
{
    switch (m)
    {
    case RoutingMode::Auto:
        return "auto";
    case RoutingMode::DimensionOrder:
        return "dimension_order";
    case RoutingMode::ShortestPath:
        return "shortest_path";
    }
    return "?";
}

Fabric::Fabric(topo::Graph graph, FabricSpec& spec)
    : m_graph(std::move(graph)),
      m_routing(spec.routing)
{
    const uint32_t accelerators = static_cast<uint32_t>(m_graph.NumAccelerators());
    if (accelerators < 2)
    {
        throw ParameterError("Topology", "a fabric needs at least 2 accelerators, got " + std::to_string(accelerators));
    }
    if (accelerators > kMaxAccelerators)
    {
        throw ParameterError("Topology", "UALink accelerator ids are 10 bits: at most 1024 accelerators, got " +
                                             std::to_string(accelerators));
    }
    const bool grid = m_graph.grid().has_value();
    if (m_routing == RoutingMode::DimensionOrder && !grid)
    {
        throw ParameterError("Routing", "dimension_order routing needs a torus, mesh or ring topology");
    }
    if (m_routing == RoutingMode::Auto)
    {
        m_routing = grid ? RoutingMode::DimensionOrder : RoutingMode::ShortestPath;
    }
    Build(spec);
    const auto partitioned = InstallRoutes();
    if (!partitioned.empty())
    {
        throw ParameterError("Topology", "the topology is disconnected: accelerator " +
                                             std::to_string(partitioned.front().first) + " cannot reach " +
                                             std::to_string(partitioned.front().second));
    }
}

void
Fabric::Build(FabricSpec& spec)
{
    m_graph.Finalize();
    const uint32_t accelerators = static_cast<uint32_t>(m_graph.NumAccelerators());
    m_routers.resize(m_graph.NumNodes());
    m_routerPort.resize(m_graph.NumNodes());
    for (const topo::Node& n : m_graph.nodes())
    {
        ns3::Ptr<UalinkRouter> router;
        if (n.role == topo::NodeRole::Accelerator)
        {
            auto e = spec.endpoint.Create<AcceleratorEndpoint>();
            e->SetAttribute("AcceleratorId", ns3::UintegerValue(m_graph.AcceleratorIndex(n.id)));
            e->Validate();
            m_endpoints.push_back(e);
            router = e;
        }
        else
        {
            auto s = spec.switchFactory.Create<UalinkSwitch>();
            s->Validate();
            router = s;
        }
        router->SetDestinationCount(accelerators);
        m_routers[n.id] = router;
        m_routerPort[n.id].assign(m_graph.degree(n.id), UalinkRouter::kNoPort);
    }

    // A node's transmitters take their lines from its own laser sources, PortCount ports per source,
    // one run of sources per link class (a class may use a different laser).
    struct SourceSlot
    {
        ns3::Ptr<LaserSource> source;
        uint32_t used = 0;
    };
    std::map<std::pair<uint32_t, std::string>, SourceSlot> slots;
    auto helperFor = [&](const std::string& linkClass) -> PhotonicLinkHelper& {
        auto it = spec.photonicsByClass.find(linkClass);
        return it == spec.photonicsByClass.end() ? spec.photonics : it->second;
    };
    auto sourceFor = [&](uint32_t node, const std::string& linkClass) {
        SourceSlot& slot = slots[{node, linkClass}];
        if (!slot.source || slot.used == slot.source->GetPortCount())
        {
            slot.source = helperFor(linkClass).CreateLaserSource();
            slot.used = 0;
            m_sources.push_back(slot.source);
        }
        ++slot.used;
        return slot.source;
    };
    auto makePort = [&](const topo::Link& l) {
        ns3::Ptr<UalinkPort> p = spec.port.Create<UalinkPort>();
        // Ports of one torus dimension form a routing group: changing group restarts the VC class.
        p->SetAttribute("RoutingGroup", ns3::UintegerValue(l.dimension >= 0 ? l.dimension : 0));
        p->Validate();
        return p;
    };

    m_links.reserve(m_graph.NumLinks());
    for (const topo::Link& l : m_graph.links())
    {
        PhotonicLinkHelper& photonics = helperFor(l.linkClass);
        photonics.SetLinkAttribute("FibreLengthM", ns3::DoubleValue(l.lengthM));
        FabricLink f;
        f.id = l.id;
        f.a = l.a;
        f.b = l.b;
        f.channel = photonics.Install(sourceFor(l.a, l.linkClass), sourceFor(l.b, l.linkClass));
        f.portA = makePort(l);
        f.portB = makePort(l);
        m_routerPort[l.a][l.portA] = m_routers[l.a]->AddPort(f.portA);
        m_routerPort[l.b][l.portB] = m_routers[l.b]->AddPort(f.portB);
        f.portA->Attach(f.channel, 0, f.portB);
        f.portB->Attach(f.channel, 1, f.portA);
        m_links.push_back(f);
    }
}

double
Fabric::InjectionRateBps(uint32_t accelerator) const
{
    const auto& e = m_endpoints.at(accelerator);
    double rate = 0;
    for (uint32_t i = 0; i < e->GetNPorts(); ++i)
    {
        rate += e->GetPort(i)->GetCapacityBps();
    }
    return rate;
}

std::vector<std::pair<uint32_t, uint32_t>>
Fabric::InstallRoutes(const topo::LinkMask& mask, const topo::LinkWeights& weights)
{
    const RoutePlan plan = PlanRoutes(*this, mask, weights);
    for (uint32_t node = 0; node < m_routers.size(); ++node)
    {
        InstallEntries(*m_routers[node], plan.tables[node], ChangedDestinations(*m_routers[node], plan.tables[node]));
    }
    return plan.partitioned;
}

int64_t
Fabric::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (const auto& l : m_links)
    {
        used += PhotonicLinkHelper::AssignStreams(l.channel, stream + used);
    }
    return used;
}

} // namespace ofab
