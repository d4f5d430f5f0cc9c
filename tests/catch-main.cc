// The one translation unit that compiles Catch2's runner. Every suite runs with ns-3 at picosecond
// resolution, as the ofab program does (a 640-byte flit at 800 Gb/s lasts 6.4 ns).
#define CATCH_CONFIG_RUNNER
#include "ofab/foundation/time-resolution.h"

#include <catch2/catch.hpp>

int
main(int argc, char* argv[])
{
    ofab::EnsurePicosecondResolution();
    return Catch::Session().run(argc, argv);
}
