// Files a user names are read only when they are regular text files of a sane size.

#include "ofab/foundation/text-file.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <unistd.h>

using namespace ofab;

namespace
{

std::string
Scratch(const std::string& name, const std::string& content)
{
    const std::string path = "/tmp/ofab-text-file-test-" + std::to_string(getpid()) + "-" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

std::string
ErrorOf(const std::string& path, std::uintmax_t maxBytes = kMaxTextFileBytes)
{
    try
    {
        ReadTextFile(path, maxBytes);
    }
    catch (const TextFileError& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("a regular file is read whole, a directory, a device or too large a file is refused", "[files]")
{
    const std::string path = Scratch("ok.yaml", "a: 1\nb: [2, 3]\n");
    CHECK(ReadTextFile(path) == "a: 1\nb: [2, 3]\n");
    CHECK(ErrorOf(path, 4) == "is 0 MiB: more than the 0 MiB a text file of ofab's may have");
    std::remove(path.c_str());
    CHECK(ErrorOf("/tmp") == "is a directory, not a file");
    // Read as empty files once (defaults used, exit 0), or until memory ran out (/dev/zero).
    for (const char* device : {"/dev/null", "/dev/zero"})
    {
        INFO(device);
        CHECK_THAT(ErrorOf(device), Catch::StartsWith("is not a regular file"));
    }
    // /proc files say they are regular and empty; this one cannot be read at all.
    CHECK(ErrorOf("/proc/self/mem") == "cannot be read (an input/output error)");
    CHECK_THAT(ErrorOf("/nonexistent/ofab.yaml"), Catch::StartsWith("cannot open the file for reading"));
}

TEST_CASE("text is UTF-8 without NUL bytes: the first offending byte is found", "[files]")
{
    CHECK(FindNonText("plain ascii\n") == std::string::npos);
    CHECK(FindNonText("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == std::string::npos); // 2, 3 and 4 bytes
    CHECK(FindNonText(std::string("ab\0cd", 5)) == 2);
    CHECK(FindNonText("ab\xff") == 2);             // never in UTF-8
    CHECK(FindNonText("ab\xc3") == 2);             // truncated sequence
    CHECK(FindNonText("a\xc0\xafz") == 1);         // overlong '/'
    CHECK(FindNonText("a\xed\xa0\x80z") == 1);     // a UTF-16 surrogate
    CHECK(FindNonText("a\xf4\x90\x80\x80z") == 1); // above U+10FFFF
    CHECK(FindNonText("a\x80z") == 1);             // a continuation byte alone
}
