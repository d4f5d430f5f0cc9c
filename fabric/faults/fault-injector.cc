#include "ofab/fabric/faults/fault-injector.h"

#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace ofab
{

namespace
{

/// Beyond this many drawn faults and repairs the schedule is a mistake (an mttf far below the run).
constexpr std::size_t kMaxDrawnActions = 10'000'000;

} // namespace

std::string
FaultInjector::RepairKey(FaultKind kind, const std::string& identity)
{
    return std::string(ToString(RepairFamily(kind))) + "|" + identity;
}

ns3::TypeId
FaultInjector::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("ofab::FaultInjector")
            .SetParent<ns3::Object>()
            .SetGroupName("Ofab")
            .AddConstructor<FaultInjector>()
            .AddTraceSource(
                "Fault", "A fault or repair was applied to the models: (time, kind, element, detail, isRepair).",
                ns3::MakeTraceSourceAccessor(&FaultInjector::m_faultTrace), "ofab::FaultInjector::FaultTracedCallback")
            .AddTraceSource("LinkFailed",
                            "A link entered (true) or left (false) the failed set: cut, or a direction without lines.",
                            ns3::MakeTraceSourceAccessor(&FaultInjector::m_linkFailedTrace),
                            "ofab::FaultInjector::LinkFailedTracedCallback")
            .AddTraceSource("Refused", "An injected action came due with nothing to do: (time, kind, element, reason).",
                            ns3::MakeTraceSourceAccessor(&FaultInjector::m_refusedTrace),
                            "ofab::FaultInjector::RefusedTracedCallback");
    return tid;
}

FaultInjector::FaultInjector()
{
    for (auto& rv : m_rv)
    {
        rv = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    }
}

void
FaultInjector::Configure(const Fabric& fabric, const FaultPlan& plan)
{
    m_fabric = &fabric;
    m_lasers = std::make_unique<LaserMap>(fabric);
    m_state = std::make_unique<FaultState>(fabric, *m_lasers);
    m_state->SetMaskCallback(ns3::MakeCallback(&FaultInjector::OnMaskChange, this));
    m_groups = plan.groups;
    m_stochastic = plan.stochastic;
    const FaultResolver resolver(fabric, *m_lasers, m_groups);
    for (const FaultGroup& g : m_groups)
    {
        resolver.Group(g.name); // a bad source index in a group is an error even if nothing names the group
    }
    BuildExplicitTimeline(plan);
}

