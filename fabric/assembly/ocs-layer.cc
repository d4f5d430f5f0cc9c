#include "ofab/fabric/assembly/ocs-layer.h"

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <iterator>

namespace ofab
{

namespace
{
double
DoubleAttribute(const ns3::Ptr<ns3::Object>& object, const char* attribute)
{
    ns3::DoubleValue v;
    object->GetAttribute(attribute, v);
    return v.Get();
}

/// Adds `db` to a link attribute that sums the inline elements' figures.
void
AddDb(const ns3::Ptr<PhotonicLink>& link, const char* attribute, double db)
{
    link->SetAttribute(attribute, ns3::DoubleValue(DoubleAttribute(link, attribute) + db));
}
} // namespace

OcsLayer::OcsLayer(std::shared_ptr<const topo::OcsCubes> layout, const ns3::ObjectFactory& switchFactory,
                   const std::vector<FabricLink>& links)
    : m_layout(std::move(layout))
{
    const topo::OcsCubes& l = *m_layout;
    for (uint32_t o = 0; o < l.ocsCount; ++o)
    {
        auto ocs = switchFactory.Create<OpticalCircuitSwitch>();
        ocs->Validate();
        ns3::UintegerValue ports;
        ocs->GetAttribute("PortCount", ports);
        if (ports.Get() < l.portsPerOcs)
        {
            throw ParameterError("PortCount", "the layout needs " + std::to_string(l.portsPerOcs) +
                                                  " ports per circuit switch (2 per cube), the switch has " +
                                                  std::to_string(ports.Get()));
        }
        m_switches.push_back(ocs);
    }
    m_channel.assign(links.size(), nullptr);
    m_circuitOf.assign(links.size(), -1);
    for (std::size_t c = 0; c < l.circuits.size(); ++c)
    {
        const topo::OcsCircuit& circuit = l.circuits[c];
        m_circuitOf[circuit.link] = static_cast<int32_t>(c);
        const ns3::Ptr<OpticalChannel>& channel = links.at(circuit.link).channel;
        m_channel[circuit.link] = channel;
        // Light crosses the switch once per direction: its insertion loss and crosstalk are in both budgets.
        const ns3::Ptr<OpticalCircuitSwitch>& ocs = m_switches[circuit.a.ocs];
        for (uint8_t end = 0; end < 2; ++end)
        {
            AddDb(channel->GetLink(end), "InlineLossDb", DoubleAttribute(ocs, "InsertionLossDb"));
            channel->GetLink(end)->SetAttribute("InlineCrosstalkDb",
                                                ns3::DoubleValue(DoubleAttribute(ocs, "CrosstalkDb")));
        }
    }
    const topo::OcsConfiguration& first = l.configurations.at(0);
    for (uint32_t o = 0; o < l.ocsCount; ++o)
    {
        m_switches[o]->SetCrossConnects(first.crossConnects[o]);
    }
    for (const topo::OcsCircuit& circuit : l.circuits)
    {
        if (!std::binary_search(first.circuits.begin(), first.circuits.end(), circuit.link))
        {
            m_channel[circuit.link]->SetCircuitConnected(false);
        }
    }
    Select(0);
}

void
OcsLayer::Select(std::size_t configuration)
{
    m_current = configuration;
    m_view = m_layout->View(configuration);
    m_sliceMask = topo::SliceMask(*m_layout, configuration);
}

std::vector<uint32_t>
OcsLayer::SliceAccelerators() const
{
    std::vector<uint32_t> out;
    out.reserve(m_view.node.size());
    for (uint32_t node : m_view.node)
    {
        out.push_back(static_cast<uint32_t>(m_layout->graph.AcceleratorIndex(node)));
    }
    return out;
}

std::string
OcsLayer::RefusalFor(std::size_t target) const
{
    if (target >= m_layout->configurations.size())
    {
        return "configuration " + std::to_string(target) + " does not exist (" +
               std::to_string(m_layout->configurations.size()) + " declared)";
    }
    if (m_moving)
    {
        return "the circuit switches are still moving to configuration " + std::to_string(m_current);
    }
    if (target == m_current)
    {
        return "configuration " + std::to_string(target) + " is already in force";
    }
    return "";
}

const OcsLayer::Reconfiguration&
OcsLayer::Reconfigure(std::size_t target, const std::string& reason)
{
    const std::string refusal = RefusalFor(target);
    if (!refusal.empty())
    {
        throw ParameterError("Configuration", refusal);
    }
    const topo::OcsCubes& l = *m_layout;
    const std::vector<uint32_t>& before = l.configurations[m_current].circuits;
    const std::vector<uint32_t>& after = l.configurations[target].circuits;
    std::vector<uint32_t> leaving;
    std::vector<uint32_t> joining;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(leaving));
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(joining));

    Reconfiguration rec;
    rec.from = m_current;
    rec.to = target;
    rec.reason = reason;
    rec.start = ns3::Simulator::Now();
    rec.switchTimes.assign(l.ocsCount, ns3::Time());
    // Every switch whose map changes moves, each in its own drawn time.
    std::vector<bool> moves(l.ocsCount, false);
    for (uint32_t link : leaving)
    {
        moves[l.circuits[m_circuitOf[link]].a.ocs] = true;
    }
    for (uint32_t link : joining)
    {
        moves[l.circuits[m_circuitOf[link]].a.ocs] = true;
    }
    for (uint32_t o = 0; o < l.ocsCount; ++o)
    {
        if (moves[o])
        {
            m_switches[o]->SetCrossConnects(l.configurations[target].crossConnects[o]);
            rec.switchTimes[o] = m_switches[o]->DrawReconfigurationTime();
        }
    }
    for (uint32_t link : leaving)
    {
        m_channel[link]->SetCircuitConnected(false);
        rec.moves.push_back(CircuitMove{link, l.circuits[m_circuitOf[link]].a.ocs, false, ns3::Time()});
    }
    for (uint32_t link : joining)
    {
        const uint32_t o = l.circuits[m_circuitOf[link]].a.ocs;
        rec.moves.push_back(CircuitMove{link, o, true, rec.start + rec.switchTimes[o]});
    }
    m_history.push_back(std::move(rec));
    const std::size_t index = m_history.size() - 1;
    m_moving = true;
    m_switchesMoving = 0;
    for (uint32_t o = 0; o < l.ocsCount; ++o)
    {
        if (moves[o])
        {
            ++m_switchesMoving;
            ns3::Simulator::Schedule(m_history[index].switchTimes[o], &OcsLayer::Light, this, index, o);
        }
    }
    Select(target);
    if (m_listeners.started)
    {
        m_listeners.started(index);
    }
    return m_history[index];
}

