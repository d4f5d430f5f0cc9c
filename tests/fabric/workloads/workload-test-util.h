#ifndef OFAB_TESTS_WORKLOAD_TEST_UTIL_H
#define OFAB_TESTS_WORKLOAD_TEST_UTIL_H

// Small fabrics for the workload tests: a switched pod (UalinkHelper::BuildSwitchedPod) and a ring
// of directly connected accelerators, both with x4 ports (800 Gb/s per direction).

#include "ofab/fabric/workloads/workload.h"

#include "ofab/protocols/helper/ualink-helper.h"

#include "ofab/foundation/time-resolution.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace ofab
{
namespace test
{

struct TestFabric
{
    std::vector<ns3::Ptr<AcceleratorEndpoint>> endpoints;
    std::vector<UalinkHelper::Link> links;
    std::vector<ns3::Ptr<UalinkSwitch>> switches;
};

using Customize = std::function<void(UalinkHelper&)>;

/// `n` accelerators on `planes` switches, x4 ports, default attributes unless `customize` sets some.
inline TestFabric
MakePod(uint32_t n, uint32_t planes = 1, const Customize& customize = nullptr)
{
    EnsurePicosecondResolution();
    UalinkHelper h;
    h.SetLanes(4);
    h.SetDestinationCount(n);
    if (customize)
    {
        customize(h);
    }
    auto pod = h.BuildSwitchedPod(n, planes);
    return TestFabric{pod.endpoints, pod.links, pod.switches};
}

/// `n` accelerators in a ring, i linked directly to i+1 mod n; routes only to the two neighbours
/// (the ring collectives talk to neighbours only).
inline TestFabric
MakeRing(uint32_t n, const Customize& customize = nullptr)
{
    EnsurePicosecondResolution();
    UalinkHelper h;
    h.SetLanes(4);
    h.SetDestinationCount(n);
    if (customize)
    {
        customize(h);
    }
    TestFabric f;
    for (uint32_t i = 0; i < n; ++i)
    {
        f.endpoints.push_back(h.CreateEndpoint(static_cast<uint16_t>(i)));
    }
    for (uint32_t i = 0; i < n; ++i)
    {
        const uint32_t j = (i + 1) % n;
        UalinkHelper::Link l = h.Connect(f.endpoints[i], f.endpoints[j]);
        f.endpoints[i]->SetRoute(static_cast<uint16_t>(j), {ForwardingChoice{l.portA->GetIndex(), false}});
        f.endpoints[j]->SetRoute(static_cast<uint16_t>(i), {ForwardingChoice{l.portB->GetIndex(), false}});
        f.links.push_back(l);
    }
    return f;
}

/// `rows` x `columns` accelerators on a 2-D torus (rows, columns >= 3), id = row x columns + column,
/// each linked to the next in its row and in its column (wrapping); routes only to the four
/// neighbours (the 2-D all-reduce talks to neighbours only).
inline TestFabric
MakeTorus2D(uint32_t rows, uint32_t columns)
{
    EnsurePicosecondResolution();
    const uint32_t n = rows * columns;
    UalinkHelper h;
    h.SetLanes(4);
    h.SetDestinationCount(n);
    TestFabric f;
    for (uint32_t i = 0; i < n; ++i)
    {
        f.endpoints.push_back(h.CreateEndpoint(static_cast<uint16_t>(i)));
    }
    auto join = [&f, &h](uint32_t i, uint32_t j) {
        UalinkHelper::Link l = h.Connect(f.endpoints[i], f.endpoints[j]);
        f.endpoints[i]->SetRoute(static_cast<uint16_t>(j), {ForwardingChoice{l.portA->GetIndex(), false}});
        f.endpoints[j]->SetRoute(static_cast<uint16_t>(i), {ForwardingChoice{l.portB->GetIndex(), false}});
        f.links.push_back(l);
    };
    for (uint32_t i = 0; i < n; ++i)
    {
        const uint32_t row = i / columns;
        const uint32_t col = i % columns;
        join(i, row * columns + (col + 1) % columns);
        join(i, ((row + 1) % rows) * columns + col);
    }
    return f;
}

} // namespace test
} // namespace ofab

#endif