void
FaultInjector::BuildExplicitTimeline(const FaultPlan& plan)
{
    const FaultResolver resolver(*m_fabric, *m_lasers, m_groups);
    const auto& specs = plan.events;
    std::vector<InjectedFault> resolved;
    std::vector<std::string> keys;
    std::multimap<std::string, ns3::Time> faultTimes; // for the hint of a repair that matches nothing
    for (const FaultSpec& s : specs)
    {
        resolved.push_back(resolver.Resolve(s));
        keys.push_back(RepairKey(s.kind, resolved.back().identity));
        if (!s.repair)
        {
            faultTimes.emplace(keys.back(), s.at);
        }
    }

    // Walk the entries in time order (file order at equal times), as the simulator will run them.
    enum Type
    {
        Entry,
        RepairAt,
        FlapEnd
    };
    struct Step
    {
        ns3::Time at;
        uint64_t order;
        uint32_t spec;
        Type type;
    };
    std::vector<Step> steps;
    for (uint32_t i = 0; i < specs.size(); ++i)
    {
        const FaultSpec& s = specs[i];
        steps.push_back({s.at, 2ull * i, i, Entry});
        if (s.hasRepairAt)
        {
            steps.push_back({s.repairAt, 2ull * i + 1, i, RepairAt});
        }
        if (s.kind == FaultKind::Flap && !s.repair)
        {
            // A flap is in effect until its last cycle is back up.
            const ns3::Time end = s.at + s.period * static_cast<int64_t>(s.count - 1) + s.downFor;
            steps.push_back({end, UINT64_MAX, i, FlapEnd});
        }
    }
    std::stable_sort(steps.begin(), steps.end(),
                     [](const Step& a, const Step& b) { return a.at != b.at ? a.at < b.at : a.order < b.order; });

    std::map<std::string, std::pair<uint32_t, uint32_t>> active; // key -> (fault, spec)
    std::vector<int64_t> faultOfSpec(specs.size(), -1);
    for (const Step& step : steps)
    {
        const FaultSpec& s = specs[step.spec];
        const std::string& key = keys[step.spec];
        const auto it = active.find(key);
        if (step.type == Entry && !s.repair)
        {
            if (it != active.end())
            {
                const FaultSpec& other = specs[it->second.second];
                throw s.key.Error(resolved[step.spec].element + " already has a " + ToString(RepairFamily(s.kind)) +
                                  " in effect at " + FormatTime(s.at) + " (" + other.key.path + ", at " +
                                  FormatTime(other.at) + "): repair it first");
            }
            const auto fault = static_cast<uint32_t>(m_faults.size());
            m_faults.push_back(resolved[step.spec]);
            faultOfSpec[step.spec] = fault;
            active[key] = {fault, step.spec};
            for (uint32_t k = 0; s.kind == FaultKind::Flap && k < s.count; ++k)
            {
                const ns3::Time down = s.at + s.period * static_cast<int64_t>(k);
                m_explicit.push_back({down, fault, false, k + 1});
                m_explicit.push_back({down + s.downFor, fault, true, k + 1});
            }
            if (s.kind != FaultKind::Flap)
            {
                m_explicit.push_back({s.at, fault, false, 0});
            }
        }
        else if (step.type == Entry)
        {
            if (it == active.end())
            {
                const auto [first, last] = faultTimes.equal_range(key);
                std::string hint = " (it never fails)";
                for (auto t = first; t != last; ++t)
                {
                    hint = t->second > s.at ? " (it fails later, at " + FormatTime(t->second) + ")"
                                            : " (it was repaired, or had ended, before)";
                }
                throw s.key.Error("nothing to repair: no " + std::string(ToString(RepairFamily(s.kind))) + " of " +
                                  resolved[step.spec].element + " is in effect at " + FormatTime(s.at) + hint);
            }
            m_explicit.push_back({s.at, it->second.first, true, 0});
            active.erase(it);
        }
        else if (it != active.end() && static_cast<int64_t>(it->second.first) == faultOfSpec[step.spec])
        {
            if (step.type == RepairAt)
            {
                m_explicit.push_back({s.repairAt, it->second.first, true, 0});
            }
            active.erase(it);
        }
        else if (step.type == RepairAt)
        {
            throw FaultKey{s.key.path + ".repair_at", s.key.where}.Error(
                "nothing to repair at " + FormatTime(s.repairAt) + ": " + resolved[step.spec].element +
                (s.kind == FaultKind::Flap ? " has stopped flapping by then" : " was already repaired by then"));
        }
    }
}

int64_t
FaultInjector::AssignStreams(int64_t stream)
{
    for (std::size_t i = 0; i < m_rv.size(); ++i)
    {
        m_rv[i]->SetStream(stream + static_cast<int64_t>(i));
    }
    return static_cast<int64_t>(m_rv.size());
}

