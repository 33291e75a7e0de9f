#include <doctest/doctest.h>

#include "lighting/patch.hpp"

using namespace auralis::lighting;
using nlohmann::json;

TEST_CASE("a fixture profile lists its channel roles, unknown roles are refused by name") {
  auto p =
      parseFixtureProfile(json{{"name", "par"}, {"channels", {"dimmer", "red", "green", "blue"}}});
  REQUIRE(p);
  CHECK(p.value().footprint() == 4);
  CHECK(p.value().has(ChannelRole::Red));
  CHECK_FALSE(p.value().has(ChannelRole::Strobe));

  auto bad = parseFixtureProfile(json{{"name", "x"}, {"channels", {"dimmer", "purple"}}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "channels[1]");
  CHECK(bad.error().message.find("pan_fine") != std::string::npos);  // says what is accepted
  CHECK_FALSE(parseFixtureProfile(json{{"channels", {"dimmer"}}}));
  CHECK_FALSE(parseFixtureProfile(json{{"name", "x"}, {"channels", json::array()}}));
  CHECK_FALSE(parseFixtureProfile(json{{"name", "x"}, {"channels", {"dimmer"}}, {"extra", 1}}));
}

TEST_CASE("a patch places fixtures and refuses overlaps, overruns and unknown profiles") {
  json j = {{"profiles", {{{"name", "mini"}, {"channels", {"red", "green"}}}}},
            {"fixtures",
             {{{"name", "a"}, {"profile", "rgbw"}, {"universe", 1}, {"address", 1}},
              {{"name", "b"},
               {"profile", "mini"},
               {"universe", 2},
               {"address", 511},
               {"group", "back"}}}}};
  auto patch = parsePatch(j);
  REQUIRE(patch);
  CHECK(patch.value().universeCount() == 2);
  CHECK(patch.value().fixtures[1].group == "back");

  json overlap = {{"fixtures",
                   {{{"name", "a"}, {"profile", "rgbw"}, {"universe", 1}, {"address", 1}},
                    {{"name", "b"}, {"profile", "rgb"}, {"universe", 1}, {"address", 4}}}}};
  auto o = parsePatch(overlap);
  REQUIRE_FALSE(o);
  CHECK(o.error().message.find("overlaps a") != std::string::npos);

  json overrun = {{"fixtures", {{{"profile", "rgbw"}, {"universe", 1}, {"address", 510}}}}};
  CHECK_FALSE(parsePatch(overrun));
  json unknown = {{"fixtures", {{{"profile", "laser"}, {"universe", 1}, {"address", 1}}}}};
  CHECK_FALSE(parsePatch(unknown));
  json badUniverse = {{"fixtures", {{{"profile", "rgb"}, {"universe", 0}, {"address", 1}}}}};
  auto u = parsePatch(badUniverse);
  REQUIRE_FALSE(u);
  CHECK(u.error().field == "fixtures[0].universe");
}

TEST_CASE("the default patch fills each universe without overlap") {
  const auto patch = defaultPatch(16);
  CHECK(patch.universeCount() == 16);
  CHECK(patch.fixtures.size() == 16 * 85);
  const auto& last = patch.fixtures.back();
  CHECK(last.address + last.profile.footprint() - 1 <= kDmxSlots);
}

TEST_CASE("wrong types anywhere in a patch or scene are errors, never exceptions") {
  for (const auto& j :
       {json::parse(R"({"fixtures":[{"profile":"rgb","universe":1,"address":1,"name":5}]})"),
        json::parse(R"({"fixtures":[{"profile":"rgb","universe":1.5,"address":1}]})"),
        json::parse(R"({"fixtures":"all"})"), json::parse(R"([1,2])"),
        json::parse(R"({"profiles":{},"fixtures":[]})")}) {
    CHECK_NOTHROW(CHECK_FALSE(parsePatch(j)));
  }
}
