// A sweep's points: the axes expanded (a grid, seeds turning fastest), and each point checked by
// loading the base experiment with its overrides before anything runs.

#include "ofab/fabric/experiment/experiment.h"
#include "ofab/fabric/experiment/sweep-spec.h"

namespace ofab
{

std::string
FlowText(const YAML::Node& value)
{
    YAML::Emitter e;
    e << YAML::Flow << value;
    return e.c_str();
}

std::vector<std::string>
SweepSpec::ParameterNames() const
{
    std::vector<std::string> names;
    for (const auto& a : axes)
    {
        names.push_back(a.name);
    }
    if (!seeds.empty())
    {
        names.push_back("seed");
    }
    return names;
}

std::vector<SweepPoint>
SweepSpec::Points() const
{
    std::vector<std::size_t> sizes;
    for (const auto& a : axes)
    {
        sizes.push_back(a.Size());
    }
    sizes.push_back(seeds.empty() ? 1 : seeds.size());
    std::vector<std::size_t> at(sizes.size(), 0);
    std::vector<SweepPoint> points;
    while (true)
    {
        SweepPoint p;
        for (const auto& [key, value] : fixed)
        {
            p.overrides.push_back(key + "=" + FlowText(value));
        }
        for (std::size_t a = 0; a < axes.size(); ++a)
        {
            const SweepAxis& axis = axes[a];
            p.parameters.emplace_back(axis.name, axis.labels[at[a]]);
            for (std::size_t k = 0; k < axis.keys.size(); ++k)
            {
                p.overrides.push_back(axis.keys[k] + "=" + FlowText(axis.values[k][at[a]]));
            }
        }
        if (!seeds.empty())
        {
            p.seed = seeds[at.back()];
            p.parameters.emplace_back("seed", std::to_string(p.seed));
        }
        for (const auto& [n, v] : p.parameters)
        {
            p.name += (p.name.empty() ? "" : ",") + n + "=" + v;
        }
        points.push_back(std::move(p));
        // Odometer: the last position (seeds) turns fastest.
        std::size_t i = sizes.size();
        while (i > 0 && ++at[i - 1] == sizes[i - 1])
        {
            at[i - 1] = 0;
            --i;
        }
        if (i == 0)
        {
            break;
        }
    }
    return points;
}

void
CheckSweepPoints(const SweepSpec& spec, const std::vector<std::string>& extra)
{
    // Where in the sweep file each override text was written, to point errors there.
    auto locate = [&](const std::string& origin, SourceLocation& where, std::string& key) {
        for (std::size_t i = 0; i < spec.fixed.size(); ++i)
        {
            if (origin == "--set " + spec.fixed[i].first + "=" + FlowText(spec.fixed[i].second))
            {
                where = {spec.file, spec.fixedMarks[i].line + 1, spec.fixedMarks[i].column + 1};
                key = JoinKey("set", spec.fixed[i].first);
                return true;
            }
        }
        for (const auto& axis : spec.axes)
        {
            for (std::size_t k = 0; k < axis.keys.size(); ++k)
            {
                if (origin.rfind("--set " + axis.keys[k] + "=", 0) == 0)
                {
                    where = {spec.file, axis.keyMarks[k].line + 1, axis.keyMarks[k].column + 1};
                    key = axis.zipped ? axis.keyPath + ".zip." + axis.keys[k] : axis.keyPath + ".key";
                    return true;
                }
            }
        }
        return false;
    };
    for (const SweepPoint& p : spec.Points())
    {
        try
        {
            ConfigDocument doc = ConfigDocument::Load(spec.base);
            for (const auto& o : p.overrides)
            {
                doc.ApplyOverride(o);
            }
            for (const auto& o : extra)
            {
                doc.ApplyOverride(o);
            }
            LoadExperiment(doc);
        }
        catch (const ConfigError& e)
        {
            SourceLocation where;
            std::string key;
            if (locate(e.Where().origin, where, key))
            {
                throw ConfigError(where, key,
                                  "in point " + p.name + ": " + (e.KeyPath().empty() ? "" : "'" + e.KeyPath() + "' ") +
                                      e.Message() + " (base experiment " + spec.base + ")");
            }
            throw ConfigError(e.Where(), e.KeyPath(), e.Message() + " (sweep " + spec.file + ", point " + p.name + ")");
        }
    }
}

} // namespace ofab
