#include "ofab/fabric/sites/site-collective.h"

#include "ns3/callback.h"

namespace ofab
{

SiteCollective::SiteCollective(std::vector<ns3::Ptr<AcceleratorEndpoint>> endpoints, uint16_t workload, ns3::Time stop)
    : m_endpoints(std::move(endpoints)),
      m_workload(workload),
      m_stopTick(stop.IsStrictlyPositive() ? stop.GetTimeStep() : INT64_MAX),
      m_nextAddress(m_endpoints.size(), 0),
      m_issuedBytes(m_endpoints.size(), 0)
{
    for (const auto& e : m_endpoints)
    {
        e->TraceConnectWithoutContext("TransactionCompleted", ns3::MakeCallback(&SiteCollective::OnCompleted, this));
        e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeCallback(&SiteCollective::OnFailed, this));
    }
}

SiteCollective::~SiteCollective()
{
    for (const auto& e : m_endpoints)
    {
        e->TraceDisconnectWithoutContext("TransactionCompleted", ns3::MakeCallback(&SiteCollective::OnCompleted, this));
        e->TraceDisconnectWithoutContext("TransactionFailed", ns3::MakeCallback(&SiteCollective::OnFailed, this));
    }
}

void
SiteCollective::Start(const CollectivePlan& plan, Done done)
{
    Abandon();
    std::vector<CollectiveOperation::Member> members;
    for (uint32_t r = 0; r < m_endpoints.size(); ++r)
    {
        members.push_back({ns3::PeekPointer(m_endpoints[r]), r, &m_nextAddress[r], &m_issuedBytes[r]});
    }
    CollectiveOperation::Hooks hooks;
    hooks.finished = [this, done](CollectiveStatus status, TransactionStatus failure) {
        // The operation calls this from inside itself: keep it alive until the next one starts.
        m_finished = std::move(m_op);
        done(status, failure);
    };
    CollectiveOperation::Settings settings;
    settings.stopTick = m_stopTick;
    settings.workload = m_workload;
    settings.operation = ++m_operations;
    m_op = std::make_unique<CollectiveOperation>(plan, std::move(members), settings, std::move(hooks));
    m_op->Start();
}

void
SiteCollective::Abandon()
{
    if (m_op)
    {
        m_op->Abandon();
        m_finished = std::move(m_op);
    }
}

void
SiteCollective::OnCompleted(const TransactionRecord& rec)
{
    if (m_op)
    {
        m_op->OnCompleted(rec);
    }
}

void
SiteCollective::OnFailed(const TransactionRecord& rec)
{
    if (m_op)
    {
        m_op->OnFailed(rec);
    }
}

} // namespace ofab
