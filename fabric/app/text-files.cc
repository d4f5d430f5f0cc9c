#include "ofab/fabric/app/text-files.h"

#include "ofab/foundation/text-file.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ofab
{

std::string
CsvCell(const std::string& text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
    {
        return text;
    }
    std::string q = "\"";
    for (char c : text)
    {
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return q + "\"";
}

int
CsvTable::Column(const std::string& name) const
{
    for (std::size_t i = 0; i < columns.size(); ++i)
    {
        if (columns[i] == name)
        {
            return static_cast<int>(i);
        }
    }
    return -1;
}

CsvTable
ReadCsv(const std::string& path)
{
    std::string text;
    try
    {
        text = ReadTextFile(path);
    }
    catch (const TextFileError& e)
    {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string cell;
    bool quoted = false;
    bool any = false;
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        const char c = text[i];
        if (quoted)
        {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
            {
                cell += '"';
                ++i;
            }
            else if (c == '"')
            {
                quoted = false;
            }
            else
            {
                line += c == '\n';
                cell += c;
            }
            continue;
        }
        if (c == '"' && cell.empty())
        {
            quoted = true;
            any = true;
        }
        else if (c == ',')
        {
            record.push_back(cell);
            cell.clear();
            any = true;
        }
        else if (c == '\n')
        {
            record.push_back(cell);
            records.push_back(record);
            record.clear();
            cell.clear();
            any = false;
            ++line;
        }
        else if (c != '\r')
        {
            cell += c;
            any = true;
        }
    }
    if (quoted)
    {
        throw std::runtime_error(path + ":" + std::to_string(line) + ": a quoted cell is not closed");
    }
    if (any)
    {
        record.push_back(cell);
        records.push_back(record);
    }
    if (records.empty())
    {
        throw std::runtime_error(path + ": empty file, expected a header line");
    }
    CsvTable t;
    t.columns = records.front();
    for (std::size_t r = 1; r < records.size(); ++r)
    {
        if (records[r].size() != t.columns.size())
        {
            throw std::runtime_error(path + ": row " + std::to_string(r + 1) + " has " +
                                     std::to_string(records[r].size()) + " cells, the header " +
                                     std::to_string(t.columns.size()));
        }
        t.rows.push_back(records[r]);
    }
    return t;
}

std::string
ShellQuote(const std::string& text)
{
    std::string q = "'";
    for (char c : text)
    {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

void
WriteFileAtomically(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp);
        out << text;
        if (!out.flush())
        {
            throw std::runtime_error("cannot write " + path);
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw std::runtime_error("cannot write " + path);
    }
}

std::string
FormatNumber(double value)
{
    if (std::isnan(value))
    {
        return "";
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

} // namespace ofab
