#include <doctest/doctest.h>

#include "lighting/scene.hpp"

using namespace auralis::lighting;
using nlohmann::json;

TEST_CASE("sceneToJson reads back as the same scene, tidy numbers included") {
  const Scene original = defaultScene();
  const json written = sceneToJson(original);
  auto parsed = parseScene(written);
  REQUIRE(parsed);
  const Scene& back = parsed.value();
  CHECK(back.name == original.name);
  REQUIRE(back.rules.size() == original.rules.size());
  for (std::size_t i = 0; i < back.rules.size(); ++i) {
    CHECK(back.rules[i].attribute == original.rules[i].attribute);
    CHECK(back.rules[i].source == original.rules[i].source);
    CHECK(back.rules[i].gain == original.rules[i].gain);
    CHECK(back.rules[i].releaseMs == original.rules[i].releaseMs);
  }
  CHECK(back.labelDimmer == original.labelDimmer);
  // 1.4F is written as 1.4, as a person typed it.
  CHECK(written["rules"][0]["gain"].get<double>() == 1.4);
  CHECK(written["labels"]["speech"]["dimmer"].get<double>() == 0.3);
  CHECK(sceneToJson(back) == written);
}
