#include "ofab/fabric/assembly/fabric.h"

#include "ofab/foundation/parameter-error.h"

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

Fabric::Fabric(topo::Graph graph, const FabricSpec& spec)
    : m_graph(std::move(graph)),
      m_routing(spec.routing),
      m_builder(spec.protocol)
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
    // An OCS fabric routes its slice, a torus, in dimension order (fabric/routing).
    const bool grid = m_graph.GetGrid().has_value() || spec.ocs;
    if (m_routing == RoutingMode::DimensionOrder && !grid)
    {
        throw ParameterError("Routing", "dimension_order routing needs a torus, mesh or ring topology");
    }
    if (m_routing == RoutingMode::Auto)
    {
        m_routing = grid ? RoutingMode::DimensionOrder : RoutingMode::ShortestPath;
    }
    Build(spec);
}

void
Fabric::Build(const FabricSpec& spec)
{
    m_graph.Finalize();
    m_builder.SetDestinationCount(static_cast<uint32_t>(m_graph.NumAccelerators()));
    m_routers.resize(m_graph.NumNodes());
    m_routerPort.resize(m_graph.NumNodes());
    for (const topo::Node& n : m_graph.GetNodes())
    {
        ns3::Ptr<UalinkRouter> router;
        if (n.role == topo::NodeRole::Accelerator)
        {
            auto e = m_builder.CreateEndpoint(static_cast<uint16_t>(m_graph.AcceleratorIndex(n.id)));
            m_endpoints.push_back(e);
            router = e;
        }
        else
        {
            router = m_builder.CreateSwitch();
        }
        router->SetContext(n.id); // the node's events run in its context (the parallel core's unit)
        m_routers[n.id] = router;
        m_routerPort[n.id].assign(m_graph.GetDegree(n.id), UalinkRouter::kNoPort);
    }

    // A node's transmitters take their lines from its own laser sources, PortCount ports per source,
    // one run of sources per link class (a class may use a different laser).
    struct SourceSlot
    {
        ns3::Ptr<LaserSource> source;
        uint32_t used = 0;
    };
    std::map<std::pair<uint32_t, std::string>, SourceSlot> slots;
    auto photonicsFor = [&](const std::string& linkClass) -> const PhotonicLinkHelper& {
        auto it = spec.photonicsByClass.find(linkClass);
        return it == spec.photonicsByClass.end() ? m_builder.Photonics() : it->second;
    };
    auto sourceFor = [&](uint32_t node, const std::string& linkClass) {
        SourceSlot& slot = slots[{node, linkClass}];
        if (!slot.source || slot.used == slot.source->GetPortCount())
        {
            slot.source = photonicsFor(linkClass).CreateLaserSource();
            slot.used = 0;
            m_sources.push_back(slot.source);
        }
        ++slot.used;
        return slot.source;
    };

    m_links.reserve(m_graph.NumLinks());
    for (const topo::Link& l : m_graph.GetLinks())
    {
        const ns3::Ptr<OpticalChannel> channel =
            photonicsFor(l.linkClass).Install(sourceFor(l.a, l.linkClass), sourceFor(l.b, l.linkClass), l.lengthM);
        // Ports of one torus dimension form a routing group: changing group restarts the VC class.
        const UalinkHelper::Link wired =
            m_builder.Connect(m_routers[l.a], m_routers[l.b], channel, l.dimension >= 0 ? l.dimension : 0);
        m_routerPort[l.a][l.portA] = wired.portA->GetIndex();
        m_routerPort[l.b][l.portB] = wired.portB->GetIndex();
        m_links.push_back(FabricLink{l.id, l.a, l.b, wired.portA, wired.portB, channel});
    }
    if (spec.ocs)
    {
        m_ocs = std::make_unique<OcsLayer>(spec.ocs, spec.ocsSwitch, m_links);
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
Fabric::InstallRoutes(const RoutePlan& plan)
{
    for (uint32_t node = 0; node < m_routers.size(); ++node)
    {
        InstallEntries(*m_routers[node], plan.tables[node], ChangedDestinations(*m_routers[node], plan.tables[node]));
    }
    NoteInstalled(plan);
    return plan.partitioned;
}

void
Fabric::NoteInstalled(const RoutePlan& plan)
{
    if (m_ocs && plan.ocsConfiguration >= 0)
    {
        m_ocs->OnRoutesInstalled(static_cast<std::size_t>(plan.ocsConfiguration), plan.partitioned.empty());
    }
}

int64_t
Fabric::AssignStreams(int64_t stream)
{
    const int64_t used = m_builder.AssignStreams(stream);
    return m_ocs ? used + m_ocs->AssignStreams(stream + used) : used;
}

} // namespace ofab
