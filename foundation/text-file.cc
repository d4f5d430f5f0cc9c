#include "ofab/foundation/text-file.h"

#include <filesystem>
#include <fstream>
#include <ios>
#include <system_error>

namespace ofab
{

std::string
ReadTextFile(const std::string& path, std::uintmax_t maxBytes)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st))
    {
        throw TextFileError("cannot open the file for reading (no such file)");
    }
    if (fs::is_directory(st))
    {
        throw TextFileError("is a directory, not a file");
    }
    if (!fs::is_regular_file(st))
    {
        throw TextFileError("is not a regular file (a device, a pipe or a socket): give the path of a text file");
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec)
    {
        throw TextFileError("cannot open the file for reading");
    }
    if (size > maxBytes)
    {
        throw TextFileError("is " + std::to_string(size / (1024 * 1024)) + " MiB: more than the " +
                            std::to_string(maxBytes / (1024 * 1024)) + " MiB a text file of ofab's may have");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw TextFileError("cannot open the file for reading");
    }
    // Read in chunks up to the limit: a file may say it is empty and still have content (/proc), or
    // grow while it is read.
    std::string text;
    text.reserve(static_cast<std::size_t>(size));
    std::string chunk(64 * 1024, '\0');
    try
    {
        while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
        {
            text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
            if (text.size() > maxBytes)
            {
                throw TextFileError("is more than the " + std::to_string(maxBytes / (1024 * 1024)) +
                                    " MiB a text file of ofab's may have");
            }
        }
    }
    catch (const std::ios_base::failure&)
    {
        throw TextFileError("cannot be read (an input/output error)");
    }
    if (in.bad())
    {
        throw TextFileError("cannot be read (an input/output error)");
    }
    return text;
}

std::size_t
FindNonText(const std::string& text)
{
    // UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF; and no NUL.
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;)
    {
        const unsigned char c = s[i];
        if (c == 0)
        {
            return i;
        }
        if (c < 0x80)
        {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
        {
            len = 2;
        }
        else if (c >= 0xE0 && c <= 0xEF)
        {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        }
        else if (c >= 0xF0 && c <= 0xF4)
        {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        else
        {
            return i;
        }
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
        {
            return i;
        }
        for (std::size_t k = 2; k < len; ++k)
        {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
            {
                return i;
            }
        }
        i += len;
    }
    return std::string::npos;
}

} // namespace ofab
