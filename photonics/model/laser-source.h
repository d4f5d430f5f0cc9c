#ifndef OFAB_PHOTONICS_MODEL_LASER_SOURCE_H
#define OFAB_PHOTONICS_MODEL_LASER_SOURCE_H

#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <vector>

namespace ofab
{

/**
 * A multi-wavelength laser source (DFB array or comb) with N lines on a frequency grid.
 *
 * Each line is split to PortCount output fibres, so one source feeds up to PortCount links and is
 * one shared failure domain: failing a line removes that carrier from every link the source feeds.
 *
 * Line i sits at f_i = centre + (i - (N-1)/2) * spacing. Its nominal power follows a linear tilt
 * across the grid, P_i = LinePowerDbm + PowerSpreadDb * (0.5 - i/(N-1)), so the strongest and
 * weakest lines differ by PowerSpreadDb (the datasheet "line power spread").
 *
 * Attributes: LineCount (8), CentreFrequencyThz (228.8, i.e. 1310 nm), SpacingGhz (200),
 * LinePowerDbm (+3 per line per port), PowerSpreadDb (1), WallPlugEfficiency (0.2), PortCount (1).
 * Trace source "LineState": (line, old state, new state, line power dBm now). It also fires with
 * old state == new state when a line's power moves without a state change (a deeper degradation, or a
 * grid/power attribute changed at run time), so that every link it feeds re-evaluates its budget.
 */
class LaserSource : public ns3::Object
{
  public:
    enum class LineState : uint8_t
    {
        On,
        Degraded, ///< lit, with its power lowered by a given number of dB
        Failed,   ///< dark
    };

    static ns3::TypeId GetTypeId();
    LaserSource();

    /// Throws ParameterError naming the attribute when a value is outside what the model accepts.
    void Validate() const;

    uint32_t GetLineCount() const;
    uint32_t GetPortCount() const;
    double GetLineFrequencyHz(uint32_t line) const;
    /// Power of one line into one port now (degradation included); -infinity when failed.
    double GetLinePowerDbm(uint32_t line) const;
    LineState GetLineState(uint32_t line) const;
    bool IsLineLit(uint32_t line) const;

    void FailLine(uint32_t line);
    void DegradeLine(uint32_t line, double powerDropDb);
    void RestoreLine(uint32_t line);
    void FailAll(); ///< the whole source dies: every line dark on every port
    void RestoreAll();

    /// Optical power of all lit lines into one port (mW).
    double GetOpticalPowerPerPortMw() const;
    /// Electrical power drawn by the source for all its ports: optical / wall-plug efficiency (W).
    double GetElectricalPowerW() const;

    typedef void (*LineStateTracedCallback)(uint32_t line, LineState oldState, LineState newState, double powerDbm);

  private:
    void SetLineCount(uint32_t n);
    void SetState(uint32_t line, LineState state, double dropDb);
    void CheckLine(uint32_t line) const; ///< throws std::out_of_range for a bad index
    void NotifyAllLines() const;         ///< fires "LineState" for every line (power/grid changed)

    /// Attribute setter: stores the value, then tells the links this source feeds (NotifyAllLines).
    template <typename V, V LaserSource::*Member>
    void SetAndNotify(V value);
    template <typename V, V LaserSource::*Member>
    V GetMember() const;

    uint32_t m_lineCount;
    uint32_t m_portCount;
    double m_centreThz;
    double m_spacingGhz;
    double m_linePowerDbm;
    double m_powerSpreadDb;
    double m_wallPlugEfficiency;
    std::vector<LineState> m_state;
    std::vector<double> m_dropDb;
    ns3::TracedCallback<uint32_t, LineState, LineState, double> m_lineStateTrace;
};

const char* ToString(LaserSource::LineState s);

} // namespace ofab

#endif
