#include "ofab/foundation/unit-text.h"

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <regex>
#include <sstream>

namespace ofab
{

bool
ParseTimeText(const std::string& text, ns3::Time& out)
{
    static const std::regex time("\\s*([+-]?[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?)\\s*(fs|ps|ns|us|ms|s|min|h|d)\\s*");
    std::smatch m;
    if (!std::regex_match(text, m, time))
    {
        return false;
    }
    // Parsed here rather than by ns-3, which aborts on a malformed time string.
    static const std::map<std::string, double> seconds{{"fs", 1e-15}, {"ps", 1e-12}, {"ns", 1e-9},
                                                       {"us", 1e-6},  {"ms", 1e-3},  {"s", 1.0},
                                                       {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
    const double value = std::strtod(m[1].str().c_str(), nullptr) * seconds.at(m[3].str());
    if (!std::isfinite(value) || std::fabs(value) > 9e6) // ~100 days in ps fits int64 comfortably
    {
        return false;
    }
    // Whole picoseconds, rounded: ofab runs at picosecond resolution, and 1e-7 s * 1e12 is not exact.
    out = ns3::PicoSeconds(static_cast<int64_t>(std::llround(value * 1e12)));
    return true;
}

std::string
FormatTime(ns3::Time t)
{
    std::ostringstream os;
    os << std::setprecision(12) << t.ToDouble(ns3::Time::NS) << "ns";
    return os.str();
}

bool
ParseSizeText(const std::string& text, uint64_t& out)
{
    static const std::regex size("\\s*\\+?([0-9]{1,15})\\s*(KiB|MiB|GiB)?\\s*");
    std::smatch m;
    if (!std::regex_match(text, m, size))
    {
        return false;
    }
    const uint64_t unit = m[2] == "KiB"   ? 1024ULL
                          : m[2] == "MiB" ? 1024ULL * 1024
                          : m[2] == "GiB" ? 1024ULL * 1024 * 1024
                                          : 1;
    out = std::stoull(m[1].str()) * unit;
    return true;
}

} // namespace ofab
