#include "protocol-test-util.h"

#include "ns3/double.h"

#include <cmath>
#include <stdexcept>

namespace ofab
{
namespace test
{

double
FrameErrorProbability(const PhotonicLinkHelper& h)
{
    auto link = h.CreateLink(h.CreateLaserSource());
    return link->GetFrameErrorProbability(ualink::kDlFlitBytes);
}

double
TuneFrameErrorProbability(PhotonicLinkHelper& h, double target)
{
    h.SetLinkAttribute("PreFecBerThreshold", ns3::DoubleValue(0.05));
    double lo = 0.0;  // dB of extra connector loss: p(lo) < target
    double hi = 30.0; // p(hi) > target
    double p = 0;
    for (int i = 0; i < 100; ++i)
    {
        const double mid = 0.5 * (lo + hi);
        h.SetLinkAttribute("ConnectorLossDb", ns3::DoubleValue(mid));
        p = FrameErrorProbability(h);
        if (std::fabs(p - target) < 0.01 * target)
        {
            return p;
        }
        (p < target ? lo : hi) = mid;
    }
    throw std::runtime_error("could not tune the photonic link to the frame error probability asked");
}

} // namespace test
} // namespace ofab
