#include "ofab/fabric/app/compare-tolerance.h"

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/config/config-values.h"
#include "ofab/foundation/text-file.h"

#include <cmath>
#include <sstream>

namespace ofab
{

namespace
{

/// Figures that follow from the seed (transactions, latencies, throughput) must match to rounding.
/// Wall-clock figures move with the machine's load: they gate only with --gate-speed, and then only a
/// large slowdown is a regression. The trace's size is no result either: the file holds its own path.
const char* kDefaults = R"(
default: {relative: 1.0e-9}
metrics:
  - {match: wall_s, ignore: true}
  - {match: "*_per_wall_s", relative: 0.5, worse: lower}
  - {match: trace_bytes, ignore: true}
)";

Tolerance
ReadTolerance(const ConfigDocument& doc, const YAML::Node& node, const std::string& keyPath, bool needsMatch)
{
    std::vector<std::string> keys{"relative", "absolute", "worse", "ignore"};
    if (needsMatch)
    {
        keys.insert(keys.begin(), "match");
    }
    if (!node.IsMap())
    {
        throw doc.ErrorAt(keyPath, node.Mark(),
                          "expected {" + std::string(needsMatch ? "match: <metric>, " : "") +
                              "relative: <fraction>, absolute: <value>, worse: both|lower|higher}");
    }
    ExpectOnlyKeys(doc, node, keyPath, keys);
    SectionReader r(doc, node, keyPath);
    Tolerance t;
    if (needsMatch)
    {
        if (!r.Has("match"))
        {
            throw r.Missing("match", "a metric name or pattern such as latency_ns.* (see the index.csv header)");
        }
        t.pattern = r.Text("match", "");
    }
    t.relative = r.Number("relative", 0.0, 0.0, 1e12);
    t.absolute = r.Number("absolute", 0.0, 0.0, 1e300);
    t.worse = r.Choice("worse", "both", {"both", "lower", "higher"});
    t.ignore = r.Choice("ignore", "false", {"true", "false"}) == "true";
    return t;
}

} // namespace

double
Tolerance::Allowed(double baseline) const
{
    return std::max(absolute, relative * std::fabs(baseline));
}

bool
Tolerance::Regressed(double baseline, double result) const
{
    if (ignore)
    {
        return false;
    }
    if (std::isnan(baseline) || std::isnan(result))
    {
        return std::isnan(baseline) != std::isnan(result);
    }
    const double diff = result - baseline;
    const double allowed = Allowed(baseline);
    if (worse == "lower")
    {
        return diff < -allowed;
    }
    if (worse == "higher")
    {
        return diff > allowed;
    }
    return std::fabs(diff) > allowed;
}

std::string
Tolerance::Describe() const
{
    if (ignore)
    {
        return "ignored";
    }
    std::ostringstream s;
    s << (worse == "lower" ? "-" : worse == "higher" ? "+" : "+-");
    if (relative > 0)
    {
        s << relative << " relative";
    }
    if (absolute > 0)
    {
        s << (relative > 0 ? " or " : "") << absolute;
    }
    if (relative == 0 && absolute == 0)
    {
        s << "0 (exact)";
    }
    return s.str();
}

ToleranceTable
ToleranceTable::Parse(const std::string& text, const std::string& origin)
{
    const ConfigDocument doc = ConfigDocument::Parse(text, origin);
    ExpectOnlyKeys(doc, doc.Root(), "", {"default", "metrics"});
    ToleranceTable table;
    if (const YAML::Node d = Child(doc.Root(), "default"); d.IsDefined() && !d.IsNull())
    {
        table.m_default = ReadTolerance(doc, d, "default", false);
    }
    table.m_default.pattern = "*";
    if (const YAML::Node m = Child(doc.Root(), "metrics"); m.IsDefined() && !m.IsNull())
    {
        if (!m.IsSequence())
        {
            throw doc.ErrorAt("metrics", m.Mark(), "expected a list: - {match: latency_ns.*, relative: 0.01}");
        }
        for (std::size_t i = 0; i < m.size(); ++i)
        {
            table.m_metrics.push_back(ReadTolerance(doc, m[i], "metrics[" + std::to_string(i) + "]", true));
        }
    }
    return table;
}

ToleranceTable
ToleranceTable::Load(const std::string& path)
{
    std::string text;
    try
    {
        text = ReadTextFile(path);
    }
    catch (const TextFileError& e)
    {
        throw ConfigError({path, 0, 0}, "", std::string("the tolerance file ") + e.what());
    }
    return Parse(text, path);
}

ToleranceTable
ToleranceTable::Defaults()
{
    return Parse(kDefaults, "built-in tolerances");
}

const Tolerance&
ToleranceTable::For(const std::string& metric) const
{
    for (const auto& t : m_metrics)
    {
        if (MatchPattern(t.pattern, metric))
        {
            return t;
        }
    }
    return m_default;
}

bool
IsSpeedMetric(const std::string& metric)
{
    const std::string suffix = "wall_s";
    if (metric.size() < suffix.size() || metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) != 0)
    {
        return false;
    }
    if (metric.size() == suffix.size())
    {
        return true;
    }
    const char before = metric[metric.size() - suffix.size() - 1];
    return before == '_' || before == '.';
}

bool
MatchPattern(const std::string& pattern, const std::string& text)
{
    // Classic greedy wildcard match with one backtrack point.
    std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
    while (t < text.size())
    {
        if (p < pattern.size() && pattern[p] == '*')
        {
            star = p++;
            mark = t;
        }
        else if (p < pattern.size() && pattern[p] == text[t])
        {
            ++p;
            ++t;
        }
        else if (star != std::string::npos)
        {
            p = star + 1;
            t = ++mark;
        }
        else
        {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
    {
        ++p;
    }
    return p == pattern.size();
}

} // namespace ofab
