#include "ofab/photonics/model/optical-circuit-switch.h"

#include "ofab/foundation/parameter-error.h"

#include "ns3/double.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(OpticalCircuitSwitch);

namespace
{
std::string
Got(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

std::string
PairText(const OpticalCircuitSwitch::CrossConnect& p)
{
    return "(" + std::to_string(p.first) + ", " + std::to_string(p.second) + ")";
}

/// (a, b) with a < b: the two directions of a circuit are one pair.
OpticalCircuitSwitch::CrossConnect
Ordered(const OpticalCircuitSwitch::CrossConnect& p)
{
    return p.first < p.second ? p : OpticalCircuitSwitch::CrossConnect{p.second, p.first};
}

std::vector<OpticalCircuitSwitch::CrossConnect>
Normalized(const std::vector<OpticalCircuitSwitch::CrossConnect>& pairs)
{
    std::vector<OpticalCircuitSwitch::CrossConnect> out;
    out.reserve(pairs.size());
    std::transform(pairs.begin(), pairs.end(), std::back_inserter(out), Ordered);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}
} // namespace

ns3::TypeId
OpticalCircuitSwitch::GetTypeId()
{
    using namespace ns3;
    // Checkers hold each value's domain; Validate() adds the cross-checks (p99 >= median, the map
    // within PortCount).
    static TypeId tid =
        TypeId("ofab::OpticalCircuitSwitch")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddConstructor<OpticalCircuitSwitch>()
            .AddAttribute("PortCount",
                          "Number of ports; a circuit joins two of them. Default 136 (Google's MEMS OCS, "
                          "136 x 136).",
                          UintegerValue(136), MakeUintegerAccessor(&OpticalCircuitSwitch::m_portCount),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("InsertionLossDb",
                          "Insertion loss of one pass through the switch in dB, lost by every circuit's link "
                          "budget (PhotonicLink InlineLossDb). Default 2 dB (MEMS OCS: under ~2 dB).",
                          DoubleValue(2.0), MakeDoubleAccessor(&OpticalCircuitSwitch::m_insertionLossDb),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("CrosstalkDb",
                          "In-band crosstalk in dB: power leaked into a circuit from the others, relative to its "
                          "signal (PhotonicLink InlineCrosstalkDb). Default -50 dB (assumed; MEMS switches are "
                          "usually quoted below -40 to -50 dB).",
                          DoubleValue(-50.0), MakeDoubleAccessor(&OpticalCircuitSwitch::m_crosstalkDb),
                          MakeDoubleChecker<double>(-300.0, 0.0))
            .AddAttribute("ReconfigurationTime",
                          "Median time a changed circuit carries no light while the switch moves it. Default "
                          "1.2 ms (MEMS OCS median ~1.2 ms).",
                          TimeValue(MicroSeconds(1200)),
                          MakeTimeAccessor(&OpticalCircuitSwitch::m_reconfigurationMedian), MakeTimeChecker(Time(0)))
            .AddAttribute("ReconfigurationTimeP99",
                          "99th percentile of the reconfiguration time (>= ReconfigurationTime); equal to it "
                          "makes the time fixed, above it makes it log-normal. Default 3 ms (MEMS OCS p99 under "
                          "~3 ms).",
                          TimeValue(MilliSeconds(3)), MakeTimeAccessor(&OpticalCircuitSwitch::m_reconfigurationP99),
                          MakeTimeChecker(Time(0)))
            .AddTraceSource("CrossConnect",
                            "A circuit was removed from or added to the map: (port a, port b with a < b, connected).",
                            MakeTraceSourceAccessor(&OpticalCircuitSwitch::m_crossConnectTrace),
                            "ofab::OpticalCircuitSwitch::CrossConnectTracedCallback");
    return tid;
}

OpticalCircuitSwitch::OpticalCircuitSwitch()
    : m_portCount(136),
      m_insertionLossDb(2.0),
      m_crosstalkDb(-50.0),
      m_reconfigurationMedian(ns3::MicroSeconds(1200)),
      m_reconfigurationP99(ns3::MilliSeconds(3)),
      m_logNormal(ns3::CreateObject<ns3::LogNormalRandomVariable>())
{
}

void
OpticalCircuitSwitch::DoDispose()
{
    m_logNormal = nullptr;
    ns3::Object::DoDispose();
}

void
OpticalCircuitSwitch::Validate() const
{
    if (m_portCount == 0)
    {
        throw ParameterError("PortCount", "expected at least 1 port, got 0");
    }
    if (!m_peer.empty() && m_peer.rbegin()->first >= m_portCount)
    {
        throw ParameterError("PortCount", "expected more than the highest connected port " +
                                              std::to_string(m_peer.rbegin()->first) + ", got " +
                                              std::to_string(m_portCount));
    }
    if (!(m_insertionLossDb >= 0.0) || !std::isfinite(m_insertionLossDb))
    {
        throw ParameterError("InsertionLossDb", "expected a loss >= 0 dB, got " + Got(m_insertionLossDb));
    }
    if (!(m_crosstalkDb <= 0.0) || !std::isfinite(m_crosstalkDb))
    {
        throw ParameterError("CrosstalkDb",
                             "expected a crosstalk <= 0 dB relative to the signal, got " + Got(m_crosstalkDb));
    }
    if (m_reconfigurationMedian.IsStrictlyNegative())
    {
        throw ParameterError("ReconfigurationTime",
                             "expected a time >= 0, got " + Got(m_reconfigurationMedian.GetSeconds()) + " s");
    }
    if (m_reconfigurationP99 < m_reconfigurationMedian)
    {
        throw ParameterError("ReconfigurationTimeP99", "expected a 99th percentile >= ReconfigurationTime (" +
                                                           Got(m_reconfigurationMedian.GetSeconds()) + " s), got " +
                                                           Got(m_reconfigurationP99.GetSeconds()) + " s");
    }
    if (m_reconfigurationP99 > m_reconfigurationMedian && !m_reconfigurationMedian.IsStrictlyPositive())
    {
        throw ParameterError("ReconfigurationTime",
                             "expected a median > 0 when ReconfigurationTimeP99 is above it (log-normal), got 0 s");
    }
}

uint32_t
OpticalCircuitSwitch::GetPortCount() const
{
    return m_portCount;
}

double
OpticalCircuitSwitch::GetInsertionLossDb() const
{
    return m_insertionLossDb;
}

double
OpticalCircuitSwitch::GetCrosstalkDb() const
{
    return m_crosstalkDb;
}

void
OpticalCircuitSwitch::SetCrossConnects(const std::vector<CrossConnect>& pairs)
{
    // Check the whole map before touching the current one.
    std::map<uint32_t, std::size_t> user; // port -> index of the pair that uses it
    std::map<uint32_t, uint32_t> peer;
    for (std::size_t i = 0; i < pairs.size(); ++i)
    {
        const CrossConnect& p = pairs[i];
        for (uint32_t port : {p.first, p.second})
        {
            if (port >= m_portCount)
            {
                throw ParameterError("CrossConnects", "port " + std::to_string(port) + " of " + PairText(p) +
                                                          " is out of range (PortCount " + std::to_string(m_portCount) +
                                                          ": ports 0 to " + std::to_string(m_portCount - 1) + ")");
            }
        }
        if (p.first == p.second)
        {
            throw ParameterError("CrossConnects",
                                 PairText(p) + " joins port " + std::to_string(p.first) + " to itself");
        }
        for (uint32_t port : {p.first, p.second})
        {
            const auto [it, inserted] = user.emplace(port, i);
            if (!inserted)
            {
                throw ParameterError("CrossConnects", "port " + std::to_string(port) + " appears twice, in " +
                                                          PairText(pairs[it->second]) + " and " + PairText(p));
            }
        }
        peer[p.first] = p.second;
        peer[p.second] = p.first;
    }

    const std::vector<CrossConnect> before = GetCrossConnects();
    const std::vector<CrossConnect> after = Normalized(pairs);
    m_peer = std::move(peer);
    std::vector<CrossConnect> removed;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
    std::vector<CrossConnect> added;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
    for (const CrossConnect& c : removed)
    {
        m_crossConnectTrace(c.first, c.second, false);
    }
    for (const CrossConnect& c : added)
    {
        m_crossConnectTrace(c.first, c.second, true);
    }
}

void
OpticalCircuitSwitch::CheckPort(uint32_t port) const
{
    if (port >= m_portCount)
    {
        throw std::out_of_range("OpticalCircuitSwitch: port " + std::to_string(port) + " out of range (switch has " +
                                std::to_string(m_portCount) + " ports)");
    }
}

uint32_t
OpticalCircuitSwitch::GetPeer(uint32_t port) const
{
    CheckPort(port);
    const auto it = m_peer.find(port);
    return it == m_peer.end() ? kUnconnected : it->second;
}

std::vector<OpticalCircuitSwitch::CrossConnect>
OpticalCircuitSwitch::GetCrossConnects() const
{
    std::vector<CrossConnect> out;
    for (const auto& [port, peer] : m_peer)
    {
        if (port < peer)
        {
            out.emplace_back(port, peer); // the map is ordered by port: out comes sorted
        }
    }
    return out;
}

std::vector<OpticalCircuitSwitch::CrossConnect>
OpticalCircuitSwitch::ChangedBy(const std::vector<CrossConnect>& newPairs) const
{
    return Moved(GetCrossConnects(), newPairs);
}

std::vector<OpticalCircuitSwitch::CrossConnect>
OpticalCircuitSwitch::Moved(const std::vector<CrossConnect>& before, const std::vector<CrossConnect>& after)
{
    const std::vector<CrossConnect> a = Normalized(before);
    const std::vector<CrossConnect> b = Normalized(after);
    std::vector<CrossConnect> out;
    std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

ns3::Time
OpticalCircuitSwitch::DrawReconfigurationTime()
{
    if (m_reconfigurationP99 <= m_reconfigurationMedian)
    {
        return m_reconfigurationMedian;
    }
    if (!m_reconfigurationMedian.IsStrictlyPositive())
    {
        Validate(); // a log-normal needs a median > 0: throws the ParameterError that names it
    }
    const double median = m_reconfigurationMedian.GetSeconds();
    const double mu = std::log(median);
    const double sigma = (std::log(m_reconfigurationP99.GetSeconds()) - mu) / kZ99;
    return ns3::Seconds(m_logNormal->GetValue(mu, sigma));
}

int64_t
OpticalCircuitSwitch::AssignStreams(int64_t stream)
{
    m_logNormal->SetStream(stream);
    return 1;
}

} // namespace ofab
