// The wide_area section: WideAreaNetwork's attributes as YAML keys with units, read by the project's
// attribute binder; bad keys and values refused at file:line:key.

#include "ofab/fabric/config/config-document.h"
#include "ofab/fabric/regional/wan-config.h"
#include "ofab/fabric/regional/wide-area-network.h"
#include "ofab/foundation/unit-text.h"

#include "ns3/nstime.h"
#include "ns3/uinteger.h"

#include <catch2/catch.hpp>

#include <string>

using namespace ofab;

namespace
{

/// Line numbers matter: each error test names the line it broke.
const char* const kSection = "wide_area:\n"                      // 1
                             "  gateway_buffer_bytes: 32MiB\n"   // 2
                             "  packet_reroute_time: 20ms\n"     // 3
                             "  protection_switch_time: 35ms\n"  // 4
                             "  mtu_bytes: 9000\n"               // 5
                             "  tcp_min_rto: 10ms\n"             // 6
                             "  tcp_delayed_ack_timeout: 2ms\n"; // 7

std::string
Replace(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string
ErrorOf(const std::string& text)
{
    try
    {
        const auto doc = ConfigDocument::Parse(text, "wan.yaml");
        LoadWideArea(doc, doc.Root()["wide_area"]);
    }
    catch (const ConfigError& e)
    {
        return e.what();
    }
    return "no error";
}

template <class V>
V
Get(const ns3::Ptr<WideAreaNetwork>& wan, const std::string& attribute)
{
    V v;
    wan->GetAttribute(attribute, v);
    return v;
}

} // namespace

TEST_CASE("A wide_area section sets the network's attributes, with units", "[regional][wan]")
{
    const auto doc = ConfigDocument::Parse(kSection, "wan.yaml");
    const ns3::ObjectFactory f = LoadWideArea(doc, doc.Root()["wide_area"]);
    const auto wan = f.Create<WideAreaNetwork>();
    CHECK(Get<ns3::UintegerValue>(wan, "GatewayBufferBytes").Get() == 32u << 20);
    CHECK(Get<ns3::TimeValue>(wan, "PacketRerouteTime").Get() == ns3::MilliSeconds(20));
    CHECK(Get<ns3::TimeValue>(wan, "ProtectionSwitchTime").Get() == ns3::MilliSeconds(35));
    CHECK(Get<ns3::UintegerValue>(wan, "MtuBytes").Get() == 9000);
    CHECK(Get<ns3::TimeValue>(wan, "RestorationTime").Get() == ns3::MilliSeconds(500)); // a default

    // The resolved section writes every key; read back, it gives the same attributes.
    const YAML::Node resolved = ResolvedWideArea(f);
    CHECK(resolved["packet_reroute_time"].as<std::string>() == FormatTime(ns3::MilliSeconds(20)));
    CHECK(resolved["gateway_buffer_bytes"].as<std::string>() == std::to_string(32u << 20));
    CHECK(resolved["throughput_bin"].as<std::string>() == FormatTime(ns3::MilliSeconds(1)));
    YAML::Node top;
    top["wide_area"] = resolved;
    const auto again = ConfigDocument::Parse(YAML::Dump(top), "resolved.yaml");
    const auto wan2 = LoadWideArea(again, again.Root()["wide_area"]).Create<WideAreaNetwork>();
    CHECK(Get<ns3::TimeValue>(wan2, "PacketRerouteTime").Get() == ns3::MilliSeconds(20));
    CHECK(Get<ns3::UintegerValue>(wan2, "GatewayBufferBytes").Get() == 32u << 20);
    CHECK(YAML::Dump(ResolvedWideArea(LoadWideArea(again, again.Root()["wide_area"]))) == YAML::Dump(resolved));
    // Every key documented for `ofab keys wide_area`.
    CHECK(WideAreaKeys().name == "wide_area");
    CHECK(WideAreaKeys().keys.size() == resolved.size());
}

TEST_CASE("An absent wide_area section gives the defaults", "[regional][wan]")
{
    const auto doc = ConfigDocument::Parse("other: 1\n", "wan.yaml");
    const auto wan = LoadWideArea(doc, Child(doc.Root(), "wide_area")).Create<WideAreaNetwork>();
    CHECK(Get<ns3::TimeValue>(wan, "PacketRerouteTime").Get() == ns3::MilliSeconds(50));
    CHECK(Get<ns3::UintegerValue>(wan, "GatewayBufferBytes").Get() == 16u << 20);
}

TEST_CASE("Bad wide_area keys and values are refused at file:line:key", "[regional][wan]")
{
    SECTION("an unknown key names the valid ones")
    {
        const std::string e = ErrorOf(Replace(kSection, "packet_reroute_time", "packet_reroute_tme"));
        INFO(e);
        CHECK(e.find("wan.yaml:3:") == 0);
        CHECK(e.find("'wide_area.packet_reroute_tme'") != std::string::npos);
        CHECK(e.find("did you mean 'packet_reroute_time'") != std::string::npos);
        CHECK(e.find("restoration_time") != std::string::npos); // the list of valid keys
    }
    SECTION("a time without a unit")
    {
        const std::string e = ErrorOf(Replace(kSection, "20ms", "20"));
        INFO(e);
        CHECK(e.find("wan.yaml:3:") == 0);
        CHECK(e.find("'wide_area.packet_reroute_time'") != std::string::npos);
        CHECK(e.find("a time with a unit") != std::string::npos);
    }
    SECTION("a negative size")
    {
        const std::string e = ErrorOf(Replace(kSection, "32MiB", "-32MiB"));
        INFO(e);
        CHECK(e.find("wan.yaml:2:") == 0);
        CHECK(e.find("'wide_area.gateway_buffer_bytes'") != std::string::npos);
        CHECK(e.find("got '-32MiB'") != std::string::npos);
    }
    SECTION("a size where a time belongs, and an MTU out of range")
    {
        CHECK(ErrorOf(Replace(kSection, "35ms", "4KiB")).find("wan.yaml:4:") == 0);
        const std::string e = ErrorOf(Replace(kSection, "9000", "70000"));
        INFO(e);
        CHECK(e.find("wan.yaml:5:") == 0);
        CHECK(e.find("out of range") != std::string::npos);
    }
    SECTION("attributes that contradict each other: at the key that set the offending one")
    {
        const std::string e = ErrorOf(Replace(kSection, "2ms", "10ms"));
        INFO(e);
        CHECK(e.find("wan.yaml:7:") == 0);
        CHECK(e.find("'wide_area.tcp_delayed_ack_timeout'") != std::string::npos);
        CHECK(e.find("must be under TcpMinRto") != std::string::npos);
    }
}
