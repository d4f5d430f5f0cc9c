// Routing and wavelength assignment (RWA) of lightpaths over an OpticalMesh, and what failures do
// to them: k shortest paths by length, first-fit wavelength with wavelength continuity (no
// converters: a lightpath keeps one wavelength end to end), an optional feasibility predicate (the
// optical budget, plugged in from a higher floor), 1+1 protection over a duct- and node-disjoint
// path, shared-risk groups that follow from the routing, failures of routes, ducts and nodes, and
// restoration over what survives.
#ifndef OFAB_TOPOLOGIES_LIGHTPATH_ROUTING_H
#define OFAB_TOPOLOGIES_LIGHTPATH_ROUTING_H

#include "ofab/topologies/optical-mesh.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ofab::topo
{

/// Does a lightpath over this path close (its light arrives readable)? Empty: every path does.
using PathFeasibility = std::function<bool(const MeshPath&)>;

/// Why a lightpath (or its protection) is not carried.
enum class DownReason
{
    None,           ///< it is up
    Failed,         ///< a failure took it down and no restoration has run since
    EndpointDown,   ///< one of its ROADMs is down: nothing can restore it
    NoPath,         ///< no surviving path joins its endpoints
    NoWavelength,   ///< paths that close exist, but none has one wavelength free on every route
    DoesNotClose,   ///< every surviving path is too long for the optics
    NoDisjointPath, ///< (protection only) no duct- and node-disjoint path exists
};

const char* ToString(DownReason reason); ///< "no continuous wavelength", ...

struct LightpathRequest
{
    uint32_t a = 0;
    uint32_t b = 0;
    bool protection = false; ///< 1+1: a disjoint protection path with its own wavelength, set up front
    std::string label;       ///< for tables ("A-C#0")
};

/// A path with one wavelength reserved on every route of it.
struct WavelengthChannel
{
    MeshPath path;
    uint32_t wavelength = 0;
};

struct Lightpath
{
    uint32_t id = 0;
    LightpathRequest request;
    bool up = false;
    WavelengthChannel working; ///< the channel carrying it (valid when up)
    std::optional<WavelengthChannel> protection;
    DownReason reason = DownReason::None;           ///< why it is down
    DownReason protectionReason = DownReason::None; ///< why a requested protection is missing
    MeshPath lastPath; ///< when down: the working path it last had, or the shortest candidate it was refused on
};

/// What one failure did, lightpath ids ascending. Exactly the lightpaths with a channel over it appear.
struct FailureImpact
{
    std::vector<uint32_t> routes;               ///< routes that went down with it (already-down ones not listed)
    std::vector<uint32_t> down;                 ///< lost service
    std::vector<uint32_t> switchedToProtection; ///< their working path broke, the protection path carries them now
    std::vector<uint32_t> protectionLost;       ///< still up on the working path, their protection broke
    std::vector<uint32_t> Affected() const;     ///< the union of the three
};

struct RestorationOutcome
{
    uint32_t lightpath = 0;
    bool restored = false;
    WavelengthChannel channel;            ///< when restored
    DownReason reason = DownReason::None; ///< when not
};

struct RwaOptions
{
    unsigned kPaths = 4; ///< candidate paths per request (k shortest by length)
};

class LightpathPlan
{
  public:
    /// The mesh must outlive the plan.
    explicit LightpathPlan(const OpticalMesh& mesh, PathFeasibility feasible = {}, RwaOptions options = {});

    /**
     * Routes a request: the first of the k shortest surviving paths that closes and has a wavelength
     * free on all of its routes, at the lowest such index. With protection, the first working path
     * (in the same order) for which a closing, duct- and node-disjoint path with a free wavelength
     * exists; when none does, the working path alone and protectionReason says why. A request that
     * cannot be routed is kept, down, with its reason. TopologyError for unknown nodes or a == b.
     */
    uint32_t Provision(const LightpathRequest& request);

    const std::vector<Lightpath>& GetLightpaths() const { return m_lightpaths; }
    const Lightpath& Get(uint32_t id) const { return m_lightpaths.at(id); }
    const OpticalMesh& Mesh() const { return m_mesh; }

    /// The lightpath holding wavelength w on a route, -1 when free.
    int32_t Owner(uint32_t route, uint32_t wavelength) const { return m_owner.at(route).at(wavelength); }
    uint32_t FreeWavelengths(uint32_t route) const;

    /// Lightpaths with a channel (working or protection) over the route, ascending.
    std::vector<uint32_t> LightpathsOverRoute(uint32_t route) const;
    /// Shared-risk groups from the routing: each duct with the lightpaths that have a channel in it.
    std::map<std::string, std::vector<uint32_t>> SharedRiskGroups() const;

    FailureImpact FailRoute(uint32_t route);
    FailureImpact FailDuct(const std::string& duct); ///< TopologyError for a duct the mesh lacks
    FailureImpact FailNode(uint32_t node);           ///< a ROADM, or a whole site's
    void RepairRoute(uint32_t route);
    void RepairDuct(const std::string& duct);
    void RepairNode(uint32_t node);
    bool RouteUsable(uint32_t route) const;
    bool NodeUp(uint32_t node) const { return m_nodeUp.at(node); }

    /**
     * Restoration: every down lightpath, by id, is routed again over surviving routes with free
     * wavelengths (continuity, capacity, feasibility as for Provision), without protection. Then
     * every up lightpath that asked for protection and has none gets a new disjoint one where
     * possible. Returns one outcome per lightpath that was down.
     */
    std::vector<RestorationOutcome> Restore();

  private:
    struct Attempt
    {
        std::optional<WavelengthChannel> channel;
        DownReason reason = DownReason::NoPath;
        MeshPath firstCandidate;
    };
    std::vector<bool> UsableRoutes() const;
    std::optional<uint32_t> FirstFit(const MeshPath& path) const;
    /// The first candidate that closes with a free wavelength; routes masked false and nodes in
    /// `avoidNodes` are not used.
    Attempt Find(uint32_t a, uint32_t b, std::vector<bool> routes, const std::vector<uint32_t>& avoidNodes) const;
    std::optional<WavelengthChannel> FindProtection(const WavelengthChannel& working, DownReason& why) const;
    void Reserve(const WavelengthChannel& c, uint32_t id);
    void Release(const WavelengthChannel& c);
    bool Survives(const WavelengthChannel& c) const;
    FailureImpact Apply(std::vector<uint32_t> newlyDownRoutes);

    const OpticalMesh& m_mesh;
    PathFeasibility m_feasible;
    RwaOptions m_options;
    std::vector<Lightpath> m_lightpaths;
    std::vector<std::vector<int32_t>> m_owner; ///< per route, per wavelength: lightpath id or -1
    std::vector<bool> m_routeUp;
    std::vector<bool> m_nodeUp;
};

} // namespace ofab::topo

#endif
