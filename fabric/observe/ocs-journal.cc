#include "ofab/fabric/observe/ocs-journal.h"

#include "ofab/foundation/kernel/parallel-simulator-impl.h"
#include "ofab/topologies/analysis.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <limits>

namespace ofab
{

std::vector<OcsConfigurationFacts>
DescribeOcsConfigurations(const OcsLayer& ocs)
{
    std::vector<OcsConfigurationFacts> out;
    for (std::size_t k = 0; k < ocs.Layout().configurations.size(); ++k)
    {
        const topo::SliceView view = ocs.Layout().View(k);
        OcsConfigurationFacts f;
        f.cubes = ocs.Layout().configurations[k].cubes;
        f.circuits = static_cast<uint32_t>(ocs.Layout().configurations[k].circuits.size());
        f.dims = view.torus.GetGrid()->dims;
        f.diameter = topo::AcceleratorHopStats(view.torus).diameter;
        f.bisectionLinks = topo::TorusBisectionLinks(f.dims);
        out.push_back(std::move(f));
    }
    return out;
}

OcsJournal::OcsJournal(const Fabric& fabric)
    : m_fabric(fabric)
{
    for (const auto& e : fabric.Endpoints())
    {
        e->TraceConnectWithoutContext("TransactionCompleted", ns3::MakeCallback(&OcsJournal::OnCompleted, this));
        e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeCallback(&OcsJournal::OnFailed, this));
    }
}

OcsJournal::~OcsJournal()
{
    for (const auto& e : m_fabric.Endpoints())
    {
        e->TraceDisconnectWithoutContext("TransactionCompleted", ns3::MakeCallback(&OcsJournal::OnCompleted, this));
        e->TraceDisconnectWithoutContext("TransactionFailed", ns3::MakeCallback(&OcsJournal::OnFailed, this));
    }
}

int64_t
OcsJournal::Open() const
{
    if (m_figures.empty() || m_figures.back().readyNs >= 0)
    {
        return -1;
    }
    return static_cast<int64_t>(m_figures.size() - 1);
}

void
OcsJournal::OnCompleted(const TransactionRecord& r)
{
    if (DeferredFromNode(this, &OcsJournal::OnCompleted, r))
    {
        return; // on the parallel core, after the window, in event order: the figures are shared
    }
    const int64_t open = Open();
    if (open >= 0 && r.issueTime.ToDouble(ns3::Time::NS) < m_figures[open].startNs)
    {
        ++m_figures[open].delayed;
    }
}

void
OcsJournal::OnFailed(const TransactionRecord& r)
{
    if (DeferredFromNode(this, &OcsJournal::OnFailed, r))
    {
        return;
    }
    const int64_t open = Open();
    if (open >= 0)
    {
        ++m_figures[open].failed;
    }
}

void
OcsJournal::OnStarted(std::size_t reconfiguration)
{
    const OcsLayer::Reconfiguration& rec = m_fabric.Ocs()->History().at(reconfiguration);
    OcsReconfigurationFigures f;
    f.from = rec.from;
    f.to = rec.to;
    f.reason = rec.reason;
    f.startNs = rec.start.ToDouble(ns3::Time::NS);
    f.darkMinNs = std::numeric_limits<double>::infinity();
    for (const OcsLayer::CircuitMove& move : rec.moves)
    {
        if (!move.lights)
        {
            ++f.circuitsDarkened;
            continue;
        }
        ++f.circuitsLit;
        const double dark = (move.litAt - rec.start).ToDouble(ns3::Time::NS);
        f.darkMinNs = std::min(f.darkMinNs, dark);
        f.darkMaxNs = std::max(f.darkMaxNs, dark);
    }
    if (f.circuitsLit == 0)
    {
        f.darkMinNs = 0;
    }
    m_figures.push_back(std::move(f));
}

void
OcsJournal::OnReady(std::size_t reconfiguration)
{
    const OcsLayer& ocs = *m_fabric.Ocs();
    const OcsLayer::Reconfiguration& rec = ocs.History().at(reconfiguration);
    OcsReconfigurationFigures& f = m_figures.at(reconfiguration);
    f.litNs = rec.lit.ToDouble(ns3::Time::NS);
    f.readyNs = rec.ready.ToDouble(ns3::Time::NS);
    // The slice as the links are now: lit, in the slice, both directions carrying light.
    const topo::Graph& g = m_fabric.Graph();
    topo::LinkMask live(g.NumLinks(), false);
    for (const FabricLink& l : m_fabric.Links())
    {
        live[l.id] = ocs.SliceMask()[l.id] && l.channel->IsUp(0) && l.channel->IsUp(1);
    }
    const topo::SliceView& view = ocs.View();
    const topo::HopStats hops = topo::HopStatsBetween(g, view.node, live);
    f.sliceConnected = hops.unreachablePairs == 0;
    f.sliceDiameter = hops.diameter;
    bool sixEach = true;
    for (uint32_t node : view.node)
    {
        uint32_t up = 0;
        for (const topo::Adjacency& a : g.GetNeighbours(node))
        {
            up += live[a.link] ? 1 : 0;
        }
        sixEach = sixEach && up == 2 * view.torus.GetGrid()->dims.size();
    }
    f.sliceIsTorus = f.sliceConnected && sixEach && f.sliceDiameter == topo::AcceleratorHopStats(view.torus).diameter;
}

OcsSummary
OcsJournal::Finish() const
{
    OcsSummary s;
    const topo::OcsCubes& layout = m_fabric.Ocs()->Layout();
    s.cubeDims = layout.cubeDims;
    s.sliceCubes = layout.sliceCubes;
    s.cubeCount = static_cast<uint32_t>(layout.graph.GetNodes().size() /
                                        (layout.cubeDims[0] * layout.cubeDims[1] * layout.cubeDims[2]));
    s.configurations = DescribeOcsConfigurations(*m_fabric.Ocs());
    s.reconfigurations = m_figures;
    s.finalConfiguration = m_fabric.Ocs()->Current();
    for (std::size_t i = 0; i < s.reconfigurations.size(); ++i)
    {
        const OcsLayer::Reconfiguration& rec = m_fabric.Ocs()->History()[i];
        if (!rec.lit.IsZero())
        {
            s.reconfigurations[i].litNs = rec.lit.ToDouble(ns3::Time::NS);
        }
    }
    return s;
}

} // namespace ofab
