#include "ofab/photonics/model/photonic-link.h"

#include "ofab/foundation/parameter-error.h"
#include "ofab/photonics/model/optics-math.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ofab
{

namespace
{
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint32_t kNoFrame = std::numeric_limits<uint32_t>::max();

std::string
Got(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

void
RequireAtLeast(const char* attribute, double value, double min, const char* unit)
{
    if (!(value >= min) || !std::isfinite(value))
    {
        throw ParameterError(attribute,
                             std::string("expected a value >= ") + Got(min) + " " + unit + ", got " + Got(value));
    }
}

void
RequirePositive(const char* attribute, double value, const char* unit)
{
    if (!(value > 0.0) || !std::isfinite(value))
    {
        throw ParameterError(attribute, std::string("expected a value > 0 ") + unit + ", got " + Got(value));
    }
}
} // namespace

PhotonicLink::PhotonicLink()
    : m_laserCouplerLossDb(1.5),
      m_txWaveguideLengthCm(0.25),
      m_rxWaveguideLengthCm(0.25),
      m_waveguideLossDbPerCm(2.0),
      m_modulatorInsertionLossDb(2.0),
      m_extinctionRatioDb(6.0),
      m_ringThroughLossDb(0.01),
      m_ringDropLossDb(1.0),
      m_muxLossDb(0.0),
      m_demuxLossDb(0.0),
      m_fibreCouplerLossDb(1.5),
      m_connectorCount(2),
      m_connectorLossDb(0.2),
      m_inlineLossDb(0.0),
      m_inlineCrosstalkDb(-100.0),
      m_fibreLengthM(2.0),
      m_fibreLossDbPerKm(0.35),
      m_propagationNsPerM(5.0),
      m_responsivityAPerW(0.8),
      m_receiverNoiseUa(2.0),
      m_darkCurrentNa(10.0),
      m_rinDbPerHz(-145.0),
      m_noiseBandwidthRatio(0.5),
      m_modulation(Modulation::Nrz),
      m_lineRateGbps(100.0),
      m_ringQ(10000.0),
      m_ringLockRangeGhz(100.0),
      m_fecEnabled(true),
      m_fecLatency(ns3::NanoSeconds(100)),
      m_preFecBerThreshold(2.4e-4),
      m_targetBer(1e-12),
      m_electronicsPjPerBit(4.5),
      m_ringTuningPowerMw(0.5),
      m_uniform(ns3::CreateObject<ns3::UniformRandomVariable>()),
      m_dirty(true),
      m_usable(0),
      m_lastReportedUsable(0),
      m_cachedFrameBytes(kNoFrame),
      m_cachedFrameErrorProb(1.0),
      m_lastReportedCapacity(0.0),
      m_capacityBps(0.0),
      m_ticksPerByte(0.0),
      m_logCodewordOk(-kInf),
      m_logBitOk(-kInf)
{
}

PhotonicLink::~PhotonicLink()
{
    DisconnectSource();
}

void
PhotonicLink::DoDispose()
{
    DisconnectSource();
    m_source = nullptr;
    m_uniform = nullptr;
    ns3::Object::DoDispose();
}

void
PhotonicLink::Validate() const
{
    RequireAtLeast("LaserCouplerLossDb", m_laserCouplerLossDb, 0.0, "dB");
    RequireAtLeast("TxWaveguideLengthCm", m_txWaveguideLengthCm, 0.0, "cm");
    RequireAtLeast("RxWaveguideLengthCm", m_rxWaveguideLengthCm, 0.0, "cm");
    RequireAtLeast("WaveguideLossDbPerCm", m_waveguideLossDbPerCm, 0.0, "dB/cm");
    RequireAtLeast("ModulatorInsertionLossDb", m_modulatorInsertionLossDb, 0.0, "dB");
    RequirePositive("ExtinctionRatioDb", m_extinctionRatioDb, "dB");
    RequireAtLeast("RingThroughLossDb", m_ringThroughLossDb, 0.0, "dB");
    RequireAtLeast("RingDropLossDb", m_ringDropLossDb, 0.0, "dB");
    RequireAtLeast("MuxLossDb", m_muxLossDb, 0.0, "dB");
    RequireAtLeast("DemuxLossDb", m_demuxLossDb, 0.0, "dB");
    RequireAtLeast("FibreCouplerLossDb", m_fibreCouplerLossDb, 0.0, "dB");
    RequireAtLeast("ConnectorLossDb", m_connectorLossDb, 0.0, "dB");
    RequireAtLeast("InlineLossDb", m_inlineLossDb, 0.0, "dB");
    if (!(m_inlineCrosstalkDb <= 0.0) || !std::isfinite(m_inlineCrosstalkDb))
    {
        throw ParameterError("InlineCrosstalkDb",
                             "expected a crosstalk <= 0 dB relative to the signal, got " + Got(m_inlineCrosstalkDb));
    }
    RequireAtLeast("FibreLengthM", m_fibreLengthM, 0.0, "m");
    RequireAtLeast("FibreLossDbPerKm", m_fibreLossDbPerKm, 0.0, "dB/km");
    RequireAtLeast("PropagationDelayNsPerM", m_propagationNsPerM, 1e9 / optics::kSpeedOfLightMPerS,
                   "ns/m (light in vacuum)");
    RequirePositive("ResponsivityAPerW", m_responsivityAPerW, "A/W");
    RequireAtLeast("ReceiverNoiseCurrentUa", m_receiverNoiseUa, 0.0, "uA");
    RequireAtLeast("DarkCurrentNa", m_darkCurrentNa, 0.0, "nA");
    if (!(m_rinDbPerHz < 0.0) || !std::isfinite(m_rinDbPerHz))
    {
        throw ParameterError("RinDbPerHz", "expected a relative intensity noise < 0 dB/Hz, got " + Got(m_rinDbPerHz));
    }
    RequirePositive("NoiseBandwidthRatio", m_noiseBandwidthRatio, "(fraction of the symbol rate)");
    if (m_modulation != Modulation::Nrz && m_modulation != Modulation::Pam4)
    {
        throw ParameterError("Modulation", "expected NRZ or PAM4, got " + std::to_string(int(m_modulation)));
    }
    RequirePositive("LineRateGbps", m_lineRateGbps, "Gb/s");
    RequirePositive("RingQ", m_ringQ, "");
    RequireAtLeast("RingLockRangeGhz", m_ringLockRangeGhz, 0.0, "GHz");
    if (m_fecLatency.IsStrictlyNegative())
    {
        throw ParameterError("FecLatency", "expected a latency >= 0, got " + Got(m_fecLatency.GetSeconds()) + " s");
    }
    if (!(m_preFecBerThreshold > 0.0 && m_preFecBerThreshold < 0.5))
    {
        throw ParameterError("PreFecBerThreshold", "expected a BER in (0, 0.5), got " + Got(m_preFecBerThreshold));
    }
    if (!(m_targetBer > 0.0 && m_targetBer < 0.5))
    {
        throw ParameterError("TargetBer", "expected a BER in (0, 0.5), got " + Got(m_targetBer));
    }
    RequireAtLeast("ElectronicsEnergyPjPerBit", m_electronicsPjPerBit, 0.0, "pJ/bit");
    RequireAtLeast("RingTuningPowerMw", m_ringTuningPowerMw, 0.0, "mW");
}

void
PhotonicLink::SetLaserSource(ns3::Ptr<LaserSource> source)
{
    DisconnectSource();
    m_source = source;
    if (m_source)
    {
        m_source->TraceConnectWithoutContext("LineState", ns3::MakeCallback(&PhotonicLink::OnLaserLineState, this));
        m_driftGhz.resize(m_source->GetLineCount(), 0.0);
    }
    Invalidate();
    EnsureFresh(); // also without a source: the capacity drops to zero now
}

ns3::Ptr<LaserSource>
PhotonicLink::GetLaserSource() const
{
    return m_source;
}

void
PhotonicLink::DisconnectSource()
{
    if (m_source)
    {
        m_source->TraceDisconnectWithoutContext("LineState", ns3::MakeCallback(&PhotonicLink::OnLaserLineState, this));
    }
}

void
PhotonicLink::SetLineDriftGhz(uint32_t line, double driftGhz)
{
    if (line >= GetLineCount())
    {
        throw std::out_of_range("PhotonicLink::SetLineDriftGhz: line " + std::to_string(line) +
                                " out of range (link has " + std::to_string(GetLineCount()) + " lines)");
    }
    if (!std::isfinite(driftGhz))
    {
        throw std::invalid_argument("PhotonicLink::SetLineDriftGhz: expected a finite drift in GHz, got " +
                                    Got(driftGhz));
    }
    m_driftGhz.resize(GetLineCount(), 0.0);
    m_driftGhz[line] = driftGhz;
    Invalidate();
}

void
PhotonicLink::OnLaserLineState(uint32_t, LaserSource::LineState, LaserSource::LineState, double)
{
    m_driftGhz.resize(m_source->GetLineCount(), 0.0);
    Invalidate();
}

void
PhotonicLink::Invalidate()
{
    m_dirty = true;
    if (m_source)
    {
        Recompute();
    }
}

const std::vector<LineBudget>&
PhotonicLink::GetLineBudgets() const
{
    EnsureFresh();
    return m_lines;
}

uint32_t
PhotonicLink::GetLineCount() const
{
    return m_source ? m_source->GetLineCount() : 0;
}

uint32_t
PhotonicLink::GetUsableLineCount() const
{
    EnsureFresh();
    return m_usable;
}

double
PhotonicLink::GetLineRateBps() const
{
    return m_lineRateGbps * 1e9;
}

double
PhotonicLink::GetCapacityBps() const
{
    EnsureFresh();
    return m_capacityBps;
}

double
PhotonicLink::GetCapacityFraction() const
{
    EnsureFresh();
    const uint32_t n = GetLineCount();
    return n == 0 ? 0.0 : double(m_usable) / n;
}

ns3::Time
PhotonicLink::GetSerializationTime(uint32_t bytes) const
{
    EnsureFresh();
    if (m_usable == 0)
    {
        return ns3::Time::Max();
    }
    return ns3::Time(static_cast<int64_t>(bytes * m_ticksPerByte + 0.5)); // round to the nearest step
}

ns3::Time
PhotonicLink::GetPropagationDelay() const
{
    EnsureFresh();
    return m_propagationDelay;
}

ns3::Time
PhotonicLink::GetFecLatency() const
{
    return m_fecEnabled ? m_fecLatency : ns3::Time(0);
}

bool
PhotonicLink::IsFecEnabled() const
{
    return m_fecEnabled;
}

PhotonicLink::Modulation
PhotonicLink::GetModulation() const
{
    return m_modulation;
}

double
PhotonicLink::GetFrameErrorProbability(uint32_t bytes) const
{
    EnsureFresh();
    if (bytes == m_cachedFrameBytes)
    {
        return m_cachedFrameErrorProb;
    }
    double p;
    if (m_usable == 0)
    {
        p = 1.0;
    }
    else if (m_fecEnabled)
    {
        const double codewords = std::ceil(bytes * 8.0 / optics::kRsPayloadBits);
        p = -std::expm1(codewords * m_logCodewordOk);
    }
    else
    {
        p = -std::expm1(bytes * 8.0 * m_logBitOk);
    }
    m_cachedFrameBytes = bytes;
    m_cachedFrameErrorProb = std::isnan(p) ? 1.0 : p; // 0 x -inf for an empty frame on a hopeless line
    if (bytes == 0)
    {
        m_cachedFrameErrorProb = m_usable == 0 ? 1.0 : 0.0;
    }
    return m_cachedFrameErrorProb;
}

bool
PhotonicLink::DrawFrameError(uint32_t bytes)
{
    const double p = GetFrameErrorProbability(bytes);
    if (p <= 0.0)
    {
        return false;
    }
    if (p >= 1.0)
    {
        return true;
    }
    return m_uniform->GetValue() < p;
}

double
PhotonicLink::GetEnergyPerBitPj() const
{
    EnsureFresh();
    if (m_usable == 0 || !m_source)
    {
        return kInf;
    }
    const double laserW = m_source->GetElectricalPowerW() / m_source->GetPortCount();
    const double tuningW = 2.0 * GetLineCount() * m_ringTuningPowerMw * 1e-3;
    return (laserW + tuningW) / m_capacityBps * 1e12 + m_electronicsPjPerBit;
}

int64_t
PhotonicLink::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

const char*
ToString(PhotonicLink::Modulation m)
{
    switch (m)
    {
    case PhotonicLink::Modulation::Nrz:
        return "NRZ";
    case PhotonicLink::Modulation::Pam4:
        return "PAM4";
    }
    return "?";
}

} // namespace ofab
