#include "ofab/fabric/server/live-telemetry.h"

#include "ofab/fabric/observe/recovery-metrics.h"
#include "ofab/fabric/observe/run-observer.h"
#include "ofab/foundation/kernel/parallel-simulator-impl.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstring>

namespace ofab
{

LiveTelemetry::LiveTelemetry(Fabric& fabric, ns3::Ptr<FaultInjector> faults, ControlServer& server)
    : m_fabric(fabric),
      m_faults(faults),
      m_server(server),
      m_eventKinds(RunObserver::Enums().eventKinds)
{
}

LiveTelemetry::~LiveTelemetry()
{
    Stop();
    if (m_started && m_faults)
    {
        m_faults->TraceDisconnectWithoutContext("Refused", ns3::MakeCallback(&LiveTelemetry::OnRefused, this));
    }
}

void
LiveTelemetry::Start()
{
    for (const auto& e : m_fabric.Endpoints())
    {
        e->TraceConnectWithoutContext("TransactionCompleted",
                                      ns3::MakeCallback(&LiveTelemetry::OnTransactionEnd, this));
        e->TraceConnectWithoutContext("TransactionFailed", ns3::MakeCallback(&LiveTelemetry::OnTransactionEnd, this));
    }
    if (m_faults)
    {
        m_faults->TraceConnectWithoutContext("Refused", ns3::MakeCallback(&LiveTelemetry::OnRefused, this));
    }
    m_started = true;
}

void
LiveTelemetry::Stop()
{
    for (auto& [id, sub] : m_subs)
    {
        ns3::Simulator::Cancel(sub.next);
    }
    m_subs.clear();
}

std::vector<uint64_t>
LiveTelemetry::BytesSent() const
{
    std::vector<uint64_t> bytes;
    bytes.reserve(2 * m_fabric.Links().size());
    for (const FabricLink& l : m_fabric.Links())
    {
        bytes.push_back(l.portA->GetStats().payloadBytesSent);
        bytes.push_back(l.portB->GetStats().payloadBytesSent);
    }
    return bytes;
}

void
LiveTelemetry::Subscribe(uint64_t session, const TelemetryOptions& options)
{
    Unsubscribe(session);
    Subscription& sub = m_subs[session];
    sub.options = options;
    sub.since = ns3::Simulator::Now();
    sub.lastBytes = BytesSent();
    sub.next = ns3::Simulator::Schedule(options.interval, &LiveTelemetry::Sample, this, session);
}

bool
LiveTelemetry::Unsubscribe(uint64_t session)
{
    const auto it = m_subs.find(session);
    if (it == m_subs.end())
    {
        return false;
    }
    ns3::Simulator::Cancel(it->second.next);
    m_subs.erase(it);
    return true;
}

void
LiveTelemetry::OnTransactionEnd(const TransactionRecord& r)
{
    if (DeferredFromNode(this, &LiveTelemetry::OnTransactionEnd, r))
    {
        return; // the subscriptions are shared: after the window
    }
    const bool ok = r.status == TransactionStatus::Okay;
    ++(ok ? m_completed : m_failed);
    const double latency = r.Latency().ToDouble(ns3::Time::NS);
    for (auto& [id, sub] : m_subs)
    {
        if (!ok)
        {
            ++sub.failed;
            continue;
        }
        ++sub.completed;
        sub.deliveredBytes += r.bytes;
        if (!sub.options.latency)
        {
            continue;
        }
        if (sub.latencies.size() < kMaxLatencySamples)
        {
            sub.latencies.push_back(latency);
        }
        else
        {
            // Reservoir sampling: every completion of the interval is equally likely to be kept.
            const uint64_t slot = m_reservoir() % sub.completed;
            if (slot < kMaxLatencySamples)
            {
                sub.latencies[slot] = latency;
            }
        }
    }
}

void
LiveTelemetry::Sample(uint64_t session)
{
    const auto it = m_subs.find(session);
    if (it == m_subs.end())
    {
        return;
    }
    Subscription& sub = it->second;
    const auto client = m_server.Find(session);
    if (!client || !client->Open())
    {
        m_subs.erase(it);
        return;
    }
    const ns3::Time now = ns3::Simulator::Now();
    const std::vector<uint64_t> bytes = BytesSent();
    const double spanNs = (now - sub.since).ToDouble(ns3::Time::NS);
    if (client->Backlogged())
    {
        client->CountSkipped(); // its bytes and latencies fold into the next message it gets
    }
    else
    {
        Json m{{"type", "telemetry"}, {"time_ns", now.ToDouble(ns3::Time::NS)}, {"interval_ns", spanNs}};
        double total = 0;
        Json links = Json::array();
        const auto& mask = m_faults->GetLinkMask();
        for (uint32_t l = 0; l < m_fabric.Links().size(); ++l)
        {
            const double ab = static_cast<double>(bytes[2 * l] - sub.lastBytes[2 * l]) * 8.0 / spanNs;
            const double ba = static_cast<double>(bytes[2 * l + 1] - sub.lastBytes[2 * l + 1]) * 8.0 / spanNs;
            total += ab + ba;
            const auto& only = sub.options.only;
            if (sub.options.links && (only.empty() || std::find(only.begin(), only.end(), l) != only.end()))
            {
                links.push_back({{"link", l}, {"gbps", {ab, ba}}, {"up", mask.empty() || mask[l]}});
            }
        }
        // Carried: every byte of payload on every link direction (a detour carries the same traffic
        // over more hops). Delivered: payload of completed transactions, the summary's throughput_gbps.
        m["carried_gbps"] = total;
        m["delivered_gbps"] = static_cast<double>(sub.deliveredBytes) * 8.0 / spanNs;
        m["transactions"] = {{"completed", sub.completed}, {"failed", sub.failed}};
        if (sub.options.latency)
        {
            const LatencyWindow w = Percentiles(std::move(sub.latencies));
            m["latency_ns"] = {{"count", sub.completed}, {"p50", w.p50}, {"p99", w.p99}, {"p999", w.p999}};
        }
        m["failed_links"] = m_faults->GetFailedLinks();
        if (sub.options.links)
        {
            m["links"] = std::move(links);
        }
        const uint64_t skipped = client->TakeSkipped();
        if (skipped > 0)
        {
            m["skipped"] = skipped;
        }
        client->Send(m.dump());
        sub.since = now;
        sub.lastBytes = bytes;
        sub.latencies.clear();
        sub.completed = 0;
        sub.failed = 0;
        sub.deliveredBytes = 0;
    }
    sub.next = ns3::Simulator::Schedule(sub.options.interval, &LiveTelemetry::Sample, this, session);
}

void
LiveTelemetry::OnEventRow(const EventRow& row)
{
    const std::string kind = row.kind < m_eventKinds.size() ? m_eventKinds[row.kind] : std::to_string(row.kind);
    const Json m{{"type", "event"},
                 {"time_ns", row.timeNs},
                 {"kind", kind},
                 {"element", std::string(row.element, strnlen(row.element, sizeof(row.element)))},
                 {"detail", std::string(row.detail, strnlen(row.detail, sizeof(row.detail)))}};
    const std::string line = m.dump();
    m_server.Broadcast(line, [this](const ControlSession& s) {
        const auto it = m_subs.find(s.Id());
        return it != m_subs.end() && it->second.options.events;
    });
}

void
LiveTelemetry::OnRefused(ns3::Time time, FaultKind kind, const std::string& element, const std::string& reason)
{
    const Json m{{"type", "refused"},
                 {"time_ns", time.ToDouble(ns3::Time::NS)},
                 {"kind", ToString(kind)},
                 {"element", element},
                 {"detail", reason}};
    const std::string line = m.dump();
    m_server.Broadcast(line, [this](const ControlSession& s) {
        const auto it = m_subs.find(s.Id());
        return it != m_subs.end() && it->second.options.events;
    });
}

} // namespace ofab
