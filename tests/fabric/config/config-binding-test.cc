// The generic YAML -> ns-3 attribute mapping, checked on a small model object with one attribute of
// every supported kind, so these tests do not depend on any real model's defaults.

#include "ofab/fabric/config/attribute-binder.h"
#include "ofab/fabric/config/config-document.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/integer.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

namespace
{

class ProbeModel : public ns3::Object
{
  public:
    static ns3::TypeId GetTypeId()
    {
        static ns3::TypeId tid =
            ns3::TypeId("ofab::test::ProbeModel")
                .SetParent<ns3::Object>()
                .AddConstructor<ProbeModel>()
                .AddAttribute("FibreLengthM", "Fibre length (m)", ns3::DoubleValue(2.0),
                              ns3::MakeDoubleAccessor(&ProbeModel::m_length), ns3::MakeDoubleChecker<double>(0.0))
                .AddAttribute("LineCount", "Lines", ns3::UintegerValue(8),
                              ns3::MakeUintegerAccessor(&ProbeModel::m_lines),
                              ns3::MakeUintegerChecker<uint32_t>(1, 64))
                .AddAttribute("FecLatency", "FEC latency", ns3::TimeValue(ns3::NanoSeconds(100)),
                              ns3::MakeTimeAccessor(&ProbeModel::m_fec), ns3::MakeTimeChecker())
                .AddAttribute("FecEnabled", "FEC on", ns3::BooleanValue(true),
                              ns3::MakeBooleanAccessor(&ProbeModel::m_fecOn), ns3::MakeBooleanChecker())
                .AddAttribute("Modulation", "Format", ns3::EnumValue(0),
                              ns3::MakeEnumAccessor(&ProbeModel::m_modulation),
                              ns3::MakeEnumChecker(0, "NRZ", 1, "PAM4"))
                .AddAttribute("Label", "A name", ns3::StringValue("probe"),
                              ns3::MakeStringAccessor(&ProbeModel::m_label), ns3::MakeStringChecker())
                .AddAttribute("OffsetPs", "An offset", ns3::IntegerValue(0),
                              ns3::MakeIntegerAccessor(&ProbeModel::m_offset), ns3::MakeIntegerChecker<int64_t>());
        return tid;
    }

