#ifndef OFAB_FABRIC_EXPERIMENT_EXPERIMENT_H
#define OFAB_FABRIC_EXPERIMENT_EXPERIMENT_H

#include "ofab/fabric/assembly/fabric.h"
#include "ofab/fabric/config/attribute-binder.h"
#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/experiment/link-spec.h"
#include "ofab/fabric/faults/fault-spec.h"
#include "ofab/fabric/workloads/workload.h"

#include "ns3/nstime.h"
#include "ns3/object-factory.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ofab
{

/// Where a run writes its results.
struct OutputSpec
{
    std::string trace;           ///< HDF5 trace path ("" = none)
    std::string summaryJson;     ///< summary JSON path ("" = none)
    ns3::Time throughputBin;     ///< width of a /links/throughput time bin
    ns3::Time recoveryWindow;    ///< averaging window of T_recover95 (whole bins)
    ns3::Time recoveryReference; ///< span before a fault its throughput is compared with (0: since the previous fault)
    /// Stalls and starvation reported after this (0: off) when no controller runs; a controller's
    /// own detector uses controller.stall_timeout.
    ns3::Time stallTimeout;
    /// Wall-clock time between flushes of the trace while the run goes on (0: only at the end): a
    /// killed run keeps its rows up to the last flush.
    ns3::Time traceFlush;
    /// One /transactions row in this many (0: none, 1: all); the summary counts every transaction.
    uint32_t transactionSample = 1;
    bool flows = false; ///< the /flows table: one row per workload, source and destination
};

/**
 * An experiment file, checked and turned into what a run needs. Sections:
 *   name, description, seed, duration
 *   topology:  kind + its shape keys, routing
 *   links:     file (a link file, relative to the experiment) and/or laser:/link: attribute sections;
 *              classes: {<link class>: {file, laser, link}} for links of one class that differ
 *   protocol:  port:/endpoint:/switch: attribute sections
 *   workloads: a list; each item's `type` picks the model, its other keys are that model's attributes
 *   faults:    explicit faults and repairs, stochastic failure rates, shared-risk groups (fault-config.h)
 *   controller: `policy` (a model: reroute-policies.h) and its attributes (delays, ...); absent = no controller
 *   ocs:       switch: (circuit switch attributes) and schedule: (ocs_cubes only; ocs-section.h)
 *   outputs:   trace, summary_json, throughput_bin, recovery_window, recovery_reference, stall_timeout,
 *              trace_flush, transaction_sample, flows
 * Every error is a ConfigError naming file, line and key.
 */
struct Experiment
{
    std::string file;
    std::string name;
    std::string description;
    uint64_t seed = 1;
    ns3::Time duration;
    topo::Graph graph;
    FabricSpec fabric;
    LinkSpec links;                              ///< the default link
    std::map<std::string, LinkSpec> linkClasses; ///< links of a graph link class that differ from the default
    std::vector<ns3::Ptr<Workload>> workloads;
    std::vector<std::string> workloadTypes; ///< the `type` of each workload, for the resolved config
    std::vector<BoundSection> workloadKeys; ///< which key set which attribute, for errors at install
    YAML::Mark topologyMark;                ///< where the topology section starts, for fabric errors
    OutputSpec outputs;
    /// run.threads: 0 runs on the sequential core (ofab::FabricSimulatorImpl); N >= 1 on the
    /// parallel core with N threads (the same results for every N).
    uint32_t threads = 0;
    FaultPlan faults;                             ///< nodes and links resolved; sources checked at run time
    std::optional<ns3::ObjectFactory> controller; ///< a RerouteController, when the file has `controller:`
    /// Planned moves of the circuit switches (ocs_cubes only): when, and to which layout configuration.
    struct OcsMove
    {
        ns3::Time at;
        std::size_t configuration = 0;
    };
    std::vector<OcsMove> ocsSchedule;

    /// The whole configuration with every default filled in (for --dry-run and the trace).
    YAML::Node Resolved() const;

    YAML::Node resolvedTopology; ///< the topology section as understood (kind, shape, routing)
    YAML::Node resolvedProtocol;
    YAML::Node resolvedController;
    YAML::Node resolvedOcs; ///< the ocs section as understood (ocs_cubes only)
};

/// The workload model names accepted by `type:` and their ns-3 TypeIds.
const std::vector<std::pair<std::string, std::string>>& WorkloadTypes();

Experiment LoadExperiment(const ConfigDocument& doc);

/// What every experiment file starts with, a fabric's or a region's: name, description, seed (from
/// 1) and duration (required; `example` shows one in the error when it is missing).
struct RunHeader
{
    std::string name;
    std::string description;
    uint64_t seed = 1;
    ns3::Time duration;
};
RunHeader LoadRunHeader(const ConfigDocument& doc, const std::string& defaultName, const std::string& example);

} // namespace ofab

#endif
