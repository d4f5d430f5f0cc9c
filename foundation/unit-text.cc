#include "ofab/foundation/unit-text.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

namespace ofab
{

namespace
{

/// Longer text is refused before it is looked at: no time or size needs more, and a parser that
/// only ever sees short text cannot be made to spin on a hostile value.
constexpr std::size_t kMaxUnitText = 64;

bool
IsSpace(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool
IsDigit(char c)
{
    return c >= '0' && c <= '9';
}

/// Skips digits from `i`; returns how many.
std::size_t
Digits(const std::string& s, std::size_t& i)
{
    const std::size_t from = i;
    while (i < s.size() && IsDigit(s[i]))
    {
        ++i;
    }
    return i - from;
}

/// A decimal number at `i`: [+-]? (digits | digits? '.' digits) ([eE] [+-]? digits)?. Moves `i`
/// past it; false (and `i` anywhere) when there is none.
bool
ScanNumber(const std::string& s, std::size_t& i)
{
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    {
        ++i;
    }
    const std::size_t whole = Digits(s, i);
    if (i < s.size() && s[i] == '.')
    {
        ++i;
        if (Digits(s, i) == 0)
        {
            return false;
        }
    }
    else if (whole == 0)
    {
        return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E'))
    {
        std::size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-'))
        {
            ++j;
        }
        if (Digits(s, j) == 0)
        {
            return false;
        }
        i = j;
    }
    return true;
}

void
SkipSpace(const std::string& s, std::size_t& i)
{
    while (i < s.size() && IsSpace(s[i]))
    {
        ++i;
    }
}

} // namespace

bool
ParseTimeText(const std::string& text, ns3::Time& out)
{
    // Parsed here rather than by ns-3, which aborts on a malformed time string; one linear scan.
    if (text.size() > kMaxUnitText)
    {
        return false;
    }
    std::size_t i = 0;
    SkipSpace(text, i);
    const std::size_t numberStart = i;
    if (!ScanNumber(text, i))
    {
        return false;
    }
    const std::string number = text.substr(numberStart, i - numberStart);
    SkipSpace(text, i);
    std::size_t unitEnd = i;
    while (unitEnd < text.size() && std::isalpha(static_cast<unsigned char>(text[unitEnd])))
    {
        ++unitEnd;
    }
    const std::string unit = text.substr(i, unitEnd - i);
    i = unitEnd;
    SkipSpace(text, i);
    static const std::map<std::string, double> seconds{{"fs", 1e-15}, {"ps", 1e-12}, {"ns", 1e-9},
                                                       {"us", 1e-6},  {"ms", 1e-3},  {"s", 1.0},
                                                       {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
    const double magnitude = std::strtod(number.c_str(), nullptr);
    // Zero is zero in every unit: `stall_timeout: 0` (off) needs none.
    const auto scale = unit.empty() && magnitude == 0.0 ? seconds.find("s") : seconds.find(unit);
    if (i != text.size() || scale == seconds.end())
    {
        return false;
    }
    const double value = magnitude * scale->second;
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
    if (t.IsStrictlyNegative())
    {
        // ns-3's conversion shifts the negative value itself (undefined behaviour): format its magnitude.
        const int64_t ticks = t.GetTimeStep();
        return "-" + FormatTime(ns3::TimeStep(ticks == std::numeric_limits<int64_t>::min() ? -(ticks + 1) : -ticks));
    }
    // The largest unit that holds it exactly ("10ms", "150ns", "2500ns"): what a reader would write,
    // and ParseTimeText reads it back to the same tick.
    const int64_t ticks = t.GetTimeStep();
    if (ticks != 0)
    {
        static const std::pair<const char*, ns3::Time> units[] = {{"s", ns3::Seconds(1)},
                                                                  {"ms", ns3::MilliSeconds(1)},
                                                                  {"us", ns3::MicroSeconds(1)},
                                                                  {"ns", ns3::NanoSeconds(1)}};
        for (const auto& [name, unit] : units)
        {
            const int64_t per = unit.GetTimeStep();
            if (per > 0 && ticks % per == 0)
            {
                return std::to_string(ticks / per) + name;
            }
        }
    }
    std::ostringstream os;
    os << std::setprecision(12) << t.ToDouble(ns3::Time::NS) << "ns";
    return os.str();
}

bool
ParseSizeText(const std::string& text, uint64_t& out)
{
    if (text.size() > kMaxUnitText)
    {
        return false;
    }
    std::size_t i = 0;
    SkipSpace(text, i);
    if (i < text.size() && text[i] == '+')
    {
        ++i;
    }
    const std::size_t digitsStart = i;
    const std::size_t digits = Digits(text, i);
    if (digits == 0 || digits > 15) // up to 10^15 - 1: times a GiB still fits 64 bits
    {
        return false;
    }
    const uint64_t count = std::stoull(text.substr(digitsStart, digits));
    SkipSpace(text, i);
    uint64_t unit = 1;
    for (const auto& [name, bytes] :
         {std::pair<const char*, uint64_t>{"KiB", 1024ULL}, {"MiB", 1024ULL * 1024}, {"GiB", 1024ULL * 1024 * 1024}})
    {
        if (text.compare(i, 3, name) == 0)
        {
            unit = bytes;
            i += 3;
            break;
        }
    }
    SkipSpace(text, i);
    if (i != text.size())
    {
        return false;
    }
    out = count * unit;
    return true;
}

} // namespace ofab
