#include "ofab/fabric/app/sweep-index.h"

#include "ofab/fabric/trace/hdf5-table.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ofab
{

namespace
{

void
Flatten(const nlohmann::ordered_json& j, const std::string& prefix, std::vector<std::pair<std::string, double>>& out)
{
    auto join = [&](const std::string& k) { return prefix.empty() ? k : prefix + "." + k; };
    if (j.is_object())
    {
        for (auto it = j.begin(); it != j.end(); ++it)
        {
            Flatten(it.value(), join(it.key()), out);
        }
    }
    else if (j.is_array())
    {
        for (std::size_t i = 0; i < j.size(); ++i)
        {
            Flatten(j[i], join(std::to_string(i)), out);
        }
    }
    else if (j.is_number())
    {
        out.emplace_back(prefix, j.get<double>());
    }
    else if (j.is_null())
    {
        out.emplace_back(prefix, std::numeric_limits<double>::quiet_NaN());
    }
}

std::string
ReadText(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The line of a run's log that says why it failed: its "ofab: error:" line, else the last line.
std::string
ErrorLine(const std::filesystem::path& log)
{
    std::ifstream in(log);
    std::string line;
    std::string last;
    std::string error;
    while (std::getline(in, line))
    {
        if (!line.empty() && line.find_first_not_of(" \t\r") != std::string::npos)
        {
            last = line;
        }
        if (line.rfind("ofab: error: ", 0) == 0)
        {
            error = line.substr(13);
        }
    }
    return error.empty() ? last : error;
}

void
WriteHdf5Index(const std::string& path, const std::vector<std::string>& parameterNames,
               const std::vector<std::string>& figureNames, const std::vector<PointRecord>& points)
{
    // Row layout: fixed-length strings (point, status, error, parameters), then one double per figure.
    std::vector<std::string> textNames{"point", "status", "error"};
    textNames.insert(textNames.end(), parameterNames.begin(), parameterNames.end());
    auto texts = [&](const PointRecord& p) {
        std::vector<std::string> t{p.name, p.status, p.error};
        for (const auto& n : parameterNames)
        {
            std::string v;
            for (const auto& [k, value] : p.parameters)
            {
                v = k == n ? value : v;
            }
            t.push_back(v);
        }
        return t;
    };
    std::vector<std::size_t> widths(textNames.size(), 1);
    for (const auto& p : points)
    {
        const auto t = texts(p);
        for (std::size_t i = 0; i < t.size(); ++i)
        {
            widths[i] = std::max(widths[i], t[i].size() + 1);
        }
    }
    std::vector<std::size_t> offsets;
    std::size_t rowSize = 0;
    for (std::size_t w : widths)
    {
        offsets.push_back(rowSize);
        rowSize += w;
    }
    rowSize = (rowSize + 7) / 8 * 8;
    const std::size_t figuresAt = rowSize;
    rowSize += 8 * figureNames.size();

    CompoundType type(rowSize);
    for (std::size_t i = 0; i < textNames.size(); ++i)
    {
        type.AddString(textNames[i].c_str(), offsets[i], widths[i]);
    }
    for (std::size_t i = 0; i < figureNames.size(); ++i)
    {
        type.Add(figureNames[i].c_str(), figuresAt + 8 * i, H5T_NATIVE_DOUBLE);
    }
    {
        Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                        "create the index " + path);
        AppendableTable table(file.Id(), "points", type, std::max<std::size_t>(1, points.size()));
        std::vector<unsigned char> row(rowSize);
        for (const auto& p : points)
        {
            std::fill(row.begin(), row.end(), 0);
            const auto t = texts(p);
            for (std::size_t i = 0; i < t.size(); ++i)
            {
                std::memcpy(row.data() + offsets[i], t[i].data(), std::min(t[i].size(), widths[i] - 1));
            }
            for (std::size_t i = 0; i < figureNames.size(); ++i)
            {
                double v = std::numeric_limits<double>::quiet_NaN();
                for (const auto& [k, value] : p.figures)
                {
                    v = k == figureNames[i] ? value : v;
                }
                std::memcpy(row.data() + figuresAt + 8 * i, &v, 8);
            }
            table.Append(row.data());
        }
        table.Flush();
        std::string params;
        for (const auto& n : parameterNames)
        {
            params += (params.empty() ? "" : ",") + n;
        }
        WriteAttribute(table.Id(), "parameters", params);
    }
}

} // namespace

std::vector<std::pair<std::string, double>>
FlattenSummary(const std::string& jsonText)
{
    nlohmann::ordered_json j; // the summary's own order: transactions, latency, ... as `ofab run` writes them
    try
    {
        j = nlohmann::ordered_json::parse(jsonText);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw std::runtime_error(std::string("not a JSON summary: ") + e.what());
    }
    std::vector<std::pair<std::string, double>> out;
    Flatten(j, "", out);
    return out;
}

PointRecord
ReadPoint(const std::string& dir, const std::string& name,
          const std::vector<std::pair<std::string, std::string>>& parameters)
{
    namespace fs = std::filesystem;
    PointRecord r{name, "pending", "", parameters, {}};
    const fs::path d(dir);
    if (fs::exists(d / "summary.json"))
    {
        try
        {
            r.figures = FlattenSummary(ReadText(d / "summary.json"));
            r.status = "ok";
            return r;
        }
        catch (const std::exception& e)
        {
            r.status = "failed";
            r.error = (d / "summary.json").string() + ": " + e.what();
            return r;
        }
    }
    if (fs::exists(d / "exit_code"))
    {
        const std::string code = ReadText(d / "exit_code");
        r.status = std::atoi(code.c_str()) == 130 ? "interrupted" : "failed";
        r.error = "exit " + std::to_string(std::atoi(code.c_str())) + ": " + ErrorLine(d / "run.log");
    }
    else if (fs::exists(d / "run.log"))
    {
        // Started but never finished: killed (a batch time or memory limit), or still running.
        r.status = "failed";
        r.error =
            "no summary and no exit code: the run was killed or is still running (" + (d / "run.log").string() + ")";
    }
    return r;
}

void
WriteIndex(const std::string& dir, const std::vector<std::string>& parameterNames,
           const std::vector<PointRecord>& points)
{
    std::vector<std::string> figureNames;
    // A figure named like a text column (the summary's `seed` when seeds are swept) is that column already.
    std::map<std::string, bool> seen{{"point", true}, {"status", true}, {"error", true}};
    for (const auto& n : parameterNames)
    {
        seen[n] = true;
    }
    for (const auto& p : points)
    {
        for (const auto& f : p.figures)
        {
            if (!seen[f.first])
            {
                seen[f.first] = true;
                figureNames.push_back(f.first);
            }
        }
    }
    std::ostringstream csv;
    csv << "point,status,error";
    for (const auto& n : parameterNames)
    {
        csv << "," << CsvCell(n);
    }
    for (const auto& n : figureNames)
    {
        csv << "," << CsvCell(n);
    }
    csv << "\n";
    for (const auto& p : points)
    {
        csv << CsvCell(p.name) << "," << p.status << "," << CsvCell(p.error);
        for (const auto& n : parameterNames)
        {
            std::string v;
            for (const auto& [k, value] : p.parameters)
            {
                v = k == n ? value : v;
            }
            csv << "," << CsvCell(v);
        }
        std::map<std::string, double> figures(p.figures.begin(), p.figures.end());
        for (const auto& n : figureNames)
        {
            auto it = figures.find(n);
            csv << "," << (it == figures.end() ? "" : FormatNumber(it->second));
        }
        csv << "\n";
    }
    WriteFileAtomically((std::filesystem::path(dir) / "index.csv").string(), csv.str());

    const std::string h5 = (std::filesystem::path(dir) / "index.h5").string();
    WriteHdf5Index(h5 + ".partial", parameterNames, figureNames, points);
    if (std::rename((h5 + ".partial").c_str(), h5.c_str()) != 0)
    {
        throw TraceError("cannot write the index " + h5);
    }
}

} // namespace ofab
