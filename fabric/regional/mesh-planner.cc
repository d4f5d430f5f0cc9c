#include "ofab/fabric/regional/mesh-planner.h"

namespace ofab
{

MeshPlanner::MeshPlanner(OpticalMeshSpec spec)
    : m_spec(std::move(spec)),
      // m_spec is declared first, so it is in place when the plan takes its mesh and the predicate.
      m_plan(
          m_spec.mesh, [this](const topo::MeshPath& p) { return Closes(p); }, topo::RwaOptions{m_spec.kPaths})
{
    for (const LightpathDemand& d : m_spec.lightpaths)
    {
        m_plan.Provision(d.request);
    }
}

LightpathBudget
MeshPlanner::Budget(const topo::MeshPath& path) const
{
    std::vector<RouteLeg> legs;
    for (uint32_t r : path.routes)
    {
        legs.push_back({m_spec.mesh.GetRoute(r).lengthKm});
    }
    return EvaluateLightpath(legs, m_spec.line, m_spec.transceiver);
}

double
MeshPlanner::LatencyMs(uint32_t lightpath) const
{
    const topo::Lightpath& lp = m_plan.Get(lightpath);
    return lp.up ? Budget(lp.working.path).latencyMs : 0.0;
}

double
MeshPlanner::CapacityGbps(uint32_t lightpath) const
{
    return m_plan.Get(lightpath).up ? m_spec.transceiver.rateGbps : 0.0;
}

ChannelReport
MeshPlanner::ChannelOf(const topo::MeshPath& path, std::optional<uint32_t> wavelength) const
{
    ChannelReport c;
    c.wavelength = wavelength;
    if (!path.Empty())
    {
        c.path = m_spec.mesh.Describe(path);
        c.budget = Budget(path);
    }
    return c;
}

std::vector<LightpathReport>
MeshPlanner::Report() const
{
    std::vector<LightpathReport> out;
    for (const topo::Lightpath& lp : m_plan.GetLightpaths())
    {
        LightpathReport r;
        r.id = lp.id;
        r.label = lp.request.label;
        r.up = lp.up;
        r.state = lp.up ? "up" : topo::ToString(lp.reason);
        r.working = lp.up ? ChannelOf(lp.working.path, lp.working.wavelength) : ChannelOf(lp.lastPath, std::nullopt);
        if (lp.protection)
        {
            r.protection = ChannelOf(lp.protection->path, lp.protection->wavelength);
        }
        if (lp.request.protection)
        {
            r.protectionState = lp.protection ? "standby" : topo::ToString(lp.protectionReason);
        }
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace ofab
