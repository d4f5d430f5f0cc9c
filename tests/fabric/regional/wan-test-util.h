#ifndef OFAB_TESTS_FABRIC_REGIONAL_WAN_TEST_UTIL_H
#define OFAB_TESTS_FABRIC_REGIONAL_WAN_TEST_UTIL_H

// Small meshes for the wide-area tests: short routes (tens of km, so round trips of ~0.1-0.5 ms and
// runs of a few ms of simulated time), 400ZR lightpaths at their real 400 Gb/s.

#include "ofab/fabric/regional/mesh-planner.h"
#include "ofab/fabric/regional/wide-area-network.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ofab::test
{

struct RouteDef
{
    std::string a;
    std::string b;
    double km = 0;
    uint32_t wavelengths = 0;
    std::string duct;
};

struct LightpathDef
{
    std::string a;
    std::string b;
    bool protection = false;
};

inline OpticalMeshSpec
MakeSpec(const std::vector<std::string>& nodes, const std::vector<RouteDef>& routes,
         const std::vector<LightpathDef>& lightpaths)
{
    OpticalMeshSpec spec;
    for (const std::string& n : nodes)
    {
        spec.mesh.AddNode(n);
    }
    for (const RouteDef& r : routes)
    {
        spec.mesh.AddRoute(*spec.mesh.FindNode(r.a), *spec.mesh.FindNode(r.b), r.km, r.wavelengths, r.duct);
    }
    spec.transceiver = TransceiverSpec::Preset("400zr");
    for (const LightpathDef& l : lightpaths)
    {
        LightpathDemand d;
        d.request.a = *spec.mesh.FindNode(l.a);
        d.request.b = *spec.mesh.FindNode(l.b);
        d.request.protection = l.protection;
        d.request.label = l.a + "-" + l.b;
        spec.lightpaths.push_back(d);
    }
    return spec;
}

/// A triangle of sites A, B, C (ids 0, 1, 2), one duct per route, 2 wavelengths each (one spare).
inline OpticalMeshSpec
Triangle(double kmAB, double kmAC, double kmCB, bool protectAB = false, uint32_t wavelengths = 2)
{
    return MakeSpec(
        {"A", "B", "C"},
        {{"A", "B", kmAB, wavelengths, "ab"}, {"A", "C", kmAC, wavelengths, "ac"}, {"C", "B", kmCB, wavelengths, "cb"}},
        {{"A", "B", protectAB}, {"A", "C"}, {"C", "B"}});
}

/// Sum of a per-bin throughput series over bins [from, to), as Gb/s averaged over them.
inline double
MeanGbps(const std::vector<double>& bins, std::size_t from, std::size_t to)
{
    double sum = 0;
    for (std::size_t i = from; i < to && i < bins.size(); ++i)
    {
        sum += bins[i];
    }
    return sum / static_cast<double>(to - from);
}

} // namespace ofab::test

#endif
