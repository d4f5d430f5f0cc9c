#ifndef OFAB_FABRIC_SITES_SITE_COLLECTIVE_H
#define OFAB_FABRIC_SITES_SITE_COLLECTIVE_H

#include "ofab/fabric/workloads/collective-operation.h"

#include "ns3/ptr.h"

#include <functional>
#include <memory>
#include <vector>

namespace ofab
{

/**
 * Runs collective operations on one site's accelerators when a cross-site job asks for them (the
 * site phases of a hierarchical collective), one at a time: it listens to the site's endpoints and
 * passes their transactions to the operation running. Its writes carry `workload` and the
 * operation's number (from 1), so they never mix with the site's own workloads'.
 */
class SiteCollective
{
  public:
    using Done = std::function<void(CollectiveStatus, TransactionStatus)>;

    SiteCollective(std::vector<ns3::Ptr<AcceleratorEndpoint>> endpoints, uint16_t workload, ns3::Time stop);
    ~SiteCollective();
    SiteCollective(const SiteCollective&) = delete;
    SiteCollective& operator=(const SiteCollective&) = delete;

    uint32_t Ranks() const { return static_cast<uint32_t>(m_endpoints.size()); }
    /// Starts `plan` over every accelerator of the site (rank r = accelerator r); `done` is called
    /// once when it completes or fails. An operation still running is abandoned first.
    void Start(const CollectivePlan& plan, Done done);
    /// Gives up the operation running, if any, without calling its `done`.
    void Abandon();

  private:
    void OnCompleted(const TransactionRecord& rec);
    void OnFailed(const TransactionRecord& rec);

    std::vector<ns3::Ptr<AcceleratorEndpoint>> m_endpoints;
    uint16_t m_workload;
    int64_t m_stopTick;
    uint32_t m_operations = 0;
    std::vector<uint64_t> m_nextAddress; ///< per rank, kept across operations
    std::vector<uint64_t> m_issuedBytes;
    std::unique_ptr<CollectiveOperation> m_op;
    std::unique_ptr<CollectiveOperation>
        m_finished; ///< the last one, kept until the next starts (its hooks run inside it)
};

} // namespace ofab

#endif
