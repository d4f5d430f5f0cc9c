#include "ofab/fabric/control/stall-detector.h"

#include "ns3/simulator.h"

namespace ofab
{

namespace
{
const char* const kCreditClassNames[kCreditClassCount] = {"request command", "response command", "request data",
                                                          "response data"};
} // namespace

StallDetector::StallDetector(const Fabric& fabric, ns3::Time timeout, Report report)
    : m_fabric(fabric),
      m_timeout(timeout),
      m_report(std::move(report))
{
    for (uint32_t node = 0; node < fabric.Graph().NumNodes(); ++node)
    {
        for (uint32_t p = 0; p < fabric.Router(node)->GetNPorts(); ++p)
        {
            PortWatch w{node, static_cast<uint16_t>(p)};
            w.exhaustedSinceTick.fill(-1);
            m_ports.push_back(w);
        }
    }
}

StallDetector::~StallDetector()
{
    m_event.Cancel();
}

void
StallDetector::Start()
{
    if (m_timeout.IsStrictlyPositive())
    {
        m_event = ns3::Simulator::Schedule(m_timeout / 4, &StallDetector::Sample, this);
    }
}

void
StallDetector::Sample()
{
    const int64_t now = ns3::Simulator::Now().GetTimeStep();
    for (PortWatch& w : m_ports)
    {
        const ns3::Ptr<UalinkPort> port = m_fabric.Router(w.node)->GetPort(w.port);
        const TxCredits& credits = port->GetTxCredits();
        const bool waiting = port->IsUp() && port->GetQueuedMessages() > 0;
        bool stalled = false;
        std::string which; // the first starved credit kind, for the report
        for (uint8_t vc = 0; vc < ualink::kVcCount; ++vc)
        {
            for (uint32_t c = 0; c < kCreditClassCount; ++c)
            {
                const auto cls = static_cast<CreditClass>(c);
                const uint32_t i = CreditIndex(vc, cls);
                const uint32_t granted = credits.Granted(vc, cls);
                if (!waiting || credits.Available(vc, cls) > 0 || granted != w.lastGranted[i])
                {
                    w.lastGranted[i] = granted;
                    w.exhaustedSinceTick[i] = -1;
                    continue;
                }
                if (w.exhaustedSinceTick[i] < 0)
                {
                    w.exhaustedSinceTick[i] = now;
                }
                if (!stalled && now - w.exhaustedSinceTick[i] >= m_timeout.GetTimeStep())
                {
                    stalled = true;
                    which = std::string(kCreditClassNames[c]) + " credits of VC " + std::to_string(vc);
                }
            }
        }
        if (stalled && !w.reported)
        {
            ++m_stalls;
            m_report(m_fabric.Graph().GetNode(w.node).name, w.port,
                     std::to_string(port->GetQueuedMessages()) + " messages queued, " + which +
                         " used up and none returned for " +
                         std::to_string(static_cast<int64_t>(m_timeout.ToDouble(ns3::Time::NS))) +
                         " ns: the receiver is not draining (a deadlock if it persists)");
        }
        w.reported = stalled;
    }
    m_event = ns3::Simulator::Schedule(m_timeout / 4, &StallDetector::Sample, this);
}

} // namespace ofab
