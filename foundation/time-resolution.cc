#include "ofab/foundation/time-resolution.h"

#include "ns3/nstime.h"

namespace ofab
{

void
EnsurePicosecondResolution()
{
    if (ns3::Time::GetResolution() < ns3::Time::PS) // Unit counts up from years to femtoseconds
    {
        ns3::Time::SetResolution(ns3::Time::PS);
    }
}

} // namespace ofab
