#include "ofab/fabric/observe/incident-log.h"

#include "ns3/callback.h"

#include <algorithm>

namespace ofab
{

namespace
{
constexpr std::size_t kPartitionExamples = 16;
} // namespace

IncidentLog::IncidentLog(ns3::Ptr<RerouteController> controller)
    : m_controller(controller)
{
    m_controller->TraceConnectWithoutContext("Incident", ns3::MakeCallback(&IncidentLog::OnStep, this));
}

IncidentLog::~IncidentLog()
{
    m_controller->TraceDisconnectWithoutContext("Incident", ns3::MakeCallback(&IncidentLog::OnStep, this));
}

void
IncidentLog::OnStep(const IncidentStep& step)
{
    using Kind = IncidentStep::Kind;
    if (step.kind == Kind::Opened)
    {
        IncidentRecord r;
        r.timeNs = step.time.ToDouble(ns3::Time::NS);
        r.links.push_back(step.link);
        r.repair = step.repair;
        m_incidents.push_back(r);
        return;
    }
    IncidentRecord& r = m_incidents.at(step.incident);
    // Every figure is a span from the change; a step stamped later than now (a reroute modelled to be
    // in force later) counts from its stamp.
    const double sinceChange = step.time.ToDouble(ns3::Time::NS) - r.timeNs;
    switch (step.kind)
    {
    case Kind::Opened:
        break;
    case Kind::LinkJoined:
        r.links.push_back(step.link);
        break;
    case Kind::Detected:
        r.detectNs = sinceChange;
        break;
    case Kind::Rerouted:
        r.rerouteNs = sinceChange;
        break;
    case Kind::Optimised:
        r.optimisedNs = sinceChange;
        break;
    case Kind::RoutersUpdated:
        r.routersUpdated += step.count;
        break;
    case Kind::Unprotected:
        r.unprotected += step.count;
        break;
    case Kind::Partitioned:
        r.partitionedPairs = step.partitioned->size();
        r.partitionExamples.assign(step.partitioned->begin(),
                                   step.partitioned->begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                   step.partitioned->size(), kPartitionExamples)));
        break;
    }
}

} // namespace ofab
