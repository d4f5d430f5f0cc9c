// Times and sizes as text: what is accepted, to the picosecond and the byte, and what is refused,
// at once, however long or hostile the text.

#include "ofab/foundation/unit-text.h"

#include <catch2/catch.hpp>

#include <string>

using namespace ofab;

namespace
{

/// The parsed time in picoseconds, or -1 when refused.
int64_t
Ps(const std::string& text)
{
    ns3::Time t;
    return ParseTimeText(text, t) ? t.GetPicoSeconds() : -1;
}

int64_t
Bytes(const std::string& text)
{
    uint64_t b = 0;
    return ParseSizeText(text, b) ? static_cast<int64_t>(b) : -1;
}

} // namespace

TEST_CASE("times: a number and a unit, rounded to whole picoseconds", "[units]")
{
    CHECK(Ps("150ns") == 150'000);
    CHECK(Ps("2.5 us") == 2'500'000);
    CHECK(Ps(" 10ms ") == 10'000'000'000);
    CHECK(Ps(".5us") == 500'000);
    CHECK(Ps("1e-7s") == 100'000); // 1e-7 * 1e12 is not exact in binary: rounded, not truncated
    CHECK(Ps("1.5E3ps") == 1'500);
    CHECK(Ps("-3ns") == -3'000);
    CHECK(Ps("+3ns") == 3'000);
    CHECK(Ps("2min") == 120'000'000'000'000);
    CHECK(Ps("1d") == 86'400'000'000'000'000);
    CHECK(Ps("0.4ps") == 0);
    CHECK(Ps("400fs") == 0);
    CHECK(Ps("600fs") == 1);
    CHECK(Ps("0") == 0); // zero needs no unit (`stall_timeout: 0`, off)
    CHECK(Ps("0.0") == 0);
}

TEST_CASE("times: no unit (but for zero), a wrong unit, a malformed number or too large a value is refused", "[units]")
{
    for (const char* bad :
         {"150",    "0.5", "ns",    "",      " ",       "5.ns",  "5..5ns", "5 n s",  "5nsX",       "5 mins",
          "0x10ns", "1e5", "2e ns", "+-5ns", "5ns 5ns", "inf s", "nan s",  "1e400s", "100000000s", "5ns\x01"})
    {
        INFO("'" << bad << "'");
        CHECK(Ps(bad) == -1);
    }
}

TEST_CASE("times and sizes: long text is refused without being read, in one pass", "[units]")
{
    // A 40 KB value once overflowed the stack of the regular-expression parser, and 20,000 digits
    // with a wrong unit took it tens of seconds: the scanner refuses both at once.
    CHECK(Ps(std::string(40'000, '1') + "ns") == -1);
    CHECK(Ps(std::string(20'000, '1') + "xs") == -1);
    CHECK(Bytes(std::string(40'000, '1')) == -1);
    CHECK(Ps(std::string(61, ' ') + "5ns") == 5'000); // 64 characters: the most that is read
    CHECK(Ps(std::string(62, ' ') + "5ns") == -1);
}

TEST_CASE("sizes: whole bytes with an optional binary unit", "[units]")
{
    CHECK(Bytes("4096") == 4096);
    CHECK(Bytes("64KiB") == 64 * 1024);
    CHECK(Bytes(" 1 MiB ") == 1024 * 1024);
    CHECK(Bytes("+2GiB") == 2LL * 1024 * 1024 * 1024);
    CHECK(Bytes("999999999999999") == 999'999'999'999'999);
    for (const char* bad : {"", "KiB", "-1", "1.5KiB", "1 KB", "1kib", "1 KiB B", "1234567890123456", "0x10", "1e3"})
    {
        INFO("'" << bad << "'");
        CHECK(Bytes(bad) == -1);
    }
}

TEST_CASE("a time written back reads back the same, negative ones too", "[units]")
{
    CHECK(FormatTime(ns3::NanoSeconds(150)) == "150ns");
    CHECK(FormatTime(ns3::PicoSeconds(6400)) == "6.4ns");
    CHECK(FormatTime(ns3::MicroSeconds(20)) == "20us");
    CHECK(FormatTime(ns3::MilliSeconds(300)) == "300ms");
    CHECK(FormatTime(ns3::NanoSeconds(2500)) == "2500ns"); // not exact in us: the next unit down
    CHECK(FormatTime(ns3::NanoSeconds(-5)) == "-5ns");
    for (const int64_t ps : {int64_t{1}, int64_t{-123456}, int64_t{987654321}})
    {
        CHECK(Ps(FormatTime(ns3::PicoSeconds(ps))) == ps);
    }
}
