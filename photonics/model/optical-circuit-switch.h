#ifndef OFAB_PHOTONICS_MODEL_OPTICAL_CIRCUIT_SWITCH_H
#define OFAB_PHOTONICS_MODEL_OPTICAL_CIRCUIT_SWITCH_H

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * The photonic side of an optical circuit switch (OCS): a port count, a cross-connect map that joins
 * ports in pairs (a duplex circuit), and what a circuit through it costs.
 *
 * - Every circuit's link budget loses InsertionLossDb and sees CrosstalkDb of in-band leakage: set a
 *   PhotonicLink's InlineLossDb and InlineCrosstalkDb to them for each link that crosses the switch.
 * - A reconfiguration darkens the circuits that leave the map and lights the new ones after
 *   DrawReconfigurationTime(); circuits in both maps stay lit (Moved() lists the others). An
 *   OpticalChannel whose circuit is open is NoCircuit (OpticalChannel::SetCircuitConnected).
 * - The reconfiguration time is fixed when ReconfigurationTimeP99 equals ReconfigurationTime (the
 *   median), else log-normal with that median and 99th percentile: mu = ln(median),
 *   sigma = (ln p99 - ln median) / z99 with z99 = 2.326348.
 *
 * Defaults are Google's MEMS OCS (Palomar): 136 x 136 ports, insertion loss under ~2 dB,
 * reconfiguration median ~1.2 ms, p99 under ~3 ms. The crosstalk default is an assumption (see
 * photonics/README.md). Trace source "CrossConnect": (port a, port b with a < b, connected), fired per
 * circuit that SetCrossConnects removes (false, first) or adds (true); kept circuits fire nothing.
 *
 * The switch holds no channels and schedules nothing: whoever owns the fabric applies the map to its
 * channels and times the change with DrawReconfigurationTime().
 */
class OpticalCircuitSwitch : public ns3::Object
{
  public:
    using CrossConnect = std::pair<uint32_t, uint32_t>;

    /// GetPeer() of a port no circuit uses.
    static constexpr uint32_t kUnconnected = std::numeric_limits<uint32_t>::max();
    /// Standard normal 99th percentile, the z that ties ReconfigurationTimeP99 to the median.
    static constexpr double kZ99 = 2.326348;

    static ns3::TypeId GetTypeId();
    OpticalCircuitSwitch();

    /// Throws ParameterError naming the attribute when a value is outside what the model accepts.
    void Validate() const;

    uint32_t GetPortCount() const;
    double GetInsertionLossDb() const;
    double GetCrosstalkDb() const;

    /**
     * Replaces the whole cross-connect map. Throws ParameterError("CrossConnects", message) when a port
     * is out of range, a pair joins a port to itself, or a port appears twice (the message names the
     * port and the pairs); the map is unchanged then. Fires "CrossConnect" per circuit removed, then
     * per circuit added.
     */
    void SetCrossConnects(const std::vector<CrossConnect>& pairs);
    /// The port joined to `port`, or kUnconnected. Throws std::out_of_range for a port >= PortCount.
    uint32_t GetPeer(uint32_t port) const;
    /// The circuits now, each with first < second, sorted.
    std::vector<CrossConnect> GetCrossConnects() const;
    /// Moved(GetCrossConnects(), newPairs): the circuits a change to `newPairs` darkens and lights.
    std::vector<CrossConnect> ChangedBy(const std::vector<CrossConnect>& newPairs) const;

    /**
     * The circuits in `before` but not in `after`, plus those in `after` but not in `before`: what a
     * reconfiguration darkens and lights; a circuit in both stays lit. (a, b) and (b, a) are the same
     * circuit. Returned with first < second, sorted, without duplicates. The maps are not validated.
     */
    static std::vector<CrossConnect> Moved(const std::vector<CrossConnect>& before,
                                           const std::vector<CrossConnect>& after);

    /// One reconfiguration time: ReconfigurationTime when the p99 equals it, else a log-normal draw.
    ns3::Time DrawReconfigurationTime();

    /// ns-3 convention: assigns the random stream(s) used; returns how many were used (1).
    int64_t AssignStreams(int64_t stream);

    typedef void (*CrossConnectTracedCallback)(uint32_t portA, uint32_t portB, bool connected);

  protected:
    void DoDispose() override;

  private:
    void CheckPort(uint32_t port) const; ///< throws std::out_of_range

    uint32_t m_portCount;
    double m_insertionLossDb;
    double m_crosstalkDb;
    ns3::Time m_reconfigurationMedian;
    ns3::Time m_reconfigurationP99;

    std::map<uint32_t, uint32_t> m_peer; ///< both directions of every circuit: port -> peer
    ns3::Ptr<ns3::LogNormalRandomVariable> m_logNormal;
    ns3::TracedCallback<uint32_t, uint32_t, bool> m_crossConnectTrace;
};

} // namespace ofab

#endif
