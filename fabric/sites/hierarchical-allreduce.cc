#include "ofab/fabric/sites/hierarchical-allreduce.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

HierarchicalAllReduce::HierarchicalAllReduce(Settings settings, std::vector<SiteMembers> sites,
                                             ns3::Ptr<WideAreaNetwork> wan)
    : m_settings(std::move(settings)),
      m_sites(std::move(sites)),
      m_wan(std::move(wan))
{
    if (m_sites.size() < 2)
    {
        throw ParameterError("sites", "a cross-site all-reduce needs at least 2 sites");
    }
    if (m_settings.bytes == 0 || m_settings.iterations == 0)
    {
        throw ParameterError(m_settings.bytes == 0 ? "bytes" : "iterations", "must be at least 1");
    }
    for (const SiteMembers& s : m_sites)
    {
        if (s.endpoints.size() < 2 || s.gatewayAccelerator >= s.endpoints.size())
        {
            throw ParameterError("sites",
                                 "site " + s.name + ": needs 2 or more accelerators and its gateway among them");
        }
        m_site.push_back(std::make_unique<SiteCollective>(s.endpoints, m_settings.workload, m_settings.stop));
        if (m_settings.algorithm == Algorithm::Sharded &&
            (s.endpoints.size() != m_sites[0].endpoints.size() || m_wan->Nics(s.meshNode) < s.endpoints.size()))
        {
            throw ParameterError("algorithm", "sharded: every site needs the same number of accelerators and a NIC "
                                              "for each (site " +
                                                  s.name + ": " + std::to_string(s.endpoints.size()) +
                                                  " accelerators, " + std::to_string(m_wan->Nics(s.meshNode)) +
                                                  " NICs)");
        }
    }
    m_wan->TraceConnectWithoutContext("TransferFinished", ns3::MakeCallback(&HierarchicalAllReduce::OnTransfer, this));
}

HierarchicalAllReduce::~HierarchicalAllReduce()
{
    m_next.Cancel();
    m_wan->TraceDisconnectWithoutContext("TransferFinished",
                                         ns3::MakeCallback(&HierarchicalAllReduce::OnTransfer, this));
}

void
HierarchicalAllReduce::Install()
{
    const ns3::Time now = ns3::Simulator::Now();
    m_next = ns3::Simulator::Schedule(m_settings.start > now ? m_settings.start - now : ns3::Time(),
                                      &HierarchicalAllReduce::StartIteration, this);
}

const char*
HierarchicalAllReduce::ToString(Algorithm a)
{
    return a == Algorithm::Sharded ? "sharded" : "funnel";
}

uint32_t
HierarchicalAllReduce::Rings() const
{
    return m_settings.algorithm == Algorithm::Sharded ? static_cast<uint32_t>(m_sites[0].endpoints.size()) : 1;
}

uint64_t
HierarchicalAllReduce::StepBytes() const
{
    const uint64_t parts = Rings() * (m_active.empty() ? m_sites.size() : m_active.size());
    return (m_settings.bytes + parts - 1) / parts;
}

std::vector<HierarchicalResult>
HierarchicalAllReduce::Results() const
{
    std::vector<HierarchicalResult> out = m_results;
    if (m_phase != Phase::Idle && !out.empty())
    {
        out.back().endNs = Ns(ns3::Simulator::Now()); // unfinished: read now
    }
    return out;
}

void
HierarchicalAllReduce::StartIteration()
{
    if (ns3::Simulator::Now().GetTimeStep() >= m_settings.stop.GetTimeStep() && m_settings.stop.IsStrictlyPositive())
    {
        return;
    }
    m_active.clear();
    for (std::size_t s = 0; s < m_sites.size(); ++s)
    {
        if (m_wan->GatewayUp(m_sites[s].meshNode))
        {
            m_active.push_back(s);
        }
    }
    HierarchicalResult r;
    r.name = m_settings.name;
    r.iteration = m_iteration;
    r.bytes = m_settings.bytes;
    r.algorithm = ToString(m_settings.algorithm);
    r.sites = static_cast<uint32_t>(m_active.size());
    r.startNs = Ns(ns3::Simulator::Now());
    m_results.push_back(r);
    if (m_active.size() < 2)
    {
        Fail("fewer than 2 sites left with a gateway");
        return;
    }
    StartSitePhase(Phase::Reduce, m_settings.algorithm == Algorithm::Sharded ? CollectiveAlgorithms::REDUCE_SCATTER
                                                                             : CollectiveAlgorithms::REDUCE);
}

void
HierarchicalAllReduce::StartSitePhase(Phase phase, CollectiveAlgorithms::Algorithm algorithm)
{
    m_phase = phase;
    m_sitesLeft = m_active.size();
    const auto chunks = static_cast<uint32_t>(
        std::max<uint64_t>(1, (m_settings.bytes + m_settings.pipelineChunk - 1) / m_settings.pipelineChunk));
    for (std::size_t s : m_active)
    {
        if (m_phase != phase)
        {
            break; // a site failed at once: the iteration is over
        }
        const CollectivePlan plan(algorithm, m_site[s]->Ranks(), m_settings.bytes, m_sites[s].gatewayAccelerator,
                                  chunks);
        m_site[s]->Start(plan, [this, s](CollectiveStatus st, TransactionStatus f) { SiteDone(s, st, f); });
    }
}

