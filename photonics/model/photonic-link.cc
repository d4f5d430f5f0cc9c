#include "ofab/photonics/model/photonic-link.h"

#include "ofab/photonics/model/optics-math.h"
#include "ofab/foundation/parameter-error.h"

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

NS_OBJECT_ENSURE_REGISTERED(PhotonicLink);

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
        throw ParameterError(attribute, std::string("expected a value >= ") + Got(min) + " " + unit + ", got " + Got(value));
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

template <typename V, V PhotonicLink::*Member>
void
PhotonicLink::SetParam(V value)
{
    this->*Member = value;
    Invalidate();
}

template <typename V, V PhotonicLink::*Member>
V
PhotonicLink::GetParam() const
{
    return this->*Member;
}

void
PhotonicLink::SetModulationValue(int value)
{
    m_modulation = static_cast<Modulation>(value);
    Invalidate();
}

int
PhotonicLink::GetModulationValue() const
{
    return static_cast<int>(m_modulation);
}

// The accessor pair for one member: a setter that marks the budget dirty and a plain getter.
#define OFAB_LINK_PARAM(type, member)                                                                  \
    &PhotonicLink::SetParam<type, &PhotonicLink::member>, &PhotonicLink::GetParam<type, &PhotonicLink::member>

ns3::TypeId
PhotonicLink::GetTypeId()
{
    using namespace ns3;
    // Checkers hold each value's physical domain (a loss >= 0 dB, a BER in [0, 0.5]); Validate()
    // adds the strict bounds (an extinction ratio > 0 dB, a line rate > 0) and cross-checks.
    static TypeId tid =
        TypeId("ofab::PhotonicLink")
            .SetParent<Object>()
            .SetGroupName("Ofab")
            .AddConstructor<PhotonicLink>()
            .AddAttribute("LaserCouplerLossDb",
                          "Laser to chip coupling loss in dB. Default 1.5 dB (edge coupler 1-2 dB per facet).",
                          DoubleValue(1.5), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_laserCouplerLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("TxWaveguideLengthCm",
                          "Silicon waveguide length on the transmitter chip in cm. Default 0.25 cm (assumed "
                          "short CPO routing).",
                          DoubleValue(0.25), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_txWaveguideLengthCm)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RxWaveguideLengthCm",
                          "Silicon waveguide length on the receiver chip in cm. Default 0.25 cm (assumed).",
                          DoubleValue(0.25), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_rxWaveguideLengthCm)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("WaveguideLossDbPerCm",
                          "Propagation loss of the on-chip waveguides in dB/cm. Default 2 dB/cm (Si wire "
                          "waveguides 1-3 dB/cm; thick SOI ~0.03 dB/cm).",
                          DoubleValue(2.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_waveguideLossDbPerCm)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("ModulatorInsertionLossDb",
                          "Insertion loss of a line's micro-ring modulator on its '1' level, in dB. Default 2 dB "
                          "(micro-ring modulator IL ~2 dB).",
                          DoubleValue(2.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_modulatorInsertionLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("ExtinctionRatioDb",
                          "Modulator extinction ratio P1/P0 in dB (> 0). Default 6 dB (micro-ring ER ~6 dB; "
                          "measured rings up to 8.9 dB).",
                          DoubleValue(6.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_extinctionRatioDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RingThroughLossDb",
                          "Excess loss of passing one off-resonance ring, in dB. Default 0.01 dB per ring.",
                          DoubleValue(0.01), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_ringThroughLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RingDropLossDb",
                          "Drop-port loss of a line's own demultiplexer ring on resonance, in dB. Default 1 dB.",
                          DoubleValue(1.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_ringDropLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("MuxLossDb",
                          "Loss of a separate multiplexer stage (AWG/echelle) in dB; 0 when the modulator rings "
                          "share one bus. Default 0 dB (AWG/echelle stages cost 1-5 dB when present).",
                          DoubleValue(0.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_muxLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("DemuxLossDb",
                          "Loss of a separate demultiplexer stage in dB; 0 for a ring demux. Default 0 dB.",
                          DoubleValue(0.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_demuxLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("FibreCouplerLossDb",
                          "Chip to fibre coupling loss per facet in dB (two facets per link). Default 1.5 dB "
                          "(edge coupler 1-2 dB; grating couplers 2-5 dB).",
                          DoubleValue(1.5), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_fibreCouplerLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("ConnectorCount",
                          "Number of mated connector pairs along the fibre. Default 2.",
                          UintegerValue(2), MakeUintegerAccessor(OFAB_LINK_PARAM(uint32_t, m_connectorCount)),
                          MakeUintegerChecker<uint32_t>(0, 1000))
            .AddAttribute("ConnectorLossDb",
                          "Loss per mated connector pair in dB. Default 0.2 dB (single-mode pair <= 0.2 dB; MPO "
                          "up to 0.5 dB).",
                          DoubleValue(0.2), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_connectorLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("FibreLengthM",
                          "Fibre length in metres. Default 2 m (in-rack scale-up link).",
                          DoubleValue(2.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_fibreLengthM)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("FibreLossDbPerKm",
                          "Fibre attenuation in dB/km. Default 0.35 dB/km (G.652 in the O-band).",
                          DoubleValue(0.35), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_fibreLossDbPerKm)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("PropagationDelayNsPerM",
                          "Group delay of the fibre in ns/m (>= 3.336, light in vacuum). Default 5 ns/m (silica "
                          "fibre).",
                          DoubleValue(5.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_propagationNsPerM)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("ResponsivityAPerW",
                          "Photodetector responsivity in A/W. Default 0.8 A/W (Ge detectors 0.8-1.1 A/W).",
                          DoubleValue(0.8), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_responsivityAPerW)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("ReceiverNoiseCurrentUa",
                          "Input-referred rms thermal (TIA) noise current in uA, over the receiver bandwidth. "
                          "Default 2 uA (measured TIA).",
                          DoubleValue(2.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_receiverNoiseUa)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("DarkCurrentNa",
                          "Photodetector dark current in nA (adds shot noise). Default 10 nA (typical Ge PD).",
                          DoubleValue(10.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_darkCurrentNa)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RinDbPerHz",
                          "Relative intensity noise of each laser line in dB/Hz. Default -145 dB/Hz (typical DFB).",
                          DoubleValue(-145.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_rinDbPerHz)),
                          MakeDoubleChecker<double>(-300.0, 0.0))
            .AddAttribute("NoiseBandwidthRatio",
                          "Receiver noise bandwidth for shot and RIN noise as a fraction of the symbol rate. "
                          "Default 0.5 (Nyquist).",
                          DoubleValue(0.5), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_noiseBandwidthRatio)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("Modulation",
                          "Line modulation: NRZ (1 bit per symbol) or PAM4 (2 bits per symbol, eyes 1/3 high). "
                          "Default NRZ.",
                          EnumValue(static_cast<int>(Modulation::Nrz)),
                          MakeEnumAccessor(&PhotonicLink::SetModulationValue, &PhotonicLink::GetModulationValue),
                          MakeEnumChecker(static_cast<int>(Modulation::Nrz), "NRZ",
                                          static_cast<int>(Modulation::Pam4), "PAM4"))
            .AddAttribute("LineRateGbps",
                          "Data rate of one line in Gb/s, FEC overhead excluded. Default 100 Gb/s: 8 lines make "
                          "800 Gb/s, one x4 UALink-style port.",
                          DoubleValue(100.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_lineRateGbps)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RingQ",
                          "Loaded quality factor of the demultiplexer drop rings (FWHM = f / Q). Default 10000 "
                          "(-24.9 dB neighbour suppression at 200 GHz).",
                          DoubleValue(10000.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_ringQ)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RingLockRangeGhz",
                          "Largest resonance drift in GHz that a ring's heater pulls back; beyond it the line is "
                          "lost. Default 100 GHz (about 9 K at 11 GHz/K, half the 200 GHz spacing).",
                          DoubleValue(100.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_ringLockRangeGhz)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("FecEnabled",
                          "Whether the link runs RS(544,514) FEC (t = 15 ten-bit symbols). Default true.",
                          BooleanValue(true), MakeBooleanAccessor(OFAB_LINK_PARAM(bool, m_fecEnabled)),
                          MakeBooleanChecker())
            .AddAttribute("FecLatency",
                          "Added latency of FEC encode + decode when FEC is on. Default 100 ns (RS on Ethernet "
                          "PHYs: 100-120 ns).",
                          TimeValue(NanoSeconds(100)), MakeTimeAccessor(OFAB_LINK_PARAM(Time, m_fecLatency)),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("PreFecBerThreshold",
                          "Largest pre-FEC BER at which a line counts as usable with FEC. Default 2.4e-4 "
                          "(RS(544,514) gives post-FEC <= 1e-12 there).",
                          DoubleValue(2.4e-4), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_preFecBerThreshold)),
                          MakeDoubleChecker<double>(0.0, 0.5))
            .AddAttribute("TargetBer",
                          "Largest raw BER at which a line counts as usable without FEC. Default 1e-12.",
                          DoubleValue(1e-12), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_targetBer)),
                          MakeDoubleChecker<double>(0.0, 0.5))
            .AddAttribute("ElectronicsEnergyPjPerBit",
                          "Energy of the electrical side (SerDes, drivers, TIA, clocking) in pJ/bit. Default 4.5 "
                          "pJ/bit, so a CPO link lands near the ~5 pJ/bit optical I/O chiplet figure.",
                          DoubleValue(4.5), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_electronicsPjPerBit)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("RingTuningPowerMw",
                          "Heater power holding one ring on its line in mW (two rings per line: modulator and "
                          "drop). Default 0.5 mW (assumed; TiN heaters tune ~0.1 nm/mW).",
                          DoubleValue(0.5), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_ringTuningPowerMw)),
                          MakeDoubleChecker<double>(0.0))
            .AddTraceSource("Capacity",
                            "The usable line count or capacity changed: (usable lines, capacity in bit/s).",
                            MakeTraceSourceAccessor(&PhotonicLink::m_capacityTrace),
                            "ofab::PhotonicLink::CapacityTracedCallback");
    return tid;
}

#undef OFAB_LINK_PARAM

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
        m_source->TraceDisconnectWithoutContext("LineState",
                                                ns3::MakeCallback(&PhotonicLink::OnLaserLineState, this));
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
