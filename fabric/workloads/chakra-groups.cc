#include "ofab/fabric/workloads/chakra-groups.h"

#include "ofab/fabric/workloads/chakra-files.h"
#include "ofab/fabric/workloads/chakra-import.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ofab
{

ChakraGroups::ChakraGroups(const std::string& path, uint32_t ranks)
    : m_path(path),
      m_ranks(ranks)
{
    if (!ChakraFileExists(path))
    {
        return;
    }
    const std::string text = ReadChakraFile(path, "process-group file");
    nlohmann::ordered_json doc;
    try
    {
        doc = nlohmann::ordered_json::parse(text);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw ChakraError(path + ": not JSON: " + e.what());
    }
    if (!doc.is_object())
    {
        throw ChakraError(path + ": a process-group file is one JSON object {\"name\": [rank, ...], ...}");
    }
    for (const auto& [name, value] : doc.items())
    {
        const std::string where = path + ": group '" + name + "'";
        if (!value.is_array())
        {
            throw ChakraError(where + ": a group is a list of ranks");
        }
        std::vector<uint32_t> members;
        for (const auto& rank : value)
        {
            if (!rank.is_number_integer() || rank.get<int64_t>() < 0 || rank.get<int64_t>() >= int64_t{ranks})
            {
                throw ChakraError(where + ": " + rank.dump() + " is not a rank (0 .. " + std::to_string(ranks - 1) +
                                  ": one trace file per rank)");
            }
            const auto r = static_cast<uint32_t>(rank.get<int64_t>());
            if (std::find(members.begin(), members.end(), r) != members.end())
            {
                throw ChakraError(where + ": rank " + std::to_string(r) + " is listed twice");
            }
            members.push_back(r);
        }
        if (members.size() < 2)
        {
            throw ChakraError(where + ": a communicator has at least 2 ranks");
        }
        m_named.emplace_back(name, std::move(members));
    }
}

bool
ChakraGroups::IsWorld(const std::string& pg) const
{
    const auto named = [this](const std::string& name) {
        return std::any_of(m_named.begin(), m_named.end(), [&name](const auto& g) { return g.first == name; });
    };
    return pg.empty() || (pg == "0" && !named(pg));
}

std::string
ChakraGroups::Describe(const std::string& pg) const
{
    return IsWorld(pg) ? "the world group" : "process group '" + pg + "'";
}

uint32_t
ChakraGroups::Resolve(WorkloadGraph& g, const std::string& pg, uint32_t rank, const std::string& where)
{
    const bool world = IsWorld(pg);
    const std::string key = world ? "" : pg;
    auto it = m_index.find(key);
    if (it == m_index.end())
    {
        std::vector<uint32_t> members;
        if (world)
        {
            for (uint32_t r = 0; r < m_ranks; ++r)
            {
                members.push_back(r);
            }
        }
        else
        {
            const auto named =
                std::find_if(m_named.begin(), m_named.end(), [&pg](const auto& n) { return n.first == pg; });
            if (named == m_named.end())
            {
                throw ChakraError(where + ": pg_name '" + pg + "' is not a group of " + m_path +
                                  (m_named.empty() ? " (no such file, or no group in it)" : ""));
            }
            members = named->second;
        }
        g.groups.push_back(std::move(members));
        it = m_index.emplace(key, static_cast<uint32_t>(g.groups.size() - 1)).first;
    }
    const std::vector<uint32_t>& members = g.groups[it->second];
    if (std::find(members.begin(), members.end(), rank) == members.end())
    {
        throw ChakraError(where + ": the file is rank " + std::to_string(rank) + "'s, which is not a member of " +
                          Describe(pg));
    }
    return it->second;
}

} // namespace ofab
