#ifndef OFAB_TESTS_PROTOCOL_TEST_UTIL_H
#define OFAB_TESTS_PROTOCOL_TEST_UTIL_H

// Shared set-up for the protocol tests: picosecond time (a 640 B DL flit at 800 Gb/s is 6.4 ns,
// which nanosecond resolution would round to 6 ns) and small fabrics built with UalinkHelper.

#include "ofab/protocols/helper/ualink-helper.h"

#include "ofab/foundation/time-resolution.h"

#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <cstdint>
#include <vector>

namespace ofab
{
namespace test
{

/// The shared Catch2 main already switches to picoseconds; tests call this too so that they do
/// not depend on which main they are linked with (repeated calls are harmless).
inline void
UsePicoseconds()
{
    EnsurePicosecondResolution();
}

/// Two endpoints (ids 0 and 1) joined by one link; each routes everything to its only port.
struct PointToPoint
{
    UalinkHelper::Link link;
    ns3::Ptr<AcceleratorEndpoint> a;
    ns3::Ptr<AcceleratorEndpoint> b;
};

inline PointToPoint
MakePointToPoint(UalinkHelper& h)
{
    PointToPoint p;
    p.a = h.CreateEndpoint(0);
    p.b = h.CreateEndpoint(1);
    p.link = h.Connect(p.a, p.b);
    p.a->SetDefaultRoute({ForwardingChoice{0, false}});
    p.b->SetDefaultRoute({ForwardingChoice{0, false}});
    return p;
}

/// Frame error probability of a 640 B DL flit for a link built by `h` now.
double FrameErrorProbability(const PhotonicLinkHelper& h);

/**
 * Sets the photonic link attributes of `h` so that a 640 B DL flit fails its CRC with probability
 * `target` (within 1 %): FEC stays on, the usable-line threshold is relaxed so that such a poor
 * link still counts as up, and the connector loss is found by bisection. Returns the achieved p.
 */
double TuneFrameErrorProbability(PhotonicLinkHelper& h, double target);

} // namespace test
} // namespace ofab

#endif