void
OcsLayer::ReconfigureIn(ns3::Time delay, std::size_t target, const std::string& reason)
{
    ns3::Simulator::Schedule(delay, [this, target, reason] {
        const std::string refusal = RefusalFor(target);
        if (refusal.empty())
        {
            Reconfigure(target, reason);
        }
        else if (m_listeners.skipped)
        {
            m_listeners.skipped(target, refusal);
        }
    });
}

void
OcsLayer::Light(std::size_t reconfiguration, uint32_t ocs)
{
    Reconfiguration& rec = m_history[reconfiguration];
    for (const CircuitMove& move : rec.moves)
    {
        if (move.lights && move.ocs == ocs)
        {
            m_channel[move.link]->SetCircuitConnected(true);
        }
    }
    if (--m_switchesMoving == 0)
    {
        m_moving = false;
        rec.lit = ns3::Simulator::Now();
        if (m_listeners.lit)
        {
            m_listeners.lit(reconfiguration);
        }
    }
}

void
OcsLayer::OnRoutesInstalled(std::size_t configuration, bool complete)
{
    if (m_history.empty() || m_moving || !complete || configuration != m_current)
    {
        return;
    }
    Reconfiguration& rec = m_history.back();
    if (!rec.ready.IsZero())
    {
        return;
    }
    rec.ready = ns3::Simulator::Now();
    if (m_listeners.ready)
    {
        m_listeners.ready(m_history.size() - 1);
    }
}

int64_t
OcsLayer::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (const auto& ocs : m_switches)
    {
        used += ocs->AssignStreams(stream + used);
    }
    return used;
}

} // namespace ofab