void
HierarchicalAllReduce::SiteDone(std::size_t site, CollectiveStatus status, TransactionStatus failure)
{
    if (m_phase != Phase::Reduce && m_phase != Phase::Broadcast)
    {
        return;
    }
    if (status != CollectiveStatus::Completed)
    {
        const bool sharded = m_settings.algorithm == Algorithm::Sharded;
        const char* phase =
            m_phase == Phase::Reduce ? (sharded ? "reduce-scatter" : "reduce") : (sharded ? "all-gather" : "broadcast");
        Fail(std::string(phase) + " in site " + m_sites[site].name + ": " + ofab::ToString(failure));
        return;
    }
    if (--m_sitesLeft > 0)
    {
        return;
    }
    if (m_phase == Phase::Reduce)
    {
        m_results.back().reducedNs = Ns(ns3::Simulator::Now());
        StartExchange();
    }
    else
    {
        Finish(CollectiveStatus::Completed);
    }
}

void
HierarchicalAllReduce::StartExchange()
{
    m_phase = Phase::Exchange;
    const std::size_t hosts = Rings() * m_active.size();
    m_step.assign(hosts, 0);
    m_sent.assign(hosts, 0);
    m_received.assign(hosts, 0);
    m_messages.clear();
    for (std::size_t q = 0; q < hosts && m_phase == Phase::Exchange; ++q)
    {
        SendStep(q);
    }
}

std::size_t
HierarchicalAllReduce::NextInRing(std::size_t q) const
{
    const std::size_t g = m_active.size();
    return q - q % g + (q % g + 1) % g;
}

void
HierarchicalAllReduce::SendStep(std::size_t q)
{
    const std::size_t g = m_active.size();
    const SiteMembers& from = m_sites[m_active[q % g]];
    const SiteMembers& to = m_sites[m_active[NextInRing(q) % g]];
    // Sharded: ring r runs between the NICs r; funnel: between the gateways themselves.
    const std::optional<uint32_t> nic = m_settings.algorithm == Algorithm::Sharded
                                            ? std::optional<uint32_t>(static_cast<uint32_t>(q / g))
                                            : std::nullopt;
    try
    {
        std::string label = m_settings.name + " #" + std::to_string(m_iteration);
        if (nic)
        {
            label += " ring " + std::to_string(*nic);
        }
        label += " step " + std::to_string(m_step[q]);
        const uint64_t id =
            m_wan->SendMessage(WanHost{from.meshNode, nic}, WanHost{to.meshNode, nic}, StepBytes(), std::move(label));
        m_messages[id] = q;
    }
    catch (const ParameterError& e)
    {
        Fail("wide area: " + from.name + " -> " + to.name + ": " + e.Message());
    }
}

void
HierarchicalAllReduce::OnTransfer(const TransferRecord& rec)
{
    const auto it = m_messages.find(rec.id);
    if (it == m_messages.end() || m_phase != Phase::Exchange)
    {
        return;
    }
    const std::size_t from = it->second;
    const std::size_t to = NextInRing(from);
    m_messages.erase(it);
    if (rec.status != TransferStatus::Completed)
    {
        const std::size_t g = m_active.size();
        Fail("wide area: " + m_sites[m_active[from % g]].name + " -> " + m_sites[m_active[to % g]].name + ": " +
             rec.reason);
        return;
    }
    ++m_sent[from];
    ++m_received[to];
    TryAdvance(from);
    if (m_phase == Phase::Exchange)
    {
        TryAdvance(to);
    }
}

void
HierarchicalAllReduce::TryAdvance(std::size_t q)
{
    const auto steps = static_cast<uint32_t>(2 * (m_active.size() - 1));
    // A host's next step sends what it combined from the message into it: both must have arrived.
    while (m_step[q] < steps && m_sent[q] > m_step[q] && m_received[q] > m_step[q])
    {
        if (++m_step[q] < steps)
        {
            SendStep(q);
            return;
        }
    }
    const bool done = std::all_of(m_step.begin(), m_step.end(), [steps](uint32_t s) { return s == steps; });
    if (done && m_phase == Phase::Exchange)
    {
        m_results.back().exchangedNs = Ns(ns3::Simulator::Now());
        StartSitePhase(Phase::Broadcast, m_settings.algorithm == Algorithm::Sharded ? CollectiveAlgorithms::ALLGATHER
                                                                                    : CollectiveAlgorithms::BROADCAST);
    }
}

void
HierarchicalAllReduce::Fail(const std::string& why)
{
    for (auto& s : m_site)
    {
        s->Abandon();
    }
    m_messages.clear(); // messages still on the wide area end unheeded
    m_results.back().failure = why;
    Finish(CollectiveStatus::Failed);
}

void
HierarchicalAllReduce::Finish(CollectiveStatus status)
{
    m_phase = Phase::Idle;
    HierarchicalResult& r = m_results.back();
    r.status = status;
    r.endNs = Ns(ns3::Simulator::Now());
    if (++m_iteration < m_settings.iterations)
    {
        m_next = ns3::Simulator::Schedule(m_settings.gap, &HierarchicalAllReduce::StartIteration, this);
    }
}

} // namespace ofab
