#include "ofab/fabric/experiment/regional-runner.h"

#include "ofab/fabric/assembly/fabric-partitions.h"
#include "ofab/fabric/observe/wan-recovery.h"
#include "ofab/fabric/routing/route-planner.h"
#include "ofab/foundation/kernel/fabric-simulator-impl.h"
#include "ofab/foundation/parameter-error.h"

#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <chrono>

namespace ofab
{

RegionalRunner::RegionalRunner(RegionalExperiment& experiment)
    : m_x(experiment),
      m_lost(experiment.sites.size(), false)
{
    SelectFabricSimulator();
    ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(m_x.seed));
    ns3::RngSeedManager::SetRun(1);
    try
    {
        int64_t stream = 0;
        std::vector<uint32_t> gateways;
        std::vector<uint32_t> nics;
        for (RegionalSite& site : m_x.sites)
        {
            Experiment& e = *site.experiment;
            m_fabrics.push_back(std::make_unique<Fabric>(e.graph, e.fabric));
            InstallInitialRoutes(*m_fabrics.back());
            // Checked against the site's fabric before anything is scheduled.
            m_siteFaults.push_back(ns3::CreateObject<FaultInjector>());
            m_siteFaults.back()->Configure(*m_fabrics.back(), e.faults);
            stream += m_fabrics.back()->AssignStreams(stream);
            WorkloadContext ctx = MakeWorkloadContext(m_fabrics.back()->Endpoints(), m_x.duration);
            ctx.rankNotice = FabricLookahead(*m_fabrics.back());
            for (std::size_t i = 0; i < e.workloads.size(); ++i)
            {
                e.workloads[i]->SetNumber(static_cast<uint16_t>(i + 1));
                e.workloadKeys[i].Guard([&] { e.workloads[i]->Install(ctx); });
                stream += e.workloads[i]->AssignStreams(stream);
            }
            gateways.push_back(site.meshNode);
            nics.push_back(site.nics);
        }
        m_planner = std::make_unique<MeshPlanner>(*m_x.mesh);
        m_wan = m_x.wideArea.Create<WideAreaNetwork>();
        m_wan->Build(*m_planner, gateways, nics);
        stream += m_wan->AssignStreams(stream);
        for (std::size_t s = 0; s < m_x.sites.size(); ++s)
        {
            const Experiment& e = *m_x.sites[s].experiment;
            stream += m_siteFaults[s]->AssignStreams(stream);
            m_siteFaults[s]->Install(m_x.duration);
            m_siteControllers.push_back(e.controller ? e.controller->Create<RerouteController>() : nullptr);
            if (m_siteControllers.back())
            {
                m_siteControllers.back()->Attach(*m_fabrics[s]);
            }
        }
        for (const CrossSiteJob& job : m_x.jobs)
        {
            InstallJob(job);
        }
        for (std::size_t i = 0; i < m_x.faults.size(); ++i)
        {
            ScheduleFault(i);
        }
    }
    catch (...)
    {
        m_allReduce.clear();
        ns3::Simulator::Destroy(); // nothing scheduled may outlive what it points at
        throw;
    }
}

RegionalRunner::~RegionalRunner()
{
    m_allReduce.clear();
    for (const auto& c : m_siteControllers)
    {
        if (c)
        {
            c->Dispose(); // its stall detector holds events
        }
    }
    if (m_wan)
    {
        m_wan->Dispose();
    }
    ns3::Simulator::Destroy();
}

void
RegionalRunner::InstallJob(const CrossSiteJob& job)
{
    const uint32_t from = m_x.sites[job.from].meshNode;
    const uint32_t to = m_x.sites[job.to].meshNode;
    switch (job.kind)
    {
    case CrossSiteJob::Kind::HierarchicalAllReduce:
    {
        std::vector<SiteMembers> members;
        for (std::size_t s = 0; s < m_x.sites.size(); ++s)
        {
            members.push_back(
                {m_x.sites[s].name, m_fabrics[s]->Endpoints(), m_x.sites[s].gateway, m_x.sites[s].meshNode});
        }
        HierarchicalAllReduce::Settings settings;
        settings.name = job.name;
        settings.bytes = job.bytes;
        settings.algorithm = job.algorithm;
        settings.iterations = job.iterations;
        settings.start = job.start;
        settings.gap = job.gap;
        settings.stop = m_x.duration;
        // One number per job (site workloads count from 1): the site phases' writes are its own.
        settings.workload = static_cast<uint16_t>(0xFF00 + m_allReduce.size());
        m_allReduce.push_back(std::make_unique<HierarchicalAllReduce>(settings, std::move(members), m_wan));
        m_allReduce.back()->Install();
        break;
    }
    case CrossSiteJob::Kind::Checkpoint:
        ns3::Simulator::Schedule(job.start,
                                 [this, from, to, job] { m_wan->StartTransfer(from, to, job.bytes, job.name); });
        break;
    case CrossSiteJob::Kind::Requests:
        for (uint32_t k = 0; k < job.iterations; ++k)
        {
            const ns3::Time at = job.start + job.interval * static_cast<int64_t>(k);
            if (at >= m_x.duration)
            {
                break;
            }
            ns3::Simulator::Schedule(at, [this, from, to, job, k] {
                m_wan->SendMessage(from, to, job.bytes, job.name + " #" + std::to_string(k));
            });
        }
        break;
    }
}

