#ifndef OFAB_FABRIC_WORKLOADS_CHAKRA_FILES_H
#define OFAB_FABRIC_WORKLOADS_CHAKRA_FILES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ofab
{

/// The files of a Chakra trace set, read without looking into the messages (chakra-import.cc parses
/// them). Every function throws ChakraError (chakra-import.h) naming the file.

/// Whether `path` can be opened for reading.
bool ChakraFileExists(const std::string& path);

/// The bytes of a file; an error naming it and `what` it is when it cannot be read.
std::string ReadChakraFile(const std::string& path, const char* what);

/// `<prefix>.<rank>.et`
std::string ChakraTracePath(const std::string& prefix, uint32_t rank);

/// The trace files of a prefix, rank 0 first, up to the first rank whose file does not exist;
/// an error when rank 0's does not.
std::vector<std::string> FindChakraTraces(const std::string& prefix);

/// A file of varint-length-delimited messages: each message is its length (base-128 varint, at most
/// 10 bytes) followed by that many bytes.
struct DelimitedFile
{
    struct Message
    {
        std::size_t offset; ///< where its length prefix starts in the file
        std::size_t begin;  ///< where its bytes start
        std::size_t size;   ///< its bytes
    };

    std::string path;
    std::string data; ///< the whole file
    std::vector<Message> messages;
};

/// Reads and splits a file; an error when it cannot be read, or when a length prefix is cut off,
/// longer than 10 bytes, or announces more bytes than the file still has (a truncated file).
DelimitedFile ReadDelimitedFile(const std::string& path);

} // namespace ofab

#endif
