#ifndef OFAB_FABRIC_SITES_HIERARCHICAL_ALLREDUCE_H
#define OFAB_FABRIC_SITES_HIERARCHICAL_ALLREDUCE_H

#include "ofab/fabric/regional/wide-area-network.h"
#include "ofab/fabric/sites/site-collective.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/// One site of a cross-site job: its accelerators (rank r = accelerator r), the one that hosts its
/// gateway, and the mesh node it sits at.
struct SiteMembers
{
    std::string name;
    std::vector<ns3::Ptr<AcceleratorEndpoint>> endpoints;
    uint32_t gatewayAccelerator = 0;
    uint32_t meshNode = 0;
};

/// One iteration of a hierarchical all-reduce; times in ns, phases as they ended (-1: did not).
struct HierarchicalResult
{
    std::string name;
    uint32_t iteration = 0;
    uint64_t bytes = 0;
    std::string algorithm; ///< "sharded" or "funnel"
    uint32_t sites = 0;    ///< sites taking part
    double startNs = 0;
    double reducedNs = -1;   ///< every site reduced (funnel: S into its gateway accelerator; sharded: S/N per rank)
    double exchangedNs = -1; ///< the ring all-reduce(s) over the wide area ended
    double endNs = -1;       ///< every site spread the result (funnel: broadcast; sharded: all-gather)
    CollectiveStatus status = CollectiveStatus::Unfinished;
    std::string failure; ///< which phase failed, where, and why
};

/**
 * A hierarchical all-reduce of S bytes over several sites, as multi-site training runs it, in one of
 * two ways:
 * - sharded (as NCCL and multi-site trainers run it over one scale-out NIC per accelerator): (1) in
 *   each site of N accelerators a ring reduce-scatter over the scale-up fabric, leaving rank r with
 *   shard r (S/N); (2) N ring all-reduces over the wide area at once, ring r joining the NICs r of
 *   the G sites: 2(G-1) steps, in each of which every NIC sends S/(N G) to the next site's NIC r as
 *   a message on their connection (WideAreaNetwork::SendMessage) and moves on once its own message
 *   and the one into it have arrived; (3) in each site a ring all-gather. Every site needs the same
 *   N and a NIC per accelerator.
 * - funnel (one gateway host per site, no NICs): (1) a reduce of S into the accelerator that hosts
 *   the site's gateway (a pipelined chain, CollectivePlan REDUCE); (2) one ring all-reduce between
 *   the gateways, S/G a step; (3) a broadcast of the result from that accelerator.
 * Iterations
 * run one after the other, Gap apart; a failure in any phase (a write out of its site's retries, a
 * message whose connection failed, a site lost) fails the iteration, and the next one starts Gap
 * later. The job is elastic: an iteration runs on the sites whose gateway is up when it starts (a
 * lost site leaves the job, as elastic training drops a failed replica group), as long as two
 * remain.
 */
class HierarchicalAllReduce
{
  public:
    enum class Algorithm
    {
        Funnel,
        Sharded,
    };
    static const char* ToString(Algorithm a); ///< "funnel", "sharded"

    struct Settings
    {
        std::string name = "hierarchical_allreduce";
        Algorithm algorithm = Algorithm::Funnel;
        uint64_t bytes = 1 << 20;
        uint32_t iterations = 1;
        ns3::Time start;
        ns3::Time gap;
        ns3::Time stop;                    ///< the run's end: nothing starts at or after it
        uint64_t pipelineChunk = 64 << 10; ///< the site chains' pieces
        uint16_t workload = 0xFFF0;        ///< the number the site writes carry (not a site workload's)
    };

    HierarchicalAllReduce(Settings settings, std::vector<SiteMembers> sites, ns3::Ptr<WideAreaNetwork> wan);
    ~HierarchicalAllReduce();
    HierarchicalAllReduce(const HierarchicalAllReduce&) = delete;
    HierarchicalAllReduce& operator=(const HierarchicalAllReduce&) = delete;

    /// Schedules the first iteration at Settings::start.
    void Install();
    /// Every iteration so far; one still running reads as unfinished, ending now.
    std::vector<HierarchicalResult> Results() const;
    /// The bytes each host sends per wide-area step: S/(R G) rounded up to whole bytes, R the rings
    /// (sharded: N; funnel: 1), G the sites of the iteration running (or all of them).
    uint64_t StepBytes() const;
    /// The wide-area rings: N (sharded) or 1 (funnel).
    uint32_t Rings() const;

  private:
    enum class Phase
    {
        Idle,
        Reduce,
        Exchange,
        Broadcast
    };

    void StartIteration();
    void SiteDone(std::size_t site, CollectiveStatus status, TransactionStatus failure);
    void StartExchange();
    /// Host q = r G + i: ring r's member in the i-th site of the iteration.
    void SendStep(std::size_t q);
    std::size_t NextInRing(std::size_t q) const;
    void OnTransfer(const TransferRecord& rec);
    void TryAdvance(std::size_t q);
    /// The reduce or the broadcast in every site of the iteration.
    void StartSitePhase(Phase phase, CollectiveAlgorithms::Algorithm algorithm);
    void Fail(const std::string& why);
    void Finish(CollectiveStatus status);

    Settings m_settings;
    std::vector<SiteMembers> m_sites;
    ns3::Ptr<WideAreaNetwork> m_wan;
    std::vector<std::unique_ptr<SiteCollective>> m_site;
    std::vector<std::size_t> m_active; ///< the sites of the running iteration, in ring order
    std::vector<HierarchicalResult> m_results;
    Phase m_phase = Phase::Idle;
    uint32_t m_iteration = 0;
    std::size_t m_sitesLeft = 0;
    std::vector<uint32_t> m_step;               ///< per host q: its wide-area step
    std::vector<uint32_t> m_sent;               ///< per host: messages of its own that arrived
    std::vector<uint32_t> m_received;           ///< per host: messages into it that arrived
    std::map<uint64_t, std::size_t> m_messages; ///< message id -> sending host, this iteration
    ns3::EventId m_next;
};

} // namespace ofab

#endif
