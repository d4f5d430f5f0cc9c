#include "ofab/fabric/server/ocs-request.h"

#include "ofab/foundation/unit-text.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ofab
{

namespace
{

/// Declared configurations listed in an error: enough to pick from, not a wall of text.
constexpr std::size_t kListed = 8;

std::string
CubeList(const std::vector<int>& cubes)
{
    std::string out = "[";
    for (std::size_t i = 0; i < cubes.size(); ++i)
    {
        out += (i ? ", " : "") + std::to_string(cubes[i]);
    }
    return out + "]";
}

std::string
DeclaredConfigurations(const topo::OcsCubes& layout)
{
    std::string out;
    const std::size_t n = layout.configurations.size();
    for (std::size_t k = 0; k < std::min(n, kListed); ++k)
    {
        out += (k ? ", " : "") + std::to_string(k) + " " + CubeList(layout.configurations[k].cubes);
    }
    if (n > kListed)
    {
        out += " and " + std::to_string(n - kListed) + " more (`status` lists them all)";
    }
    return out;
}

/// The configuration the request names, by `cubes` or by `configuration`.
std::size_t
Target(const topo::OcsCubes& layout, const Json& request)
{
    const bool byCubes = request.contains("cubes");
    if (byCubes == request.contains("configuration"))
    {
        throw RequestError("key 'cubes': give the slice's cubes (e.g. \"cubes\": [0, 2]) or a declared "
                           "configuration's index (\"configuration\": 2), one of the two");
    }
    if (!byCubes)
    {
        const Json& k = request["configuration"];
        if (!k.is_number_unsigned() || k.get<uint64_t>() >= layout.configurations.size())
        {
            throw RequestError("key 'configuration': expected an index from 0 to " +
                               std::to_string(layout.configurations.size() - 1) +
                               "; declared: " + DeclaredConfigurations(layout));
        }
        return static_cast<std::size_t>(k.get<uint64_t>());
    }
    const Json& list = request["cubes"];
    std::vector<int> cubes;
    for (const Json& c : list.is_array() ? list : Json::array())
    {
        if (!c.is_number_unsigned() || c.get<uint64_t>() > 1000000)
        {
            cubes.clear();
            break;
        }
        cubes.push_back(static_cast<int>(c.get<uint64_t>()));
    }
    if (cubes.empty())
    {
        throw RequestError("key 'cubes': expected a list of cube ids in slice position order, e.g. [0, 2]");
    }
    const std::size_t k = layout.Find(cubes);
    if (k == layout.configurations.size())
    {
        throw RequestError("key 'cubes': " + CubeList(cubes) +
                           " is not a declared configuration (the circuits of a configuration are cabled "
                           "when the fabric is built: declare it under topology.configurations); declared: " +
                           DeclaredConfigurations(layout));
    }
    return k;
}

/// How long from now the move starts: `at` (absolute) or `in` (relative); zero when neither.
ns3::Time
Delay(const Json& request, ns3::Time now, ns3::Time duration)
{
    if (request.contains("at") && request.contains("in"))
    {
        throw RequestError("key 'in': give `at` (absolute simulated time) or `in` (from now), not both");
    }
    const char* key = request.contains("at") ? "at" : request.contains("in") ? "in" : nullptr;
    if (!key)
    {
        return ns3::Time();
    }
    ns3::Time t;
    if (!request[key].is_string() || !ParseTimeText(request[key].get<std::string>(), t) || t.IsStrictlyNegative())
    {
        throw RequestError(std::string("key '") + key + "': expected a simulated time with a unit, e.g. \"30us\"");
    }
    const ns3::Time at = std::string(key) == "at" ? t : now + t;
    if (at < now)
    {
        throw RequestError("key 'at': " + FormatTime(at) + " is in the past (now " + FormatTime(now) + ")");
    }
    if (at > duration)
    {
        throw RequestError(std::string("key '") + key + "': " + FormatTime(at) + " is after the end of the run (" +
                           FormatTime(duration) + "): it would never happen");
    }
    return at - now;
}

} // namespace

Json
ReconfigureRequest(const OcsRequestContext& context, const Json& request)
{
    if (!context.ocs)
    {
        throw RequestError("reconfigure: this fabric has no optical circuit switches (topology.kind: ocs_cubes)");
    }
    if (!context.moveNeeds.empty())
    {
        throw RequestError("reconfigure: " + context.moveNeeds);
    }
    OcsLayer& ocs = *context.ocs;
    const std::size_t target = Target(ocs.Layout(), request);
    const ns3::Time now = ns3::Simulator::Now();
    const ns3::Time delay = Delay(request, now, context.duration);
    const std::string reason = "requested by " + context.client;
    Json r{{"configuration", target},
           {"cubes", ocs.Layout().configurations[target].cubes},
           {"at_ns", Ns(now + delay)},
           {"applied", delay.IsZero()}};
    if (!delay.IsZero())
    {
        ocs.ReconfigureIn(delay, target, reason);
        r["note"] = "scheduled: checked when it comes due; if the switches are still moving or the configuration "
                    "is in force then, nothing moves and an ocs_move event says why";
        return r;
    }
    const std::string refusal = ocs.RefusalFor(target);
    if (!refusal.empty())
    {
        throw RequestError("reconfigure: " + refusal);
    }
    const OcsLayer::Reconfiguration& rec = ocs.Reconfigure(target, reason);
    uint32_t lit = 0;
    ns3::Time litBy = now;
    for (const OcsLayer::CircuitMove& m : rec.moves)
    {
        lit += m.lights ? 1 : 0;
        litBy = m.lights ? std::max(litBy, m.litAt) : litBy;
    }
    r["from"] = rec.from;
    r["circuits_darkened"] = rec.moves.size() - lit;
    r["circuits_lit"] = lit;
    r["lit_by_ns"] = Ns(litBy);
    r["reconfiguration"] = ocs.History().size() - 1;
    return r;
}

Json
OcsStatus(const OcsLayer& ocs)
{
    Json configurations = Json::array();
    for (const topo::OcsConfiguration& c : ocs.Layout().configurations)
    {
        configurations.push_back(c.cubes);
    }
    return Json{{"configuration", ocs.Current()},
                {"cubes", ocs.Layout().configurations[ocs.Current()].cubes},
                {"moving", ocs.Moving()},
                {"reconfigurations", ocs.History().size()},
                {"configurations", std::move(configurations)}};
}

} // namespace ofab
