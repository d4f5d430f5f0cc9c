#ifndef OFAB_FABRIC_OBSERVE_INCIDENT_LOG_H
#define OFAB_FABRIC_OBSERVE_INCIDENT_LOG_H

#include "ofab/fabric/control/reroute-controller.h"

#include "ns3/ptr.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace ofab
{

/**
 * What one incident (the link changes of one instant; a laser source takes several links at once)
 * cost, measured from the change (definitions from the project's resilience reference).
 */
struct IncidentRecord
{
    double timeNs = 0;                 ///< when the links changed
    std::vector<uint32_t> links;       ///< links that changed at that instant
    bool repair = false;               ///< links came back (all of them did)
    std::optional<double> detectNs;    ///< T_detect: change -> first detection (0 for the oracle)
    std::optional<double> rerouteNs;   ///< T_reroute: change -> no router left with only dead choices
    std::optional<double> optimisedNs; ///< change -> the global re-optimisation committed (global, hybrid)
    uint32_t routersUpdated = 0;       ///< routers whose tables changed because of it
    uint64_t partitionedPairs = 0;     ///< accelerator pairs without any path after it
    std::vector<std::pair<uint32_t, uint32_t>> partitionExamples; ///< up to 16 of them
    uint32_t unprotected = 0; ///< (router, destination) entries local repair could not fix
};

/// Records every incident of a reroute controller from its "Incident" trace source, for as long as
/// the log lives (it disconnects when destroyed).
class IncidentLog
{
  public:
    explicit IncidentLog(ns3::Ptr<RerouteController> controller);
    ~IncidentLog();
    IncidentLog(const IncidentLog&) = delete;
    IncidentLog& operator=(const IncidentLog&) = delete;

    /// In the order they opened.
    const std::vector<IncidentRecord>& Incidents() const { return m_incidents; }

  private:
    void OnStep(const IncidentStep& step);

    ns3::Ptr<RerouteController> m_controller;
    std::vector<IncidentRecord> m_incidents;
};

} // namespace ofab

#endif
