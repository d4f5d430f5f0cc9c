#ifndef OFAB_TESTS_PHOTONICS_TEST_UTIL_H
#define OFAB_TESTS_PHOTONICS_TEST_UTIL_H

// Small builders shared by the photonics tests. Closed forms the tests check against are written
// out in each test, never taken from the model.

#include "ofab/photonics/model/laser-source.h"
#include "ofab/photonics/model/photonic-link.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/object.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ofab::test
{

inline ns3::Ptr<LaserSource>
MakeSource(uint32_t lines = 8)
{
    auto s = ns3::CreateObject<LaserSource>();
    s->SetAttribute("LineCount", ns3::UintegerValue(lines));
    return s;
}

inline ns3::Ptr<PhotonicLink>
MakeLink(ns3::Ptr<LaserSource> source)
{
    auto l = ns3::CreateObject<PhotonicLink>();
    l->SetLaserSource(source);
    return l;
}

/// A one-line link whose receiver is thermal-noise limited: no RIN, no dark current, a noise
/// bandwidth so small that shot noise vanishes, no neighbours to leak crosstalk.
inline ns3::Ptr<PhotonicLink>
MakeThermalLimitedLink(ns3::Ptr<LaserSource>& source, bool fec, bool pam4)
{
    source = MakeSource(1);
    auto l = ns3::CreateObject<PhotonicLink>();
    l->SetAttribute("RinDbPerHz", ns3::DoubleValue(-300.0));
    l->SetAttribute("DarkCurrentNa", ns3::DoubleValue(0.0));
    l->SetAttribute("NoiseBandwidthRatio", ns3::DoubleValue(1e-12));
    l->SetAttribute("FecEnabled", ns3::BooleanValue(fec));
    l->SetAttribute("Modulation",
                    ns3::EnumValue(int(pam4 ? PhotonicLink::Modulation::Pam4 : PhotonicLink::Modulation::Nrz)));
    l->SetLaserSource(source);
    return l;
}

/// Q of an NRZ Gaussian eye for a BER, by bisection on std::erfc (independent of optics::QFromNrzBer).
inline double
QForBer(double ber)
{
    double lo = 0.0;
    double hi = 40.0;
    for (int i = 0; i < 200; ++i)
    {
        const double mid = 0.5 * (lo + hi);
        (0.5 * std::erfc(mid / std::sqrt(2.0)) > ber ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

inline double
Lorentzian(double detuningHz, double fwhmHz)
{
    return 1.0 / (1.0 + std::pow(2.0 * detuningHz / fwhmHz, 2));
}

} // namespace ofab::test

#endif