template <class Make>
void
FaultInjector::DrawElement(const FailureRates& rates, ns3::ExponentialRandomVariable& rv, ns3::Time until, Make&& make)
{
    ns3::Time t = m_stochastic.start;
    int64_t fault = -1;
    while (true)
    {
        t += ns3::Seconds(rv.GetValue(rates.mttf.GetSeconds(), 0));
        if (t >= until)
        {
            return;
        }
        if (fault < 0)
        {
            InjectedFault f = make();
            f.stochastic = true;
            f.detail += "; stochastic";
            fault = static_cast<int64_t>(m_faults.size());
            m_faults.push_back(std::move(f));
        }
        m_schedule.push_back({t, static_cast<uint32_t>(fault), false, 0});
        t += ns3::Seconds(rv.GetValue(rates.mttr.GetSeconds(), 0));
        if (t >= until)
        {
            return;
        }
        m_schedule.push_back({t, static_cast<uint32_t>(fault), true, 0});
        if (m_schedule.size() > kMaxDrawnActions)
        {
            throw rates.key.Error("draws more than " + std::to_string(kMaxDrawnActions) +
                                  " faults and repairs before the end of the run: raise mttf");
        }
    }
}

void
FaultInjector::DrawStochastic(ns3::Time until)
{
    // Each class draws from its own stream, element by element in id order: enabling one class never
    // changes another's schedule.
    const FaultResolver resolver(*m_fabric, *m_lasers, m_groups);
    const StochasticFaults& s = m_stochastic;
    const topo::Graph& g = m_fabric->Graph();
    for (uint32_t l = 0; s.links.Enabled() && l < g.NumLinks(); ++l)
    {
        DrawElement(s.links, *m_rv[0], until, [&] { return resolver.Link(l); });
    }
    for (uint32_t src = 0; s.laserLines.Enabled() && src < m_lasers->Sources().size(); ++src)
    {
        for (uint32_t line = 0; line < m_lasers->Sources()[src].laser->GetLineCount(); ++line)
        {
            DrawElement(s.laserLines, *m_rv[1], until, [&] { return resolver.Line(src, line); });
        }
    }
    for (uint32_t src = 0; s.laserSources.Enabled() && src < m_lasers->Sources().size(); ++src)
    {
        DrawElement(s.laserSources, *m_rv[2], until, [&] { return resolver.Source(src); });
    }
    for (const topo::Node& n : g.GetNodes())
    {
        if (s.switches.Enabled() && n.role == topo::NodeRole::Switch)
        {
            DrawElement(s.switches, *m_rv[3], until, [&] { return resolver.Switch(n.id); });
        }
    }
    for (const topo::Node& n : g.GetNodes())
    {
        if (s.accelerators.Enabled() && n.role == topo::NodeRole::Accelerator)
        {
            DrawElement(s.accelerators, *m_rv[5], until, [&] { return resolver.Accelerator(n.id); });
        }
    }
    for (const FaultGroup& group : m_groups)
    {
        if (s.groups.Enabled())
        {
            DrawElement(s.groups, *m_rv[4], until, [&] { return resolver.Group(group.name); });
        }
    }
}

void
FaultInjector::Install(ns3::Time until)
{
    NS_ASSERT_MSG(m_fabric, "FaultInjector::Install before Configure");
    m_schedule.clear();
    DrawStochastic(until);
    // Explicit actions first at equal times, in the order Configure checked them.
    m_schedule.insert(m_schedule.begin(), m_explicit.begin(), m_explicit.end());
    std::stable_sort(m_schedule.begin(), m_schedule.end(),
                     [](const Action& a, const Action& b) { return a.at < b.at; });
    m_status.assign(m_faults.size(), Status{});
    m_installed = true;
    const ns3::Time now = ns3::Simulator::Now();
    for (uint32_t i = 0; i < m_schedule.size(); ++i)
    {
        if (m_schedule[i].at >= until)
        {
            continue; // at or after the end: it never happens (the run warns of it)
        }
        const ns3::Time delay = m_schedule[i].at > now ? m_schedule[i].at - now : ns3::Time();
        m_events.push_back(ns3::Simulator::Schedule(delay, &FaultInjector::Execute, this, i));
    }
}

