#include "ofab/fabric/faults/fault-injector.h"

#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <stdexcept>

// Faults and repairs injected while the run goes (`ofab serve`'s cut, repair and degrade): checked
// against what is in effect now, then scheduled like the planned ones.

namespace ofab
{

FaultInjector::LiveOutcome
FaultInjector::Inject(const FaultSpec& spec)
{
    if (!m_fabric || !m_installed)
    {
        throw std::logic_error("FaultInjector::Inject before Configure and Install");
    }
    const ns3::Time now = ns3::Simulator::Now();
    if (spec.at < now)
    {
        throw spec.key.Error("at " + FormatTime(spec.at) + " is in the past: the simulation is at " + FormatTime(now));
    }
    if (spec.hasRepairAt && spec.repairAt <= spec.at)
    {
        throw spec.key.Error("repair_at " + FormatTime(spec.repairAt) + " is not after the fault (" +
                             FormatTime(spec.at) + ")");
    }
    const FaultResolver resolver(*m_fabric, *m_lasers, m_groups);
    InjectedFault f = resolver.Resolve(spec); // ConfigError for a source or line the fabric does not have
    const std::string key = RepairKey(f.kind, f.identity);
    LiveOutcome out;
    out.at = spec.at;
    out.element = f.element;
    out.detail = f.detail;
    const bool inEffect = m_inEffect.count(key) > 0;
    if (spec.repair)
    {
        if (spec.at > now)
        {
            const FaultKind kind = f.kind;
            const std::string element = f.element;
            m_events.push_back(ns3::Simulator::Schedule(
                spec.at - now, [this, key, kind, element] { ExecuteRepair(key, kind, element); }));
            return out;
        }
        if (!inEffect)
        {
            throw spec.key.Error("nothing to repair: no " + std::string(ToString(RepairFamily(f.kind))) + " of " +
                                 f.element + " is in effect now (" + FormatTime(now) + ")");
        }
        out.applied = true;
        out.fault = static_cast<uint32_t>(ExecuteRepair(key, f.kind, f.element));
        return out;
    }
    if (spec.at == now && inEffect)
    {
        const Status& other = m_status[m_inEffect.at(key).back()];
        throw spec.key.Error(f.element + " already has a " + ToString(RepairFamily(f.kind)) + " in effect (since " +
                             FormatTime(other.since) + "): repair it first");
    }
    f.detail += "; injected";
    const auto fault = static_cast<uint32_t>(m_faults.size());
    m_faults.push_back(std::move(f));
    m_status.emplace_back();
    out.fault = fault;
    out.detail = m_faults[fault].detail;
    std::vector<Action> actions;
    for (uint32_t k = 0; spec.kind == FaultKind::Flap && k < spec.count; ++k)
    {
        const ns3::Time down = spec.at + spec.period * static_cast<int64_t>(k);
        actions.push_back({down, fault, false, k + 1});
        actions.push_back({down + spec.downFor, fault, true, k + 1});
    }
    if (spec.kind != FaultKind::Flap)
    {
        actions.push_back({spec.at, fault, false, 0});
    }
    if (spec.hasRepairAt)
    {
        actions.push_back({spec.repairAt, fault, true, 0});
    }
    for (const Action& a : actions)
    {
        const uint32_t index = AddAction(a);
        if (a.at == now && !a.repair)
        {
            out.applied = true;
            ExecuteInjected(index);
        }
        else
        {
            m_events.push_back(ns3::Simulator::Schedule(a.at - now, &FaultInjector::ExecuteInjected, this, index));
        }
    }
    return out;
}

void
FaultInjector::ExecuteInjected(uint32_t action)
{
    const Action a = m_schedule[action];
    const InjectedFault& f = m_faults[a.fault];
    Status& st = m_status[a.fault];
    const bool starts = !a.repair && a.cycle <= 1;
    if (starts && !st.active)
    {
        const auto it = m_inEffect.find(RepairKey(f.kind, f.identity));
        if (it != m_inEffect.end() && it->second.back() != a.fault)
        {
            st.stopped = true; // a refused flap's later cycles do nothing either
            m_refusedTrace(ns3::Simulator::Now(), f.kind, f.element,
                           "already has a " + std::string(ToString(RepairFamily(f.kind))) + " in effect (since " +
                               FormatTime(m_status[it->second.back()].since) + ")");
            return;
        }
    }
    if (st.stopped && f.kind != FaultKind::Flap)
    {
        return; // refused when it came due: its repair_at has nothing to undo
    }
    Execute(action);
}

int64_t
FaultInjector::ExecuteRepair(const std::string& key, FaultKind kind, const std::string& element)
{
    const auto it = m_inEffect.find(key);
    if (it == m_inEffect.end())
    {
        m_refusedTrace(ns3::Simulator::Now(), kind, element,
                       "nothing to repair: no " + std::string(ToString(RepairFamily(kind))) + " in effect");
        return -1;
    }
    const uint32_t fault = it->second.back();
    Execute(AddAction({ns3::Simulator::Now(), fault, true, 0}));
    return fault;
}

} // namespace ofab
