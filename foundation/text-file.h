#ifndef OFAB_FOUNDATION_TEXT_FILE_H
#define OFAB_FOUNDATION_TEXT_FILE_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ofab
{

/// A file named by a user that ofab will not read, and why ("is a directory, not a file").
class TextFileError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/// No file ofab reads (an experiment, a link file, an edge list, a tolerance or index file) is anywhere
/// near this; a larger one is a mistake (or /dev/zero by another name).
constexpr std::uintmax_t kMaxTextFileBytes = 64ULL * 1024 * 1024;

/**
 * The whole text of a file a user named: a regular file (not a directory, a device such as /dev/zero
 * or /dev/null, a pipe or a /proc file) of at most `maxBytes`. TextFileError says why not, without
 * the path (the caller names it, with the key that named the file).
 */
std::string ReadTextFile(const std::string& path, std::uintmax_t maxBytes = kMaxTextFileBytes);

/// Where `text` stops being UTF-8 text: the offset of its first NUL byte or invalid UTF-8 sequence,
/// or std::string::npos when there is none.
std::size_t FindNonText(const std::string& text);

} // namespace ofab

#endif