    double m_length = 0;
    uint32_t m_lines = 0;
    ns3::Time m_fec;
    bool m_fecOn = false;
    int m_modulation = 0;
    std::string m_label;
    int64_t m_offset = 0;
};

NS_OBJECT_ENSURE_REGISTERED(ProbeModel);

ns3::Ptr<ProbeModel>
Bind(const std::string& yaml, const std::vector<std::string>& overrides = {})
{
    ofab::ConfigDocument doc = ofab::ConfigDocument::Parse(yaml, "probe.yaml");
    for (const auto& o : overrides)
    {
        doc.ApplyOverride(o);
    }
    ns3::ObjectFactory f("ofab::test::ProbeModel");
    ofab::BindAttributes(f, doc, doc.Root()["probe"], "probe");
    return f.Create<ProbeModel>();
}

std::string
ErrorOf(const std::string& yaml, const std::vector<std::string>& overrides = {})
{
    try
    {
        Bind(yaml, overrides);
    }
    catch (const ofab::ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("attribute names map to snake_case keys", "[config]")
{
    CHECK(ofab::AttributeKey("FibreLengthM") == "fibre_length_m");
    CHECK(ofab::AttributeKey("PreFecBerThreshold") == "pre_fec_ber_threshold");
    CHECK(ofab::AttributeKey("RinDbPerHz") == "rin_db_per_hz");
    CHECK(ofab::AttributeKey("CentreFrequencyThz") == "centre_frequency_thz");
    CHECK(ofab::AttributeKey("FWHMGhz") == "fwhm_ghz");
    CHECK(ofab::AttributeKey("Port2Latency") == "port2_latency");
}

TEST_CASE("every kind of attribute is set from YAML", "[config]")
{
    auto m = Bind("probe:\n  fibre_length_m: 12.5\n  line_count: 16\n  fec_latency: 120ns\n"
                  "  fec_enabled: false\n  modulation: PAM4\n");
    CHECK(m->m_length == 12.5);
    CHECK(m->m_lines == 16);
    CHECK(m->m_fec == ns3::NanoSeconds(120));
    CHECK_FALSE(m->m_fecOn);
    CHECK(m->m_modulation == 1);
}

TEST_CASE("defaults stay when a key is absent, and the resolved view lists every key", "[config]")
{
    auto m = Bind("probe:\n  line_count: 4\n");
    CHECK(m->m_length == 2.0);
    const YAML::Node r = ofab::ResolvedAttributes(*m);
    CHECK(r["line_count"].Scalar() == "4");
    CHECK(r["fibre_length_m"].Scalar() == "2");
    CHECK(r["fec_latency"].Scalar() == "100ns");
    CHECK(r["modulation"].Scalar() == "NRZ");
}

TEST_CASE("command-line overrides win and are named in errors", "[config]")
{
    auto m = Bind("probe:\n  fibre_length_m: 3\n", {"probe.fibre_length_m=40", "probe.modulation=PAM4"});
    CHECK(m->m_length == 40.0);
    CHECK(m->m_modulation == 1);
    const std::string e = ErrorOf("probe:\n  fibre_length_m: 3\n", {"probe.fibre_length_m=-1"});
    CHECK_THAT(e, Catch::Contains("--set probe.fibre_length_m=-1"));
    CHECK_THAT(e, Catch::Contains("out of range"));
    CHECK_THAT(ErrorOf("probe: {}\n", {"probe.fibre_length_m"}), Catch::Contains("expected path.to.key=value"));
}

TEST_CASE("unknown keys name file, line and the nearest valid key", "[config]")
{
    const std::string e = ErrorOf("probe:\n  line_count: 8\n  fibre_lenght_m: 3\n");
    CHECK_THAT(e, Catch::StartsWith("probe.yaml:3:3: key 'probe.fibre_lenght_m': unknown key"));
    CHECK_THAT(e, Catch::Contains("did you mean 'fibre_length_m'"));
    CHECK_THAT(e, Catch::Contains("line_count"));
}

TEST_CASE("wrong types and out-of-range values are errors, never aborts", "[config]")
{
    CHECK_THAT(ErrorOf("probe:\n  fibre_length_m: two\n"),
               Catch::StartsWith("probe.yaml:2:19: key 'probe.fibre_length_m': expected a number >= 0, got 'two'"));
    CHECK_THAT(ErrorOf("probe:\n  fibre_length_m: 3abc\n"), Catch::Contains("expected a number"));
    CHECK_THAT(ErrorOf("probe:\n  fibre_length_m: -3\n"), Catch::Contains("out of range: expected a number >= 0"));
    CHECK_THAT(ErrorOf("probe:\n  fibre_length_m: .nan\n"), Catch::Contains("expected a number"));
    CHECK_THAT(ErrorOf("probe:\n  line_count: 0\n"), Catch::Contains("from 1 to 64"));
    CHECK_THAT(ErrorOf("probe:\n  line_count: 2.5\n"), Catch::Contains("expected a whole number"));
    CHECK_THAT(ErrorOf("probe:\n  fec_latency: 100\n"), Catch::Contains("a time with a unit"));
    CHECK_THAT(ErrorOf("probe:\n  fec_latency: 100 parsecs\n"), Catch::Contains("a time with a unit"));
    CHECK_THAT(ErrorOf("probe:\n  fec_enabled: maybe\n"), Catch::Contains("true or false"));
    CHECK_THAT(ErrorOf("probe:\n  modulation: PAM8\n"), Catch::Contains("one of NRZ or PAM4"));
    CHECK_THAT(ErrorOf("probe:\n  line_count: [1, 2]\n"), Catch::Contains("got a list"));
    CHECK_THAT(ErrorOf("probe: 5\n"), Catch::Contains("expected a section of keys"));
}

TEST_CASE("a value is passed on only when ns-3 reads it whole: no abort on what strtod or a word reader takes",
          "[config]")
{
    // ns-3's readers (istream >> T) abort when they leave text unread.
    CHECK_THAT(ErrorOf("probe:\n  fibre_length_m: 0x10\n"), Catch::Contains("expected a number >= 0, got '0x10'"));
    CHECK_THAT(ErrorOf("probe:\n  label: all reduce\n"), Catch::Contains("expected text without spaces"));
    CHECK_THAT(ErrorOf("probe:\n  offset_ps: 0x10\n"), Catch::Contains("expected a whole number, got '0x10'"));
    CHECK_THAT(ErrorOf("probe:\n  offset_ps: 99999999999999999999\n"), Catch::Contains("expected a whole number"));
    auto m = Bind("probe:\n  label: all-reduce\n  offset_ps: -42\n  fibre_length_m: 1e2\n");
    CHECK(m->m_label == "all-reduce");
    CHECK(m->m_offset == -42);
    CHECK(m->m_length == 100.0);
    // Long values are refused at once, not parsed digit by digit (a 40 KB one used to crash).
    const std::string digits(40'000, '7');
    CHECK_THAT(ErrorOf("probe:\n  fec_latency: " + digits + "ns\n"), Catch::Contains("a time with a unit"));
    CHECK_THAT(ErrorOf("probe:\n  line_count: " + digits + "\n"), Catch::Contains("expected a whole number"));
    CHECK_THAT(ErrorOf("probe:\n  offset_ps: " + digits + "\n"), Catch::Contains("expected a whole number"));
}

TEST_CASE("YAML syntax errors carry the position", "[config]")
{
    try
    {
        ofab::ConfigDocument::Parse("probe:\n  a: [1, 2\n  b: 3\n", "broken.yaml");
        FAIL("no error");
    }
    catch (const ofab::ConfigError& e)
    {
        CHECK_THAT(e.what(), Catch::StartsWith("broken.yaml:"));
        CHECK_THAT(e.what(), Catch::Contains("YAML syntax error"));
        CHECK(e.Where().line >= 2);
    }
    CHECK_THROWS_WITH(ofab::ConfigDocument::Load("does/not/exist.yaml"),
                      Catch::Contains("does/not/exist.yaml: cannot open"));
}

TEST_CASE("nearest-name suggestions", "[config]")
{
    const std::vector<std::string> keys{"line_count", "spacing_ghz", "line_power_dbm"};
    CHECK(ofab::NearestName("spacing", keys) == "spacing_ghz");
    CHECK(ofab::NearestName("LinePowerDbm", keys) == "line_power_dbm");
    CHECK(ofab::NearestName("completely_else", keys).empty());
}
