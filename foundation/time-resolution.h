#ifndef OFAB_FOUNDATION_TIME_RESOLUTION_H
#define OFAB_FOUNDATION_TIME_RESOLUTION_H

namespace ofab
{

/**
 * Switches ns-3's time resolution to picoseconds unless it is already that fine.
 *
 * ns-3 counts time in nanoseconds by default, but a 640-byte flit at 800 Gb/s lasts 6.4 ns: ofab
 * needs picoseconds. ns-3 allows the change once, before the simulator first runs; this guard makes
 * calling it again harmless (ns-3 itself would crash on a second change in a release build).
 * The ofab program, the test suites and ofab's helpers call it; a program of your own that builds
 * models without the helpers should call it first thing in main().
 */
void EnsurePicosecondResolution();

} // namespace ofab

#endif
