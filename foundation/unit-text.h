#ifndef OFAB_FOUNDATION_UNIT_TEXT_H
#define OFAB_FOUNDATION_UNIT_TEXT_H

#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ofab
{

/**
 * Times and sizes as people write them, in experiment files, on the command line and over the
 * control connection: one parser and one format for every module, so "150ns" means the same
 * everywhere and a value written back reads back the same.
 */

/// "150ns", "2.5 us", "10ms" -> Time, rounded to whole picoseconds; false for anything else (a unit
/// is required).
bool ParseTimeText(const std::string& text, ns3::Time& out);

/// A time as ofab writes it back, in the largest unit that holds it exactly: "150ns", "6.4ns", "20us", "10ms".
std::string FormatTime(ns3::Time t);

/// A time in nanoseconds, as summaries, tables and the control protocol give times.
inline double
Ns(ns3::Time t)
{
    return t.ToDouble(ns3::Time::NS);
}

/// "4096", "64KiB", "1 MiB" -> bytes; false for anything else.
bool ParseSizeText(const std::string& text, uint64_t& out);

} // namespace ofab

#endif
