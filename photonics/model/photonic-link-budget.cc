// PhotonicLink's budget evaluation: the per-line chain, crosstalk, noise, BER/FEC and margins, and
// the per-frame caches derived from them. The per-frame API lives in photonic-link.cc.

#include "ofab/photonics/model/crosstalk.h"
#include "ofab/photonics/model/optics-math.h"
#include "ofab/photonics/model/photonic-link.h"
#include "ofab/photonics/model/receiver-model.h"

#include <cmath>
#include <limits>
#include <vector>

namespace ofab
{

namespace
{
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint32_t kNoFrame = std::numeric_limits<uint32_t>::max();
constexpr unsigned kRsN = optics::kRsCodewordSymbols;
constexpr unsigned kRsK = optics::kRsDataSymbols;
constexpr unsigned kRsT = optics::kRsCorrectableSymbols;
/// On-resonance through-port transmission of a drop ring (-20 dB notch): caps how much of a carrier
/// a ring sitting exactly on it can remove. An assumption; the reference sheet gives no figure.
constexpr double kRingThroughFloor = 0.01;
} // namespace

void
PhotonicLink::Recompute() const
{
    m_dirty = false;
    const uint32_t n = GetLineCount();
    m_lines.assign(n, LineBudget{});

    // Losses every line shares from the laser to the demultiplexer bus.
    const double busLossDb = m_laserCouplerLossDb + m_txWaveguideLengthCm * m_waveguideLossDbPerCm +
                             m_modulatorInsertionLossDb + (n > 0 ? n - 1.0 : 0.0) * m_ringThroughLossDb + m_muxLossDb +
                             2.0 * m_fibreCouplerLossDb + m_connectorCount * m_connectorLossDb + m_inlineLossDb +
                             m_fibreLengthM * 1e-3 * m_fibreLossDbPerKm + m_demuxLossDb +
                             m_rxWaveguideLengthCm * m_waveguideLossDbPerCm;
    const double erLinear = optics::DbToLinear(m_extinctionRatioDb);
    // In-band light leaked in by inline elements, relative to the line's own signal.
    const double inlineXt = optics::DbToLinear(m_inlineCrosstalkDb);
    const bool pam4 = m_modulation == Modulation::Pam4;

    std::vector<double> carrierHz(n);
    std::vector<double> resonanceHz(n);
    for (uint32_t i = 0; i < n; ++i)
    {
        const double drift = i < m_driftGhz.size() ? m_driftGhz[i] : 0.0;
        LineBudget& b = m_lines[i];
        b.line = i;
        b.frequencyHz = m_source->GetLineFrequencyHz(i);
        b.lit = m_source->IsLineLit(i);
        b.locked = std::fabs(drift) <= m_ringLockRangeGhz;
        b.laserPowerDbm = m_source->GetLinePowerDbm(i);
        carrierHz[i] = b.frequencyHz;
        resonanceHz[i] = b.frequencyHz + (b.locked ? 0.0 : drift * 1e9);
    }
    const Eigen::MatrixXd x = CrosstalkMatrix::Build(carrierHz, resonanceHz, m_ringQ);

    // Each line's '1' level and modulation amplitude on the demux bus, the light the rings see.
    Eigen::VectorXd busMeanMw(n);
    Eigen::VectorXd busOmaSqMw2(n);
    for (uint32_t j = 0; j < n; ++j)
    {
        const double p1 = m_lines[j].lit ? optics::DbmToMw(m_lines[j].laserPowerDbm - busLossDb) : 0.0;
        busMeanMw[j] = 0.5 * p1 * (1.0 + 1.0 / erLinear);
        const double oma = p1 * (1.0 - 1.0 / erLinear);
        busOmaSqMw2[j] = oma * oma;
    }
    const Eigen::VectorXd leakMeanMw = CrosstalkMatrix::LeakedPowerMw(x, busMeanMw);
    const Eigen::VectorXd leakOmaSq = x.cwiseAbs2() * busOmaSqMw2;
    // Variance of a modulated neighbour around its mean: (OMA/2)^2 for NRZ, 5/36 OMA^2 for PAM4.
    const double modulationVariance = pam4 ? 5.0 / 36.0 : 0.25;

    const double bitsPerSymbol = pam4 ? 2.0 : 1.0;
    const double symbolRate = m_lineRateGbps * 1e9 * (m_fecEnabled ? double(kRsN) / kRsK : 1.0) / bitsPerSymbol;
    ReceiverModel rx;
    rx.responsivityAPerW = m_responsivityAPerW;
    rx.thermalNoiseA = m_receiverNoiseUa * 1e-6;
    rx.darkCurrentA = m_darkCurrentNa * 1e-9;
    rx.rinPerHz = optics::DbToLinear(m_rinDbPerHz);
    rx.bandwidthHz = m_noiseBandwidthRatio * symbolRate;
    rx.pam4 = pam4;
    const double berLimit = m_fecEnabled ? m_preFecBerThreshold : m_targetBer;
    const double ampPerMw = m_responsivityAPerW * 1e-3;

    m_usable = 0;
    for (uint32_t i = 0; i < n; ++i)
    {
        LineBudget& b = m_lines[i];
        // Earlier drop rings pull their Lorentzian share of line i off the bus before it reaches ring i.
        double kept = 1.0;
        for (uint32_t k = 0; k < i; ++k)
        {
            kept *= 1.0 - (1.0 - kRingThroughFloor) * x(k, i);
        }
        const double ownDrop =
            b.locked ? 1.0 : optics::LorentzianDrop(carrierHz[i] - resonanceHz[i], resonanceHz[i] / m_ringQ);
        const double ringPathDb = i * m_ringThroughLossDb + m_ringDropLossDb;
        const double ringPath = optics::DbToLinear(-ringPathDb);
        b.chainLossDb = busLossDb + ringPathDb - optics::LinearToDb(kept * ownDrop);

        DetectorInput in;
        in.p1Mw = b.lit ? optics::DbmToMw(b.laserPowerDbm - b.chainLossDb) : 0.0;
        in.p0Mw = in.p1Mw / erLinear;
        // Inline crosstalk: one in-band interferer carrying this line's own levels scaled by X, so its
        // mean is X (P1 + P0) / 2 and its modulation X OMA, on the same path to the detector.
        const double inlineMeanMw = inlineXt * 0.5 * (in.p1Mw + in.p0Mw);
        const double inlineOma = inlineXt * (in.p1Mw - in.p0Mw);
        in.crosstalkMeanMw = ringPath * leakMeanMw[i] + inlineMeanMw;
        in.crosstalkVarA2 = ampPerMw * ampPerMw * ringPath * ringPath * modulationVariance * leakOmaSq[i] +
                            ampPerMw * ampPerMw * modulationVariance * inlineOma * inlineOma;
        b.rxPowerDbm = optics::MwToDbm(0.5 * (in.p1Mw + in.p0Mw));
        b.omaDbm = optics::MwToDbm(in.p1Mw - in.p0Mw);
        b.crosstalkDbm = optics::MwToDbm(ringPath * leakMeanMw[i]);
        b.inlineCrosstalkDbm = optics::MwToDbm(inlineMeanMw);

        const ReceiverModel::Result r = rx.Evaluate(in);
        b.q = r.q;
        b.preFecBer = r.ber;
        b.codewordErrorProb = m_fecEnabled
                                  ? optics::RsCodewordFailureProbability(
                                        optics::SymbolErrorProbability(r.ber, optics::kRsSymbolBits), kRsN, kRsT)
                                  : optics::SymbolErrorProbability(r.ber, optics::kRsPayloadBits);
        b.usable = b.lit && b.locked && r.ber <= berLimit;
        b.marginDb = (b.lit && b.locked) ? rx.MarginDb(in, berLimit) : -kInf;
        m_usable += b.usable ? 1 : 0;
    }

    m_capacityBps = m_usable * m_lineRateGbps * 1e9;
    const double ticksPerSecond = static_cast<double>(ns3::Seconds(1).GetTimeStep());
    m_ticksPerByte = m_capacityBps > 0.0 ? 8.0 / m_capacityBps * ticksPerSecond : 0.0;
    m_propagationDelay = ns3::Seconds(m_fibreLengthM * m_propagationNsPerM * 1e-9);
    UpdateFrameCache();

    // Report last, with every cache consistent: a listener may query this link from its callback.
    if (m_usable != m_lastReportedUsable || m_capacityBps != m_lastReportedCapacity)
    {
        m_lastReportedUsable = m_usable;
        m_lastReportedCapacity = m_capacityBps;
        m_capacityTrace(m_usable, m_capacityBps);
    }
}

void
PhotonicLink::UpdateFrameCache() const
{
    m_cachedFrameBytes = kNoFrame;
    m_logCodewordOk = -kInf;
    m_logBitOk = -kInf;
    if (m_usable == 0)
    {
        return;
    }
    if (m_fecEnabled)
    {
        // A codeword's 544 symbols go round-robin over the usable lines: 544 / U each, the first
        // 544 mod U lines one more.
        std::vector<unsigned> symbols;
        std::vector<double> symbolError;
        symbols.reserve(m_usable);
        symbolError.reserve(m_usable);
        uint32_t rank = 0;
        for (const LineBudget& b : m_lines)
        {
            if (b.usable)
            {
                symbols.push_back(kRsN / m_usable + (rank < kRsN % m_usable ? 1 : 0));
                symbolError.push_back(optics::SymbolErrorProbability(b.preFecBer, optics::kRsSymbolBits));
                ++rank;
            }
        }
        const double pCodeword = optics::StripedCodewordFailureProbability(symbols, symbolError, kRsT);
        m_logCodewordOk = std::log1p(-pCodeword);
    }
    else
    {
        // Bits striped evenly: the mean per-bit log survival over the usable lines.
        double sum = 0.0;
        for (const LineBudget& b : m_lines)
        {
            if (b.usable)
            {
                sum += std::log1p(-b.preFecBer);
            }
        }
        m_logBitOk = sum / m_usable;
    }
}

} // namespace ofab