void
RegionalRunner::ScheduleFault(std::size_t index)
{
    ns3::Simulator::Schedule(m_x.faults[index].at, &RegionalRunner::Inject, this, index);
}

void
RegionalRunner::Inject(std::size_t index)
{
    const RegionalFault& f = m_x.faults[index];
    switch (f.kind)
    {
    case RegionalFault::Kind::DuctCut:
        m_wan->FailDuct(f.duct);
        break;
    case RegionalFault::Kind::Amplifier:
        m_wan->FailRoute(f.route);
        break;
    case RegionalFault::Kind::Roadm:
        m_wan->FailNode(f.meshNode);
        break;
    case RegionalFault::Kind::SiteLoss:
        // Every element of the site at once: its ROADM and gateway, and every accelerator.
        m_wan->FailNode(f.meshNode);
        for (const auto& e : m_fabrics[f.site]->Endpoints())
        {
            e->SetIsolated(true);
        }
        m_lost[f.site] = true;
        break;
    case RegionalFault::Kind::Gateway:
        m_wan->FailGateway(f.meshNode);
        break;
    }
    m_faultElements.push_back(std::string(ToString(f.kind)) + " " + f.element);
}

RegionalRunResult
RegionalRunner::Run()
{
    RegionalRunResult r;
    r.lightpathsBefore = m_planner->Report();
    const auto start = std::chrono::steady_clock::now();
    ns3::Simulator::Stop(m_x.duration);
    ns3::Simulator::Run();
    r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.events = ns3::Simulator::GetEventCount();
    r.simTimeNs = ns3::Simulator::Now().ToDouble(ns3::Time::NS);
    for (std::size_t s = 0; s < m_x.sites.size(); ++s)
    {
        RegionalSiteFigures fig;
        fig.name = m_x.sites[s].name;
        fig.topology = m_x.sites[s].experiment->resolvedTopology["kind"].as<std::string>("");
        fig.accelerators = m_fabrics[s]->AcceleratorCount();
        fig.gateway = m_x.sites[s].gateway;
        fig.nics = m_x.sites[s].nics;
        fig.lost = m_lost[s];
        fig.faults = m_siteFaults[s]->GetFaultCount();
        fig.repairs = m_siteFaults[s]->GetRepairCount();
        if (m_siteControllers[s])
        {
            fig.controller = m_siteControllers[s]->GetPolicyName();
        }
        for (const auto& e : m_fabrics[s]->Endpoints())
        {
            fig.transactionsIssued += e->GetIssuedCount();
            fig.transactionsCompleted += e->GetCompletedCount();
            fig.transactionsFailed += e->GetFailedCount();
        }
        r.sites.push_back(fig);
        for (std::size_t t = s + 1; t < m_x.sites.size(); ++t)
        {
            r.partitions.push_back({m_x.sites[s].name, m_x.sites[t].name,
                                    m_wan->PartitionNs(m_x.sites[s].meshNode, m_x.sites[t].meshNode)});
        }
    }
    r.lightpathsAfter = m_planner->Report();
    for (const auto& job : m_allReduce)
    {
        const auto results = job->Results();
        r.allReduce.insert(r.allReduce.end(), results.begin(), results.end());
    }
    r.transfers = m_wan->Transfers();
    r.failures = m_wan->Failures();
    // Cross-site traffic is bursty (a job's steps, a checkpoint's copy): compare with the 100 ms
    // before each failure and take a recovery only when it holds for two bins.
    WanRecoveryOptions recovery;
    recovery.reference = ns3::MilliSeconds(100);
    ns3::TimeValue bin;
    m_wan->GetAttribute("ThroughputBin", bin);
    recovery.hold = bin.Get() * 2;
    r.recovery = WanRecovery(*m_wan, recovery);
    r.faultElements = m_faultElements;
    r.crossSiteGbps = m_wan->CrossSiteThroughputGbps();
    for (const RegionalSite& a : m_x.sites)
    {
        for (const RegionalSite& b : m_x.sites)
        {
            if (&a != &b)
            {
                r.pairNames.push_back(a.name + "->" + b.name);
                r.pairGbps.push_back(m_wan->ThroughputGbps(a.meshNode, b.meshNode));
            }
        }
    }
    r.binNs = bin.Get().ToDouble(ns3::Time::NS);
    r.lostBytes = m_wan->LostBytes();
    r.retransmittedBytes = m_wan->RetransmittedBytes();
    return r;
}

} // namespace ofab
