#ifndef OFAB_FABRIC_EXPERIMENT_REGIONAL_RUNNER_H
#define OFAB_FABRIC_EXPERIMENT_REGIONAL_RUNNER_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/control/reroute-controller.h"
#include "ofab/fabric/experiment/regional-experiment.h"
#include "ofab/fabric/faults/fault-injector.h"
#include "ofab/fabric/observe/recovery-metrics.h"
#include "ofab/fabric/regional/mesh-planner.h"
#include "ofab/fabric/regional/wide-area-network.h"
#include "ofab/fabric/sites/hierarchical-allreduce.h"

#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/// One site as it ran.
struct RegionalSiteFigures
{
    std::string name;
    std::string topology; ///< its topology kind
    uint32_t accelerators = 0;
    uint32_t gateway = 0;
    uint32_t nics = 0;   ///< scale-out NICs behind its gateway
    bool lost = false;   ///< a site loss took it
    uint64_t faults = 0; ///< its own faults (its file's `faults:`) that fired
    uint64_t repairs = 0;
    std::string controller;          ///< its reroute controller's policy; "" = none
    uint64_t transactionsIssued = 0; ///< by every endpoint of the site (its own workloads and the site phases)
    uint64_t transactionsCompleted = 0;
    uint64_t transactionsFailed = 0;
};

/// Time two sites had no lit path of lightpaths between their gateways.
struct RegionalPartition
{
    std::string a;
    std::string b;
    double ns = 0;
};

/// What a multi-site run gives.
struct RegionalRunResult
{
    std::vector<RegionalSiteFigures> sites;
    std::vector<LightpathReport> lightpathsBefore; ///< as provisioned
    std::vector<LightpathReport> lightpathsAfter;  ///< at the end, after failures and healing
    std::vector<HierarchicalResult> allReduce;
    std::vector<TransferRecord> transfers; ///< checkpoints and messages (the all-reduce's steps, requests)
    std::vector<WanFailureRecord> failures;
    std::vector<FaultRecovery> recovery;    ///< per failure: T_recover95 of the cross-site throughput (WanRecovery)
    std::vector<std::string> faultElements; ///< per failure, as the file named it
    std::vector<RegionalPartition> partitions;
    std::vector<double> crossSiteGbps;         ///< delivered across sites per bin
    std::vector<std::string> pairNames;        ///< every ordered site pair, "west->east"
    std::vector<std::vector<double>> pairGbps; ///< per pair, delivered per bin
    double binNs = 0;
    uint64_t lostBytes = 0;
    uint64_t retransmittedBytes = 0;
    uint64_t events = 0;
    double wallS = 0;
    double simTimeNs = 0;
};

/**
 * Runs a RegionalExperiment: seeds ns-3; builds every site's fabric (its routes, its own
 * workloads, faults and reroute controller, as its file says), the optical mesh's lightpaths and the
 * gateways' wide-area network over them; installs the cross-site jobs and schedules the region's
 * faults; runs for the duration. Random streams: the sites in file order (channels, then
 * workloads), then the wide area, then each site's faults (so a site's faults never change the
 * other draws). One runner per simulation: its destructor calls Simulator::Destroy().
 */
class RegionalRunner
{
  public:
    explicit RegionalRunner(RegionalExperiment& experiment);
    ~RegionalRunner();
    RegionalRunner(const RegionalRunner&) = delete;
    RegionalRunner& operator=(const RegionalRunner&) = delete;

    RegionalRunResult Run();

    const Fabric& SiteFabric(std::size_t site) const { return *m_fabrics[site]; }
    WideAreaNetwork& Wan() { return *m_wan; }

  private:
    void InstallJob(const CrossSiteJob& job);
    void ScheduleFault(std::size_t index);
    void Inject(std::size_t index);

    RegionalExperiment& m_x;
    std::vector<std::unique_ptr<Fabric>> m_fabrics;
    std::vector<ns3::Ptr<FaultInjector>> m_siteFaults;          ///< per site
    std::vector<ns3::Ptr<RerouteController>> m_siteControllers; ///< per site; null: none
    std::unique_ptr<MeshPlanner> m_planner;
    ns3::Ptr<WideAreaNetwork> m_wan;
    std::vector<std::unique_ptr<HierarchicalAllReduce>> m_allReduce;
    std::vector<bool> m_lost;
    std::vector<std::string> m_faultElements;
};

} // namespace ofab

#endif
