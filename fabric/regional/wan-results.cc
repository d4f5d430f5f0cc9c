// WideAreaNetwork: what the results read (throughput series, partitions, losses, routed paths).
#include "ofab/fabric/regional/wide-area-network.h"

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <set>

namespace ofab
{

std::vector<double>
WideAreaNetwork::ThroughputGbps(uint32_t fromSite, uint32_t toSite) const
{
    const double binS = m_throughputBin.GetSeconds();
    const auto bins = static_cast<std::size_t>(ns3::Simulator::Now().GetSeconds() / binS) + 1;
    std::vector<double> out(bins, 0.0);
    const auto it = m_deliveredPerBin.find({fromSite, toSite});
    if (it != m_deliveredPerBin.end())
    {
        for (std::size_t i = 0; i < it->second.size() && i < bins; ++i)
        {
            out[i] = static_cast<double>(it->second[i]) * 8 / binS / 1e9;
        }
    }
    return out;
}

std::vector<double>
WideAreaNetwork::CrossSiteThroughputGbps() const
{
    std::vector<double> total = ThroughputGbps(m_sites.empty() ? 0 : m_sites[0], m_sites.empty() ? 0 : m_sites[0]);
    for (const auto& [pair, _] : m_deliveredPerBin)
    {
        const std::vector<double> one = ThroughputGbps(pair.first, pair.second);
        for (std::size_t i = 0; i < total.size(); ++i)
        {
            total[i] += one[i];
        }
    }
    return total;
}

void
WideAreaNetwork::AddDelivered(uint32_t from, uint32_t to, uint64_t bytes)
{
    auto& bins = m_deliveredPerBin[{from, to}];
    const auto bin = static_cast<std::size_t>(ns3::Simulator::Now().GetSeconds() / m_throughputBin.GetSeconds());
    if (bins.size() <= bin)
    {
        bins.resize(bin + 1, 0);
    }
    bins[bin] += bytes;
}

double
WideAreaNetwork::PartitionNs(uint32_t siteA, uint32_t siteB) const
{
    const auto key = SiteIndex(siteA) < SiteIndex(siteB) ? std::make_pair(siteA, siteB) : std::make_pair(siteB, siteA);
    double total = 0;
    for (const auto& [start, end] : m_partitions.at(key))
    {
        total += end.value_or(ns3::Simulator::Now().GetNanoSeconds()) - start;
    }
    return total;
}

uint64_t
WideAreaNetwork::LostBytes() const
{
    uint64_t total = 0;
    for (const WanLink& l : m_links)
    {
        total += l.channel->LostBytes();
    }
    return total;
}

uint64_t
WideAreaNetwork::RetransmittedBytes() const
{
    uint64_t total = 0;
    for (const TransferRecord& t : m_transfers)
    {
        total += t.retransmittedBytes;
    }
    return total;
}

std::vector<uint32_t>
WideAreaNetwork::RoutedPath(uint32_t fromSite, uint32_t toSite) const
{
    const ns3::Ipv4Address dst = OwnAddress(Gateway(toSite));
    std::vector<uint32_t> path{fromSite};
    std::set<uint32_t> seen{fromSite};
    uint32_t at = fromSite;
    while (at != toSite)
    {
        auto ip = Gateway(at)->GetObject<ns3::Ipv4>();
        ns3::Ipv4Header header;
        header.SetDestination(dst);
        header.SetSource(OwnAddress(Gateway(fromSite)));
        ns3::Socket::SocketErrno err;
        const auto route = ip->GetRoutingProtocol()->RouteOutput(ns3::Create<ns3::Packet>(), header, nullptr, err);
        if (!route)
        {
            return {};
        }
        const auto dev = route->GetOutputDevice();
        const auto link = std::find_if(m_links.begin(), m_links.end(),
                                       [&](const WanLink& l) { return l.deviceA == dev || l.deviceB == dev; });
        if (link == m_links.end())
        {
            return {};
        }
        at = link->deviceA == dev ? link->siteB : link->siteA;
        if (!seen.insert(at).second)
        {
            return {};
        }
        path.push_back(at);
    }
    return path;
}

} // namespace ofab
