#ifndef OFAB_PHOTONICS_MODEL_PHOTONIC_LINK_H
#define OFAB_PHOTONICS_MODEL_PHOTONIC_LINK_H

#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/line-budget.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * One direction of a silicon-photonic link: laser source -> modulator rings -> fibre -> demux rings
 * -> photodetectors, carrying one data line per laser line.
 *
 * The per-line budget (power chain, noise, crosstalk, BER, FEC) is evaluated lazily when something
 * changed (a laser line, a ring drift, an attribute) and cached, so the per-frame calls
 * (GetSerializationTime, DrawFrameError) are a few arithmetic operations.
 *
 * Chain of the '1' level for line i of N (all losses in dB, attributes in brackets):
 *   laser line power - laser coupler [LaserCouplerLossDb]
 *   - Tx waveguide [TxWaveguideLengthCm x WaveguideLossDbPerCm]
 *   - modulator insertion loss [ModulatorInsertionLossDb] - (N-1) passed modulator rings [RingThroughLossDb]
 *   - mux stage [MuxLossDb] - 2 fibre couplers [FibreCouplerLossDb] - connectors [ConnectorCount x ConnectorLossDb]
 *   - elements inline in the fibre path, e.g. an optical circuit switch [InlineLossDb]
 *   - fibre [FibreLengthM x FibreLossDbPerKm] - demux stage [DemuxLossDb] - Rx waveguide [RxWaveguideLengthCm x WaveguideLossDbPerCm]
 *   - i passed drop rings before its own [RingThroughLossDb] - ring drop [RingDropLossDb]
 *   - the share of line i that those earlier drop rings pull off the bus (their Lorentzian tails X_ki,
 *     k < i; negligible on a nominal grid, decisive when a drifted ring sits on line i)
 *   - for a ring that lost lock, its own drop response at the drift (the Lorentzian at the offset)
 * The '0' level is the '1' level / extinction ratio [ExtinctionRatioDb].
 *
 * Noise per level (currents, A^2): thermal sigma [ReceiverNoiseCurrentUa] squared, shot 2q(RP+Id)B
 * [DarkCurrentNa], RIN rin (RP)^2 B [RinDbPerHz], plus crosstalk treated as Gaussian noise: each other
 * line j leaks X_ij of its power through line i's drop ring; its mean shifts both levels alike and its
 * modulation adds variance (R X_ij OMA_j / 2)^2 (x 5/9 for a PAM4 neighbour, the variance of four
 * equiprobable levels).
 * Inline elements (an optical circuit switch) leak in-band light from other circuits into this one,
 * X = InlineCrosstalkDb as a linear ratio to the signal. It is modelled like the line crosstalk, as
 * incoherent Gaussian noise from one interferer that carries this line's own levels scaled by X: mean
 * X (P1 + P0) / 2 on both levels (and in the shot noise), variance (R X OMA / 2)^2 (x 5/9 for PAM4).
 * A simplification: in-band light at the same wavelength beats with the signal (coherent crosstalk,
 * variance ~ X rather than X^2), which costs more; the default -100 dB makes the term negligible.
 * B = NoiseBandwidthRatio x symbol rate; the symbol rate is LineRateGbps (x 544/514 with FEC) / bits
 * per symbol (1 NRZ, 2 PAM4).
 * NRZ: Q = (I1 - I0) / (sigma1 + sigma0). PAM4: four equally spaced levels between P0 and P1, per-eye Q.
 *
 * Attributes carry their unit in the name; defaults are the reference figures (see photonics/README.md).
 * Trace source "Capacity": (usable lines, capacity in bit/s), fired whenever the usable line count changes.
 * Laser line events, ring drift and attribute changes (once a source is attached) are evaluated at once,
 * so the trace fires at the simulated time of the change.
 */
class PhotonicLink : public ns3::Object
{
  public:
    enum class Modulation : uint8_t
    {
        Nrz,
        Pam4,
    };

    static ns3::TypeId GetTypeId();
    PhotonicLink();
    ~PhotonicLink() override;

    /// Throws ParameterError naming the attribute when a value is outside what the model accepts.
    void Validate() const;

    /// The laser source feeding this link (required). Connects to its "LineState" trace.
    void SetLaserSource(ns3::Ptr<LaserSource> source);
    ns3::Ptr<LaserSource> GetLaserSource() const;

    /// Ring resonance offset of one line from its carrier (thermal drift, GHz). Beyond RingLockRangeGhz
    /// the heater cannot pull the ring back and the line is lost; within it the ring is re-locked.
    void SetLineDriftGhz(uint32_t line, double driftGhz);

    const std::vector<LineBudget>& GetLineBudgets() const;
    uint32_t GetLineCount() const;
    uint32_t GetUsableLineCount() const;
    double GetLineRateBps() const;
    double GetCapacityBps() const;      ///< usable lines x line rate
    double GetCapacityFraction() const; ///< usable lines / lines

