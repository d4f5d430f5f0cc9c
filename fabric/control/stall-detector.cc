#include "ofab/fabric/control/stall-detector.h"

#include "ofab/protocols/model/ualink-port.h"

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
            m_report("stall", m_fabric.Graph().GetNode(w.node).name, w.port,
                     std::to_string(port->GetQueuedMessages()) + " messages queued, " + which +
                         " used up and none returned for " +
                         std::to_string(static_cast<int64_t>(m_timeout.ToDouble(ns3::Time::NS))) +
                         " ns: the receiver is not draining (a deadlock if it persists)");
        }
        w.reported = stalled;
        CheckStarved(w, *port, now);
    }
    m_event = ns3::Simulator::Schedule(m_timeout / 4, &StallDetector::Sample, this);
}

void
StallDetector::CheckStarved(PortWatch& w, const UalinkPort& port, int64_t now)
{
    const uint64_t sent = port.GetStats().messagesSent;
    const uint64_t sentRecently = sent - w.lastMessagesSent;
    w.lastMessagesSent = sent;
    const TlMessage* m = port.IsUp() ? port.GetOldestReadyMessage() : nullptr;
    const int64_t wait = m != nullptr ? now - m->readyTick : 0;
    const bool starved = m != nullptr && wait >= m_timeout.GetTimeStep();
    if (starved && !w.starvedReported)
    {
        ++m_starved;
        const TxCredits& credits = port.GetTxCredits();
        const ChannelClass cc = m->Class();
        std::string lacks;
        for (const CreditClass c : {CommandClass(cc), DataClass(cc)})
        {
            const uint32_t need = c == CommandClass(cc) ? 1 : ualink::DataCredits(*m);
            if (credits.Available(m->vc, c) < need)
            {
                lacks += lacks.empty() ? kCreditClassNames[static_cast<uint32_t>(c)]
                                       : std::string(" and ") + kCreditClassNames[static_cast<uint32_t>(c)];
            }
        }
        const std::string input = m->inPort == ualink::kLocalInput ? "local" : "port " + std::to_string(m->inPort);
        const int64_t windowNs = static_cast<int64_t>((m_timeout / 4).ToDouble(ns3::Time::NS));
        // Kept under the 128 characters of an /events detail.
        m_report("starved", m_fabric.Graph().GetNode(w.node).name, w.port,
                 std::string(cc == ChannelClass::Request ? "request" : "response") + " from input " + input + ", VC " +
                     std::to_string(m->vc) + ", waited " +
                     std::to_string(static_cast<int64_t>(ns3::TimeStep(wait).ToDouble(ns3::Time::NS))) + " ns; " +
                     (lacks.empty() ? "has its credits" : "credit-stalled (" + lacks + ")") + "; " +
                     (sentRecently > 0 ? std::to_string(sentRecently) + " other messages sent" : "nothing sent") +
                     " in the last " + std::to_string(windowNs) + " ns");
    }
    w.starvedReported = starved;
}

} // namespace ofab
