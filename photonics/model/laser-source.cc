#include "ofab/photonics/model/laser-source.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/optics-math.h"

#include "ns3/double.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(LaserSource);

namespace
{
std::string
Got(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}
} // namespace

template <typename V, V LaserSource::*Member>
void
LaserSource::SetAndNotify(V value)
{
    this->*Member = value;
    NotifyAllLines();
}

template <typename V, V LaserSource::*Member>
V
LaserSource::GetMember() const
{
    return this->*Member;
}

ns3::TypeId
LaserSource::GetTypeId()
{
    using ns3::DoubleValue;
    using ns3::UintegerValue;
    // Checkers hold the physical domain of each value (a count >= 0, a fraction in [0, 1]); Validate()
    // adds the strict bounds (at least one line, a non-zero efficiency) and the cross-checks.
    static ns3::TypeId tid =
        ns3::TypeId("ofab::LaserSource")
            .SetParent<ns3::Object>()
            .SetGroupName("Ofab")
            .AddConstructor<LaserSource>()
            .AddAttribute("LineCount",
                          "Number of wavelength lines (carriers) of the source, one data line each. "
                          "Default 8: the 8-line CW-WDM MSA grid used by optical I/O chiplets.",
                          UintegerValue(8),
                          ns3::MakeUintegerAccessor(&LaserSource::SetLineCount, &LaserSource::GetLineCount),
                          ns3::MakeUintegerChecker<uint32_t>(0, 1024))
            .AddAttribute("CentreFrequencyThz",
                          "Centre of the line grid in THz. Default 228.8 THz (1310 nm, O-band, CW-WDM MSA).",
                          DoubleValue(228.8),
                          ns3::MakeDoubleAccessor(&LaserSource::SetAndNotify<double, &LaserSource::m_centreThz>,
                                                  &LaserSource::GetMember<double, &LaserSource::m_centreThz>),
                          ns3::MakeDoubleChecker<double>(0.0))
            .AddAttribute("SpacingGhz",
                          "Spacing between adjacent lines in GHz. Default 200 GHz: 8 lines per fibre on the "
                          "CW-WDM MSA grid (400/200/100 GHz for 8/16/32 lines).",
                          DoubleValue(200.0),
                          ns3::MakeDoubleAccessor(&LaserSource::SetAndNotify<double, &LaserSource::m_spacingGhz>,
                                                  &LaserSource::GetMember<double, &LaserSource::m_spacingGhz>),
                          ns3::MakeDoubleChecker<double>(0.0))
            .AddAttribute("LinePowerDbm",
                          "Mean optical power of one line into one output port, in dBm. Default +3 dBm "
                          "(multi-wavelength DFB/comb sources: 8 lines, > 15 mW per port).",
                          DoubleValue(3.0),
                          ns3::MakeDoubleAccessor(&LaserSource::SetAndNotify<double, &LaserSource::m_linePowerDbm>,
                                                  &LaserSource::GetMember<double, &LaserSource::m_linePowerDbm>),
                          ns3::MakeDoubleChecker<double>(-100.0, 50.0))
            .AddAttribute("PowerSpreadDb",
                          "Difference between the strongest and the weakest line in dB, applied as a linear tilt "
                          "across the grid (line 0 strongest). Default 1 dB (8-line source datasheets).",
                          DoubleValue(1.0),
                          ns3::MakeDoubleAccessor(&LaserSource::SetAndNotify<double, &LaserSource::m_powerSpreadDb>,
                                                  &LaserSource::GetMember<double, &LaserSource::m_powerSpreadDb>),
                          ns3::MakeDoubleChecker<double>(0.0, 60.0))
            .AddAttribute("WallPlugEfficiency",
                          "Optical output power / electrical input power, a fraction in (0, 1]. Default 0.2, "
                          "between the PhoenixSim (10 %) and DSENT (25 %) assumptions.",
                          DoubleValue(0.2), ns3::MakeDoubleAccessor(&LaserSource::m_wallPlugEfficiency),
                          ns3::MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("PortCount",
                          "Number of output fibres each line is split to (links fed by this source); every port "
                          "gets LinePowerDbm per line. Default 1 (a 16 x 16 external source would be 16).",
                          UintegerValue(1), ns3::MakeUintegerAccessor(&LaserSource::m_portCount),
                          ns3::MakeUintegerChecker<uint32_t>(0, 65536))
            .AddTraceSource("LineState",
                            "A line changed state or power: (line, old state, new state, line power dBm now).",
                            ns3::MakeTraceSourceAccessor(&LaserSource::m_lineStateTrace),
                            "ofab::LaserSource::LineStateTracedCallback");
    return tid;
}

LaserSource::LaserSource()
    : m_lineCount(0),
      m_portCount(1),
      m_centreThz(228.8),
      m_spacingGhz(200.0),
      m_linePowerDbm(3.0),
      m_powerSpreadDb(1.0),
      m_wallPlugEfficiency(0.2)
{
    SetLineCount(8);
}

void
LaserSource::Validate() const
{
    if (m_lineCount == 0)
    {
        throw ParameterError("LineCount", "expected at least 1 line, got 0");
    }
    if (m_portCount == 0)
    {
        throw ParameterError("PortCount", "expected at least 1 output port, got 0");
    }
    if (!(m_centreThz > 0.0) || !std::isfinite(m_centreThz))
    {
        throw ParameterError("CentreFrequencyThz", "expected a frequency > 0 THz, got " + Got(m_centreThz));
    }
    if (!(m_spacingGhz > 0.0) || !std::isfinite(m_spacingGhz))
    {
        throw ParameterError("SpacingGhz", "expected a line spacing > 0 GHz, got " + Got(m_spacingGhz));
    }
    const double lowestHz = m_centreThz * 1e12 - 0.5 * (m_lineCount - 1) * m_spacingGhz * 1e9;
    if (!(lowestHz > 0.0))
    {
        throw ParameterError("SpacingGhz", "expected a grid of " + std::to_string(m_lineCount) +
                                               " lines that stays above 0 Hz around " + Got(m_centreThz) +
                                               " THz, got " + Got(m_spacingGhz) + " GHz spacing");
    }
    if (!std::isfinite(m_linePowerDbm))
    {
        throw ParameterError("LinePowerDbm", "expected a finite power in dBm, got " + Got(m_linePowerDbm));
    }
    if (!(m_powerSpreadDb >= 0.0) || !std::isfinite(m_powerSpreadDb))
    {
        throw ParameterError("PowerSpreadDb", "expected a spread >= 0 dB, got " + Got(m_powerSpreadDb));
    }
    if (!(m_wallPlugEfficiency > 0.0 && m_wallPlugEfficiency <= 1.0))
    {
        throw ParameterError("WallPlugEfficiency", "expected a fraction in (0, 1], got " + Got(m_wallPlugEfficiency));
    }
}

uint32_t
LaserSource::GetLineCount() const
{
    return m_lineCount;
}

uint32_t
LaserSource::GetPortCount() const
{
    return m_portCount;
}

double
LaserSource::GetLineFrequencyHz(uint32_t line) const
{
    CheckLine(line);
    return m_centreThz * 1e12 + (line - 0.5 * (m_lineCount - 1.0)) * m_spacingGhz * 1e9;
}

double
LaserSource::GetLinePowerDbm(uint32_t line) const
{
    CheckLine(line);
    if (m_state[line] == LineState::Failed)
    {
        return -std::numeric_limits<double>::infinity();
    }
    const double position = m_lineCount > 1 ? double(line) / (m_lineCount - 1) : 0.5;
    return m_linePowerDbm + m_powerSpreadDb * (0.5 - position) - m_dropDb[line];
}

LaserSource::LineState
LaserSource::GetLineState(uint32_t line) const
{
    CheckLine(line);
    return m_state[line];
}

bool
LaserSource::IsLineLit(uint32_t line) const
{
    return GetLineState(line) != LineState::Failed;
}

void
LaserSource::FailLine(uint32_t line)
{
    CheckLine(line);
    SetState(line, LineState::Failed, 0.0);
}

void
LaserSource::DegradeLine(uint32_t line, double powerDropDb)
{
    CheckLine(line);
    if (!(powerDropDb >= 0.0) || !std::isfinite(powerDropDb))
    {
        throw std::invalid_argument("LaserSource::DegradeLine: expected a power drop >= 0 dB, got " + Got(powerDropDb));
    }
    SetState(line, LineState::Degraded, powerDropDb);
}

void
LaserSource::RestoreLine(uint32_t line)
{
    CheckLine(line);
    SetState(line, LineState::On, 0.0);
}

void
LaserSource::FailAll()
{
    // Change every line first, then report: a link re-evaluating on the first report already sees
    // the whole source dark, so its capacity drops to zero in one step.
    std::vector<LineState> old = m_state;
    for (uint32_t i = 0; i < m_lineCount; ++i)
    {
        m_state[i] = LineState::Failed;
        m_dropDb[i] = 0.0;
    }
    for (uint32_t i = 0; i < m_lineCount; ++i)
    {
        m_lineStateTrace(i, old[i], m_state[i], GetLinePowerDbm(i));
    }
}

void
LaserSource::RestoreAll()
{
    std::vector<LineState> old = m_state;
    for (uint32_t i = 0; i < m_lineCount; ++i)
    {
        m_state[i] = LineState::On;
        m_dropDb[i] = 0.0;
    }
    for (uint32_t i = 0; i < m_lineCount; ++i)
    {
        m_lineStateTrace(i, old[i], m_state[i], GetLinePowerDbm(i));
    }
}

double
LaserSource::GetOpticalPowerPerPortMw() const
{
    double mw = 0.0;
    for (uint32_t i = 0; i < m_lineCount; ++i)
    {
        if (m_state[i] != LineState::Failed)
        {
            mw += optics::DbmToMw(GetLinePowerDbm(i));
        }
    }
    return mw;
}

double
LaserSource::GetElectricalPowerW() const
{
    return GetOpticalPowerPerPortMw() * 1e-3 * m_portCount / m_wallPlugEfficiency;
}

void
LaserSource::SetLineCount(uint32_t n)
{
    // Lines that exist keep their state; new lines come up On.
    m_lineCount = n;
    m_state.resize(n, LineState::On);
    m_dropDb.resize(n, 0.0);
    NotifyAllLines();
}

void
LaserSource::SetState(uint32_t line, LineState state, double dropDb)
{
    const LineState old = m_state[line];
    m_state[line] = state;
    m_dropDb[line] = dropDb;
    m_lineStateTrace(line, old, state, GetLinePowerDbm(line));
}

void
LaserSource::CheckLine(uint32_t line) const
{
    if (line >= m_lineCount)
    {
        throw std::out_of_range("LaserSource: line " + std::to_string(line) + " out of range (source has " +
                                std::to_string(m_lineCount) + " lines)");
    }
}

void
LaserSource::NotifyAllLines() const
{
    for (uint32_t i = 0; i < m_lineCount; ++i)
    {
        m_lineStateTrace(i, m_state[i], m_state[i], GetLinePowerDbm(i));
    }
}

const char*
ToString(LaserSource::LineState s)
{
    switch (s)
    {
    case LaserSource::LineState::On:
        return "On";
    case LaserSource::LineState::Degraded:
        return "Degraded";
    case LaserSource::LineState::Failed:
        return "Failed";
    }
    return "?";
}

} // namespace ofab
