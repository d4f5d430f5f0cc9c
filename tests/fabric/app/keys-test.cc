// `ofab keys`: docs/keys.md is what `ofab keys --markdown` prints, every section has keys, and an
// unknown section is refused with the names.

#include "ofab/fabric/app/keys-command.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace ofab;

TEST_CASE("docs/keys.md is what ofab keys --markdown prints", "[cli][keys]")
{
    std::ostringstream printed;
    REQUIRE(RunKeys("", true, printed) == 0);
    std::ifstream file("docs/keys.md");
    REQUIRE(file.good());
    std::ostringstream committed;
    committed << file.rdbuf();
    // On a difference: build/bin/ofab keys --markdown > docs/keys.md
    CHECK(committed.str() == printed.str());
}

TEST_CASE("every section of ofab keys lists keys, and an unknown one is refused", "[cli][keys]")
{
    std::set<std::string> names;
    for (const SectionDoc& s : AllKeySections())
    {
        INFO(s.name);
        CHECK(!s.keys.empty());
        CHECK(names.insert(s.name).second);
    }
    for (const char* required : {"experiment", "topology", "faults", "faults.events", "outputs", "port", "controller"})
    {
        CHECK(names.count(required) == 1);
    }
    std::ostringstream out;
    CHECK(RunKeys("topology", false, out) == 0);
    CHECK_THAT(out.str(), Catch::Contains("switch_radix: the larger of accelerators and 64"));
    std::ostringstream none;
    CHECK(RunKeys("no-such-section", false, none) == 2);
}
