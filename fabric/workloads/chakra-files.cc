#include "ofab/fabric/workloads/chakra-files.h"

#include "ofab/fabric/workloads/chakra-import.h"

#include <fstream>
#include <iterator>

namespace ofab
{

bool
ChakraFileExists(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return in.good();
}

std::string
ReadChakraFile(const std::string& path, const char* what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw ChakraError(path + ": cannot open the " + what);
    }
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
    {
        throw ChakraError(path + ": cannot read the " + what);
    }
    return data;
}

std::string
ChakraTracePath(const std::string& prefix, uint32_t rank)
{
    return prefix + "." + std::to_string(rank) + ".et";
}

std::vector<std::string>
FindChakraTraces(const std::string& prefix)
{
    std::vector<std::string> paths;
    for (uint32_t rank = 0;; ++rank)
    {
        const std::string path = ChakraTracePath(prefix, rank);
        if (!ChakraFileExists(path))
        {
            break;
        }
        paths.push_back(path);
    }
    if (paths.empty())
    {
        throw ChakraError(ChakraTracePath(prefix, 0) +
                          ": no trace for rank 0 (cannot open it); the traces of prefix '" + prefix + "' are " +
                          ChakraTracePath(prefix, 0) + ", " + ChakraTracePath(prefix, 1) + ", ...");
    }
    return paths;
}

DelimitedFile
ReadDelimitedFile(const std::string& path)
{
    DelimitedFile file;
    file.path = path;
    file.data = ReadChakraFile(path, "Chakra trace");
    const std::string& d = file.data;
    std::size_t at = 0;
    while (at < d.size())
    {
        const std::size_t offset = at;
        uint64_t length = 0;
        int shift = 0;
        bool more = true;
        while (more)
        {
            if (at >= d.size())
            {
                throw ChakraError(path + ": byte " + std::to_string(offset) + ": message " +
                                  std::to_string(file.messages.size() + 1) +
                                  ": the file ends inside its length prefix (a truncated file?)");
            }
            if (shift >= 70)
            {
                throw ChakraError(path + ": byte " + std::to_string(offset) + ": message " +
                                  std::to_string(file.messages.size() + 1) +
                                  ": a length prefix longer than 10 bytes (not a Chakra trace, or a corrupt one)");
            }
            const auto byte = static_cast<uint8_t>(d[at++]);
            if (shift < 64)
            {
                length |= uint64_t{byte & 0x7fu} << shift;
            }
            shift += 7;
            more = (byte & 0x80u) != 0;
        }
        if (length > d.size() - at)
        {
            throw ChakraError(path + ": byte " + std::to_string(offset) + ": message " +
                              std::to_string(file.messages.size() + 1) + " announces " + std::to_string(length) +
                              " B but the file has " + std::to_string(d.size() - at) + " B left (a truncated file?)");
        }
        file.messages.push_back({offset, at, static_cast<std::size_t>(length)});
        at += static_cast<std::size_t>(length);
    }
    return file;
}

} // namespace ofab
