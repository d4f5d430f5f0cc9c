#include "ofab/photonics/model/photonic-link.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

// PhotonicLink's TypeId: every parameter of the link with its unit, default and range. Setting one
// marks the budget stale (it is recomputed on the next read).

namespace ofab
{

NS_OBJECT_ENSURE_REGISTERED(PhotonicLink);

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
#define OFAB_LINK_PARAM(type, member) \
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
            .AddAttribute("ConnectorCount", "Number of mated connector pairs along the fibre. Default 2.",
                          UintegerValue(2), MakeUintegerAccessor(OFAB_LINK_PARAM(uint32_t, m_connectorCount)),
                          MakeUintegerChecker<uint32_t>(0, 1000))
            .AddAttribute("ConnectorLossDb",
                          "Loss per mated connector pair in dB. Default 0.2 dB (single-mode pair <= 0.2 dB; MPO "
                          "up to 0.5 dB).",
                          DoubleValue(0.2), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_connectorLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("InlineLossDb",
                          "Loss of elements inline in the fibre path, e.g. an optical circuit switch's insertion "
                          "loss, in dB. Default 0 dB (a point-to-point fibre).",
                          DoubleValue(0.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_inlineLossDb)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("InlineCrosstalkDb",
                          "In-band crosstalk of elements inline in the fibre path (e.g. an optical circuit switch), "
                          "in dB: the power leaked in from other circuits relative to the signal (<= 0), treated "
                          "as Gaussian noise like the line crosstalk. Default -300 dB (none: no inline "
                          "element).",
                          DoubleValue(-300.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_inlineCrosstalkDb)),
                          MakeDoubleChecker<double>(-300.0, 0.0))
            .AddAttribute("FibreLengthM", "Fibre length in metres. Default 2 m (in-rack scale-up link).",
                          DoubleValue(2.0), MakeDoubleAccessor(OFAB_LINK_PARAM(double, m_fibreLengthM)),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("FibreLossDbPerKm", "Fibre attenuation in dB/km. Default 0.35 dB/km (G.652 in the O-band).",
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
            .AddAttribute(
                "Modulation",
                "Line modulation: NRZ (1 bit per symbol) or PAM4 (2 bits per symbol, eyes 1/3 high). "
                "Default NRZ.",
                EnumValue(static_cast<int>(Modulation::Nrz)),
                MakeEnumAccessor(&PhotonicLink::SetModulationValue, &PhotonicLink::GetModulationValue),
                MakeEnumChecker(static_cast<int>(Modulation::Nrz), "NRZ", static_cast<int>(Modulation::Pam4), "PAM4"))
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
            .AddAttribute("FecEnabled", "Whether the link runs RS(544,514) FEC (t = 15 ten-bit symbols). Default true.",
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
            .AddAttribute("TargetBer", "Largest raw BER at which a line counts as usable without FEC. Default 1e-12.",
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
            .AddTraceSource("Capacity", "The usable line count or capacity changed: (usable lines, capacity in bit/s).",
                            MakeTraceSourceAccessor(&PhotonicLink::m_capacityTrace),
                            "ofab::PhotonicLink::CapacityTracedCallback");
    return tid;
}

#undef OFAB_LINK_PARAM

} // namespace ofab
