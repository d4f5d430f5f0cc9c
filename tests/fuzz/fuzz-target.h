#ifndef OFAB_TESTS_FUZZ_FUZZ_TARGET_H
#define OFAB_TESTS_FUZZ_FUZZ_TARGET_H

// What every fuzz target of tests/fuzz/ defines: libFuzzer's entry points. In the fuzz build (CMake
// preset `fuzz`) libFuzzer provides main(); in the normal build fuzz-replay-main.cc does, running
// every file of the committed corpus through the same LLVMFuzzerTestOneInput.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace ofab
{
namespace fuzz
{

/// OFAB_FUZZ_VERBOSE=1 in the environment: the targets say what each input did (on stdout), to check
/// what a corpus file reaches.
inline bool
Verbose()
{
    static const bool verbose = std::getenv("OFAB_FUZZ_VERBOSE") != nullptr;
    return verbose;
}

/// A finding: says what on stderr and aborts, which libFuzzer reports as a crash with the input.
[[noreturn]] inline void
Finding(const std::string& what)
{
    std::fprintf(stderr, "ofab fuzz: FINDING: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

} // namespace fuzz
} // namespace ofab

#endif
