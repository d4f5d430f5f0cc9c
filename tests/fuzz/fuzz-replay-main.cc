// The corpus replay of a fuzz target in the normal build (no libFuzzer): runs every file named on the
// command line, or found in a folder named there (sorted, so runs repeat), through the target's
// LLVMFuzzerTestOneInput. A finding aborts; a folder without a file fails (a corpus gone missing must
// not pass as an empty one). CTest runs it over tests/fuzz/corpus/<target>/ (label fuzz-corpus).

#include "fuzz-target.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

int
main(int argc, char** argv)
{
    namespace fs = std::filesystem;
    LLVMFuzzerInitialize(&argc, &argv);
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i)
    {
        const fs::path arg(argv[i]);
        if (!fs::is_directory(arg))
        {
            inputs.push_back(arg);
            continue;
        }
        std::vector<fs::path> files;
        for (const auto& entry : fs::recursive_directory_iterator(arg))
        {
            if (entry.is_regular_file())
            {
                files.push_back(entry.path());
            }
        }
        if (files.empty())
        {
            std::fprintf(stderr, "%s: no input files\n", argv[i]);
            return 1;
        }
        std::sort(files.begin(), files.end());
        inputs.insert(inputs.end(), files.begin(), files.end());
    }
    if (inputs.empty())
    {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (const fs::path& path : inputs)
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
        {
            std::fprintf(stderr, "%s: cannot read it\n", path.c_str());
            return 1;
        }
        const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::printf("replay: %s (%zu bytes)\n", path.c_str(), data.size());
        std::fflush(stdout);
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    }
    std::printf("replay: %zu inputs, no finding\n", inputs.size());
    return 0;
}
