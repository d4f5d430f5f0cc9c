#ifndef OFAB_FABRIC_EXPERIMENT_REGIONAL_EXPERIMENT_H
#define OFAB_FABRIC_EXPERIMENT_REGIONAL_EXPERIMENT_H

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/config/key-doc.h"
#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/regional/mesh-config.h"
#include "ofab/fabric/sites/hierarchical-allreduce.h"

#include "ns3/nstime.h"
#include "ns3/object-factory.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ofab
{

/// One site: a fabric as an experiment file describes it, at a node of the optical mesh, with the
/// accelerator that hosts its gateway.
struct RegionalSite
{
    std::string name; ///< also its mesh node's name
    std::string file; ///< the site's experiment file
    uint32_t meshNode = 0;
    uint32_t gateway = 0; ///< accelerator id
    uint32_t nics = 0;    ///< scale-out NICs: accelerators 0 .. nics - 1 have one each
    std::shared_ptr<Experiment> experiment;
};

/// A job across sites.
struct CrossSiteJob
{
    enum class Kind
    {
        HierarchicalAllReduce, ///< in each site, then between sites over the wide area, then in each site
        Checkpoint,            ///< one bulk transfer between two gateways on a connection of its own
        Requests,              ///< a message every `interval` between two gateways, on their connection
    };
    Kind kind = Kind::Checkpoint;
    std::string name;
    uint64_t bytes = 0;
    ns3::Time start;
    uint32_t iterations = 1; ///< all-reduce iterations, or requests
    ns3::Time gap;           ///< between all-reduce iterations
    ns3::Time interval;      ///< between requests
    std::size_t from = 0;    ///< site indices (checkpoint, requests)
    std::size_t to = 0;
    HierarchicalAllReduce::Algorithm algorithm = HierarchicalAllReduce::Algorithm::Sharded;
};

/// A failure of the region: what `faults:` lists.
struct RegionalFault
{
    enum class Kind
    {
        DuctCut,   ///< every route in the duct: every lightpath over any of them
        Amplifier, ///< one route's amplifier: that route's lightpaths
        Roadm,     ///< a mesh node's ROADM: every lightpath through it (a site's fabric lives on)
        SiteLoss,  ///< the whole site: its ROADM, its gateway and every accelerator at once
        Gateway,   ///< a site's gateway alone
    };
    Kind kind = Kind::DuctCut;
    ns3::Time at;
    std::string element; ///< the duct, "route N", the node or the site, as the file names it
    std::string duct;
    uint32_t route = 0;
    uint32_t meshNode = 0;
    std::size_t site = 0; ///< SiteLoss, Gateway
};

const char* ToString(RegionalFault::Kind k); ///< duct_cut, amplifier, roadm, site_loss, gateway

/**
 * An experiment over several sites (a file with `sites:`): name, description, seed, duration;
 * sites (each an experiment file whose topology, links and protocol build the site, and whose own
 * workloads, faults and reroute controller run inside it); optical_mesh (the long-haul mesh, whose nodes include every site);
 * wide_area (the gateways' packet layer, WideAreaNetwork attributes); cross_site (jobs);
 * faults; outputs (summary_json). ConfigError at file:line:key for what cannot run.
 */
struct RegionalExperiment
{
    std::string file;
    std::string name;
    std::string description;
    uint64_t seed = 1;
    ns3::Time duration;
    std::vector<RegionalSite> sites;
    std::shared_ptr<OpticalMeshSpec> mesh;
    ns3::ObjectFactory wideArea; ///< ofab::WideAreaNetwork with the file's attributes
    std::vector<CrossSiteJob> jobs;
    std::vector<RegionalFault> faults;
    std::string summaryJson;
    std::string trace; ///< HDF5 trace (docs/trace-format.md, "A region's trace"); empty: none
};

/// Whether a document describes several sites (it has `sites:`).
bool IsRegional(const ConfigDocument& doc);

RegionalExperiment LoadRegionalExperiment(const ConfigDocument& doc);

/// The keys of a file with `sites:` for `ofab keys`: the file's top level, a site, each cross-site
/// job type and a fault (optical_mesh and wide_area have their own). The loader checks against them.
const std::vector<SectionDoc>& RegionalSections();

} // namespace ofab

#endif