void
FaultInjector::Execute(uint32_t action)
{
    const Action& a = m_schedule[action];
    const InjectedFault& f = m_faults[a.fault];
    Status& st = m_status[a.fault];
    if (f.kind == FaultKind::Flap && a.cycle > 0)
    {
        if (st.stopped || st.active != a.repair)
        {
            return; // stopped by its repair, or already in that state
        }
        const std::string cycle = "cycle " + std::to_string(a.cycle) + " of " + std::to_string(f.cycles) + "; ";
        a.repair ? m_state->Undo(f.target) : m_state->Apply(f.target);
        st.active = !a.repair;
        st.since = ns3::Simulator::Now();
        // A flap is in effect from its first going-down until its last cycle is back up.
        SetInEffect(a.fault, !(a.repair && a.cycle == f.cycles));
        Fire(f, a.repair, cycle + (a.repair ? "up" : "down"));
        return;
    }
    if (f.kind == FaultKind::Flap)
    {
        if (st.stopped)
        {
            return; // an injected repair stopped it already
        }
        st.stopped = true;
        if (st.active)
        {
            m_state->Undo(f.target);
            st.active = false;
        }
        SetInEffect(a.fault, false);
        Fire(f, true, "flapping stopped");
        return;
    }
    if (a.repair == !st.active)
    {
        return;
    }
    if (a.repair)
    {
        m_state->Undo(f.target);
        st.active = false;
        SetInEffect(a.fault, false);
        Fire(f, true, "repaired after " + FormatTime(ns3::Simulator::Now() - st.since) + "; " + f.detail);
    }
    else
    {
        m_state->Apply(f.target);
        st.active = true;
        st.since = ns3::Simulator::Now();
        SetInEffect(a.fault, true);
        Fire(f, false, f.detail);
    }
}

void
FaultInjector::SetInEffect(uint32_t fault, bool on)
{
    const InjectedFault& f = m_faults[fault];
    const std::string key = RepairKey(f.kind, f.identity);
    auto& faults = m_inEffect[key];
    const auto it = std::find(faults.begin(), faults.end(), fault);
    if (on && it == faults.end())
    {
        faults.push_back(fault);
    }
    else if (!on && it != faults.end())
    {
        faults.erase(it);
    }
    if (faults.empty())
    {
        m_inEffect.erase(key);
    }
}

uint32_t
FaultInjector::AddAction(const Action& a)
{
    m_schedule.push_back(a);
    return static_cast<uint32_t>(m_schedule.size() - 1);
}

void
FaultInjector::Fire(const InjectedFault& f, bool repair, const std::string& detail)
{
    ++(repair ? m_repairsFired : m_faultsFired);
    m_faultTrace(ns3::Simulator::Now(), f.kind, f.element, detail, repair);
}

void
FaultInjector::OnMaskChange(uint32_t link, bool failed)
{
    m_linkFailedTrace(link, failed);
}

const topo::LinkMask&
FaultInjector::GetLinkMask() const
{
    static const topo::LinkMask none;
    return m_state ? m_state->Mask() : none;
}

std::vector<uint32_t>
FaultInjector::GetFailedLinks() const
{
    std::vector<uint32_t> failed;
    const auto& mask = GetLinkMask();
    for (uint32_t l = 0; l < mask.size(); ++l)
    {
        bool down = !mask[l];
        if (m_fabric)
        {
            // What the light says: a direction cut or without usable lines. A circuit the optical circuit
            // switches do not join is dark by design, not failed (and lit again when a move joins it).
            down = false;
            for (uint8_t d = 0; d < 2; ++d)
            {
                const auto state = m_fabric->Links()[l].channel->GetState(d);
                down = down || state == OpticalChannel::DirectionState::Cut ||
                       state == OpticalChannel::DirectionState::Dark;
            }
        }
        if (down)
        {
            failed.push_back(l);
        }
    }
    return failed;
}

void
FaultInjector::DoDispose()
{
    for (auto& e : m_events)
    {
        ns3::Simulator::Cancel(e);
    }
    m_events.clear();
    m_state.reset();
    m_lasers.reset();
    m_fabric = nullptr;
    ns3::Object::DoDispose();
}

} // namespace ofab
