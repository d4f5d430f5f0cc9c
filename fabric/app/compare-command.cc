#include "ofab/fabric/app/compare-command.h"

#include "ofab/fabric/app/compare-tolerance.h"
#include "ofab/fabric/app/sweep-index.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace ofab
{

namespace fs = std::filesystem;

namespace
{

/// One test case: a figure of a point (or the point itself: metric "status").
struct Case
{
    Case(std::string p, std::string m, std::string b, std::string r, std::string t, std::string f)
        : point(std::move(p)),
          metric(std::move(m)),
          baseline(std::move(b)),
          result(std::move(r)),
          tolerance(std::move(t)),
          failure(std::move(f))
    {
    }

    std::string point;
    std::string metric;
    std::string baseline;
    std::string result;
    std::string tolerance;
    std::string failure;        ///< "" = passed
    bool informational = false; ///< a wall-clock figure without --gate-speed: reported, never failed
    std::string beyond;         ///< informational only: why it would fail with --gate-speed ("" = within)
};

fs::path
IndexPath(const std::string& where, const char* role)
{
    const fs::path p(where);
    const fs::path csv = fs::is_directory(p) ? p / "index.csv" : p;
    if (!fs::is_regular_file(csv))
    {
        throw std::invalid_argument(
            std::string("the ") + role + " " + where + " has no index.csv" +
            (fs::is_directory(p) ? " (run `ofab sweep` into it, or `ofab sweep --collect`)" : ""));
    }
    return csv;
}

/// The parameter columns of a sweep folder (from sweep.json): they name points, they are not figures.
std::set<std::string>
ParameterColumns(const fs::path& index)
{
    std::set<std::string> names;
    const fs::path sweep = index.parent_path() / "sweep.json";
    std::ifstream in(sweep);
    if (in)
    {
        try
        {
            const nlohmann::json sweepJson = nlohmann::json::parse(in); // kept: the loop reads into it
            for (const auto& n : sweepJson.at("parameters"))
            {
                names.insert(n.get<std::string>());
            }
        }
        catch (const nlohmann::json::exception&)
        {
        }
    }
    return names;
}

bool
ParseNumber(const std::string& text, double& value)
{
    if (text.empty())
    {
        value = std::nan("");
        return true;
    }
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end && *end == '\0';
}

std::string
XmlEscape(const std::string& s)
{
    std::string out;
    for (char c : s)
    {
        switch (c)
        {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string
ChangeText(double b, double r)
{
    if (std::isnan(b) || std::isnan(r))
    {
        return "";
    }
    if (b == 0)
    {
        return r == 0 ? "0" : "new";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.3g %%", 100 * (r - b) / std::fabs(b));
    return buf;
}

std::string
Shown(const std::string& cell)
{
    return cell.empty() ? "null" : cell;
}

/// The JUnit <skipped> message of a wall-clock figure reported without --gate-speed.
std::string
SpeedNote(const Case& k)
{
    double b = 0;
    double r = 0;
    const std::string change =
        ParseNumber(k.baseline, b) && ParseNumber(k.result, r) && !std::isnan(b) && !std::isnan(r)
            ? " (" + ChangeText(b, r) + ")"
            : "";
    const std::string figures = "baseline " + Shown(k.baseline) + ", result " + Shown(k.result) + change;
    if (k.tolerance == "ignored")
    {
        return "wall-clock figure, reported only (the tolerances ignore it): " + figures;
    }
    return "wall-clock figure, not gated (--gate-speed gates it): " + figures + ", tolerance " + k.tolerance +
           (k.beyond.empty() ? ": within it" : ": beyond it");
}

} // namespace

int
RunCompare(const CompareOptions& o)
{
    const ToleranceTable tolerances =
        o.tolerance.empty() ? ToleranceTable::Defaults() : ToleranceTable::Load(o.tolerance);
    const fs::path resultsIndex = IndexPath(o.results, "results folder");
    const fs::path baselineIndex = IndexPath(o.baseline, "baseline");
    CsvTable results;
    CsvTable baseline;
    try
    {
        results = ReadCsv(resultsIndex.string());
        baseline = ReadCsv(baselineIndex.string());
    }
    catch (const std::runtime_error& e)
    {
        throw std::invalid_argument(e.what());
    }
    for (const auto* t : {&results, &baseline})
    {
        if (t->Column("point") != 0 || t->Column("status") != 1)
        {
            throw std::invalid_argument((t == &results ? resultsIndex : baselineIndex).string() +
                                        ": not a sweep index (expected the columns point,status,error,...)");
        }
    }
    std::set<std::string> parameters = ParameterColumns(resultsIndex);
    if (parameters.empty())
    {
        parameters = ParameterColumns(baselineIndex);
    }

    std::map<std::string, const std::vector<std::string>*> resultRows;
    for (const auto& row : results.rows)
    {
        resultRows[row[0]] = &row;
    }
    std::set<std::string> baselinePoints;
    std::vector<Case> cases;
    std::vector<std::string> notes;
    for (const auto& brow : baseline.rows)
    {
        const std::string& point = brow[0];
        baselinePoints.insert(point);
        auto it = resultRows.find(point);
        if (it == resultRows.end())
        {
            cases.push_back({point, "status", brow[1], "missing", "", "the point is missing from the results"});
            continue;
        }
        const auto& rrow = *it->second;
        if (brow[1] != rrow[1])
        {
            const int err = results.Column("error");
            cases.push_back({point, "status", brow[1], rrow[1], "",
                             "status " + brow[1] + " in the baseline, " + rrow[1] + " now" +
                                 (err >= 0 && !rrow[err].empty() ? ": " + rrow[err] : "")});
            continue;
        }
        cases.push_back({point, "status", brow[1], rrow[1], "", ""});
        for (std::size_t c = 3; c < baseline.columns.size(); ++c)
        {
            const std::string& metric = baseline.columns[c];
            if (parameters.count(metric))
            {
                continue;
            }
            const Tolerance& tol = tolerances.For(metric);
            const bool informational = !o.gateSpeed && IsSpeedMetric(metric);
            if (tol.ignore && !informational)
            {
                continue;
            }
            const int rc = results.Column(metric);
            Case k{point, metric, brow[c], rc < 0 ? "missing" : rrow[rc], tol.Describe(), ""};
            double b = 0;
            double r = 0;
            if (rc < 0)
            {
                k.failure = "the results have no figure " + metric;
            }
            else if (!ParseNumber(brow[c], b) || !ParseNumber(rrow[rc], r))
            {
                if (brow[c] != rrow[rc])
                {
                    k.failure = "changed from '" + brow[c] + "' to '" + rrow[rc] + "'";
                }
            }
            else if (tol.Regressed(b, r))
            {
                k.failure = Shown(brow[c]) + " -> " + Shown(rrow[rc]) +
                            (std::isnan(b) || std::isnan(r) ? "" : " (" + ChangeText(b, r) + ")") + ", tolerance " +
                            tol.Describe();
            }
            if (informational)
            {
                k.informational = true;
                k.beyond = k.failure;
                k.failure.clear();
            }
            cases.push_back(k);
        }
    }
    for (const auto& row : results.rows)
    {
        if (!baselinePoints.count(row[0]))
        {
            cases.push_back({row[0], "status", "missing", row[1], "",
                             "the baseline has no point " + row[0] +
                                 " (a new point: record a new baseline, or run the baseline's sweep)"});
        }
    }

    std::size_t failures = 0;
    std::size_t speedReported = 0;
    std::size_t speedBeyond = 0;
    for (const auto& k : cases)
    {
        failures += !k.failure.empty();
        speedReported += k.informational;
        speedBeyond += !k.beyond.empty();
    }

    const fs::path resultsDir = fs::is_directory(o.results) ? fs::path(o.results) : resultsIndex.parent_path();
    const std::string junit = o.junit.empty() ? (resultsDir / "compare.xml").string() : o.junit;
    const std::string markdown = o.markdown.empty() ? (resultsDir / "compare.md").string() : o.markdown;

    std::ostringstream xml;
    xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"ofab compare\" tests=\"" << cases.size() << "\" failures=\"" << failures
        << "\" skipped=\"" << speedReported << "\">\n";
    std::map<std::string, std::vector<const Case*>> byPoint;
    std::vector<std::string> order;
    for (const auto& k : cases)
    {
        if (byPoint[k.point].empty())
        {
            order.push_back(k.point);
        }
        byPoint[k.point].push_back(&k);
    }
    for (const auto& point : order)
    {
        const auto& list = byPoint[point];
        std::size_t f = 0;
        std::size_t skipped = 0;
        for (const Case* k : list)
        {
            f += !k->failure.empty();
            skipped += k->informational;
        }
        xml << "  <testsuite name=\"" << XmlEscape(point) << "\" tests=\"" << list.size() << "\" failures=\"" << f
            << "\" skipped=\"" << skipped << "\">\n";
        for (const Case* k : list)
        {
            xml << "    <testcase classname=\"" << XmlEscape(point) << "\" name=\"" << XmlEscape(k->metric) << "\"";
            if (k->informational)
            {
                xml << ">\n      <skipped message=\"" << XmlEscape(SpeedNote(*k)) << "\"/>\n    </testcase>\n";
            }
            else if (k->failure.empty())
            {
                xml << "/>\n";
            }
            else
            {
                xml << ">\n      <failure message=\"" << XmlEscape(k->failure) << "\">baseline "
                    << XmlEscape(Shown(k->baseline)) << ", result " << XmlEscape(Shown(k->result))
                    << "</failure>\n    </testcase>\n";
            }
        }
        xml << "  </testsuite>\n";
    }
    xml << "</testsuites>\n";

    std::ostringstream md;
    md << "# ofab compare: " << (failures ? "REGRESSION" : "pass") << "\n\n"
       << "Results `" << resultsIndex.string() << "` against baseline `" << baselineIndex.string() << "`"
       << " (tolerances: " << (o.tolerance.empty() ? std::string("built-in") : "`" + o.tolerance + "`") << ").\n\n"
       << "| | count |\n|---|---|\n| points in the baseline | " << baseline.rows.size() << " |\n"
       << "| points in the results | " << results.rows.size() << " |\n"
       << "| checks (point x metric) | " << cases.size() - speedReported << " |\n| failed | " << failures << " |\n"
       << "| speed figures reported, not gated | " << speedReported << " |\n\n";
    if (failures)
    {
        md << "## Failures\n\n| point | metric | baseline | result | change | tolerance |\n"
           << "|---|---|---|---|---|---|\n";
        for (const auto& k : cases)
        {
            if (k.failure.empty())
            {
                continue;
            }
            double b = 0;
            double r = 0;
            const bool numbers = ParseNumber(k.baseline, b) && ParseNumber(k.result, r);
            md << "| " << k.point << " | " << k.metric << " | " << Shown(k.baseline) << " | " << Shown(k.result)
               << " | " << (numbers ? ChangeText(b, r) : "") << " | " << (k.tolerance.empty() ? k.failure : k.tolerance)
               << " |\n";
        }
    }
    else
    {
        md << (speedReported ? "Every gated figure is within its tolerance.\n"
                             : "Every figure is within its tolerance.\n");
    }
    if (speedReported)
    {
        md << "\n## Speed (wall clock): reported, not gated\n\n"
           << "These figures measure the machine, not the simulated result; `ofab compare --gate-speed` gates them "
           << "with the tolerances below. " << speedBeyond << " of " << speedReported
           << " are beyond their tolerance.\n\n"
           << "| point | metric | baseline | result | change | tolerance | within |\n"
           << "|---|---|---|---|---|---|---|\n";
        for (const auto& k : cases)
        {
            if (!k.informational)
            {
                continue;
            }
            double b = 0;
            double r = 0;
            const bool numbers = ParseNumber(k.baseline, b) && ParseNumber(k.result, r);
            md << "| " << k.point << " | " << k.metric << " | " << Shown(k.baseline) << " | " << Shown(k.result)
               << " | " << (numbers ? ChangeText(b, r) : "") << " | " << k.tolerance << " | "
               << (k.tolerance == "ignored" ? ""
                   : k.beyond.empty()       ? "yes"
                                            : "**no**")
               << " |\n";
        }
    }
    else if (o.gateSpeed)
    {
        md << "\nSpeed figures (wall clock) are gated with the tolerances above (`--gate-speed`).\n";
    }
    WriteFileAtomically(junit, xml.str());
    WriteFileAtomically(markdown, md.str());

    std::printf("ofab compare: %s: %zu of %zu checks failed (%zu baseline points, %zu result points)\n",
                failures ? "REGRESSION" : "pass", failures, cases.size() - speedReported, baseline.rows.size(),
                results.rows.size());
    if (speedReported)
    {
        std::printf("  speed (wall clock, not gated; --gate-speed gates it): %zu of %zu figures beyond their "
                    "tolerance\n",
                    speedBeyond, speedReported);
        std::size_t listed = 0;
        for (const auto& k : cases)
        {
            if (!k.beyond.empty() && listed++ < 20)
            {
                std::printf("    %s  %s: %s (not gated)\n", k.point.c_str(), k.metric.c_str(), k.beyond.c_str());
            }
        }
    }
    else if (o.gateSpeed)
    {
        std::printf("  speed (wall clock): gated (--gate-speed)\n");
    }
    std::size_t shown = 0;
    for (const auto& k : cases)
    {
        if (!k.failure.empty() && shown++ < 20)
        {
            std::printf("  %s  %s: %s\n", k.point.c_str(), k.metric.c_str(), k.failure.c_str());
        }
    }
    if (shown > 20)
    {
        std::printf("  ... and %zu more\n", shown - 20);
    }
    std::printf("  JUnit: %s\n  summary: %s\n", junit.c_str(), markdown.c_str());
    return failures ? 1 : 0;
}

} // namespace ofab