    ns3::Time GetSerializationTime(
        uint32_t bytes) const;             ///< bytes x 8 / capacity (infinite capacity loss: Time::Max())
    ns3::Time GetPropagationDelay() const; ///< FibreLengthM x PropagationDelayNsPerM
    ns3::Time GetFecLatency() const;       ///< FecLatency when FEC is on, else zero
    bool IsFecEnabled() const;
    Modulation GetModulation() const;

    /**
     * Probability that a frame of `bytes` is delivered with an error the receiver detects (CRC fail).
     * With FEC: the frame occupies ceil(bits / (514 x 10)) RS(544,514) codewords, each striped evenly
     * over the usable lines; a frame fails when any codeword is uncorrectable. Without FEC: any raw bit
     * error on any usable line. 1 when no line is usable. Cached per frame size.
     */
    double GetFrameErrorProbability(uint32_t bytes) const;

    /// Draws whether one frame of `bytes` is corrupted, from this link's random stream.
    bool DrawFrameError(uint32_t bytes);

    /// Laser electrical power for this link's port (source power / ports) + ring tuning, over capacity,
    /// plus ElectronicsEnergyPjPerBit. Infinity when no line is usable.
    double GetEnergyPerBitPj() const;

    /// ns-3 convention: assigns the random stream(s) used; returns how many were used.
    int64_t AssignStreams(int64_t stream);

    typedef void (*CapacityTracedCallback)(uint32_t usableLines, double capacityBps);

  protected:
    void DoDispose() override;

  private:
    void Invalidate();       ///< something changed: recompute at once when a source is attached, else lazily
    void Recompute() const;  ///< evaluates every line's budget, fires "Capacity" when it changed
    void EnsureFresh() const ///< Recompute() when dirty (inline: every per-frame call starts here)
    {
        if (m_dirty)
        {
            Recompute();
        }
    }
    void UpdateFrameCache() const; ///< per-codeword / per-bit survival of the usable lines
    void DisconnectSource();

    /// Attribute accessors that mark the budget dirty (see Invalidate).
    template <typename V, V PhotonicLink::*Member>
    void SetParam(V value);
    template <typename V, V PhotonicLink::*Member>
    V GetParam() const;
    void SetModulationValue(int value);
    int GetModulationValue() const;
    void OnLaserLineState(uint32_t line, LaserSource::LineState oldState, LaserSource::LineState newState,
                          double powerDbm);

    // attributes (see GetTypeId for units and defaults)
    double m_laserCouplerLossDb;
    double m_txWaveguideLengthCm;
    double m_rxWaveguideLengthCm;
    double m_waveguideLossDbPerCm;
    double m_modulatorInsertionLossDb;
    double m_extinctionRatioDb;
    double m_ringThroughLossDb;
    double m_ringDropLossDb;
    double m_muxLossDb;
    double m_demuxLossDb;
    double m_fibreCouplerLossDb;
    uint32_t m_connectorCount;
    double m_connectorLossDb;
    double m_inlineLossDb;
    double m_inlineCrosstalkDb;
    double m_fibreLengthM;
    double m_fibreLossDbPerKm;
    double m_propagationNsPerM;
    double m_responsivityAPerW;
    double m_receiverNoiseUa;
    double m_darkCurrentNa;
    double m_rinDbPerHz;
    double m_noiseBandwidthRatio;
    Modulation m_modulation;
    double m_lineRateGbps;
    double m_ringQ;
    double m_ringLockRangeGhz;
    bool m_fecEnabled;
    ns3::Time m_fecLatency;
    double m_preFecBerThreshold;
    double m_targetBer;
    double m_electronicsPjPerBit;
    double m_ringTuningPowerMw;

    ns3::Ptr<LaserSource> m_source;
    std::vector<double> m_driftGhz;
    ns3::Ptr<ns3::UniformRandomVariable> m_uniform;

    // cache, rebuilt by Recompute()
    mutable bool m_dirty;
    mutable std::vector<LineBudget> m_lines;
    mutable uint32_t m_usable;
    mutable uint32_t m_lastReportedUsable;
    mutable uint32_t m_cachedFrameBytes;
    mutable double m_cachedFrameErrorProb;
    mutable double m_lastReportedCapacity;
    mutable double m_capacityBps;
    mutable double m_ticksPerByte; ///< serialization time per byte in simulator time steps
    mutable ns3::Time m_propagationDelay;
    mutable double m_logCodewordOk; ///< log P(one striped codeword decodes), FEC on
    mutable double m_logBitOk;      ///< log P(one striped bit is right), FEC off
    ns3::TracedCallback<uint32_t, double> m_capacityTrace;
};

const char* ToString(PhotonicLink::Modulation m);

} // namespace ofab

#endif
