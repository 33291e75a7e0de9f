#include <doctest/doctest.h>

#include "lighting/scene.hpp"

using namespace auralis::lighting;
using nlohmann::json;

namespace {

Patch onePar() {
  Patch p;
  p.fixtures.push_back({"par", builtinProfiles()[3], 1, 1, "all"});  // dimmer R G B W strobe
  return p;
}

Scene levelScene(float attackMs, float releaseMs) {
  auto s = parseScene(json{{"rules",
                            {{{"attribute", "dimmer"},
                              {"source", "level"},
                              {"attackMs", attackMs},
                              {"releaseMs", releaseMs}}}}});
  REQUIRE(s);
  return s.value();
}

}  // namespace

TEST_CASE("scene rules are validated with the field at fault") {
  auto bad = parseScene(json{{"rules", {{{"attribute", "dimmer"}, {"source", "moon"}}}}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "rules[0].source");
  auto range =
      parseScene(json{{"rules", {{{"attribute", "dimmer"}, {"source", "level"}, {"max", 2}}}}});
  REQUIRE_FALSE(range);
  CHECK(range.error().field == "rules[0].max");
  auto label =
      parseScene(json{{"rules", json::array()}, {"labels", {{"singing", {{"dimmer", 0.5}}}}}});
  CHECK_FALSE(label);
}

TEST_CASE("the dimmer follows the level, rising with attack and falling with release") {
  SceneRenderer r(onePar(), levelScene(0.0F, 200.0F));
  DmxFrame frame;
  LightingFeatures f;
  f.level = 1.0F;
  r.render(f, 0.025, frame);
  CHECK(frame.universes == 1);
  CHECK(frame.data[0][0] == 255);  // attack 0: immediate
  f.level = 0.0F;
  r.render(f, 0.025, frame);
  const int afterOne = frame.data[0][0];
  CHECK(afterOne < 255);
  CHECK(afterOne > 200);  // 25 ms of a 200 ms release: still bright
  for (int i = 0; i < 40; ++i) r.render(f, 0.025, frame);
  CHECK(frame.data[0][0] < 3);
}

TEST_CASE("speech from the classifier ducks the dimmer as the scene says") {
  auto scene = levelScene(0.0F, 0.0F);
  scene.labelDimmer[static_cast<std::size_t>(SoundLabel::Speech)] = 0.25F;
  SceneRenderer r(onePar(), scene);
  DmxFrame frame;
  LightingFeatures f;
  f.level = 1.0F;
  f.label = SoundLabel::Speech;
  f.labelConfidence = 0.9F;
  r.render(f, 0.025, frame);
  CHECK(frame.data[0][0] == doctest::Approx(64).epsilon(0.02));
  f.labelConfidence = 0.3F;  // not sure: no duck
  r.render(f, 0.025, frame);
  CHECK(frame.data[0][0] == 255);
}

TEST_CASE("colour follows the chord root around the circle of fifths") {
  auto scene = parseScene(json{{"rules",
                                {{{"attribute", "dimmer"}, {"source", "constant"}, {"offset", 1.0}},
                                 {{"attribute", "color"}, {"source", "chord"}}}}});
  REQUIRE(scene);
  SceneRenderer r(onePar(), scene.value());
  DmxFrame c, g, fsharp;
  LightingFeatures f;
  f.chordRoot = 0;
  r.render(f, 0.025, c);
  f.chordRoot = 7;
  r.render(f, 0.025, g);
  f.chordRoot = 6;
  r.render(f, 0.025, fsharp);
  auto rgb = [](const DmxFrame& d) {
    return std::array<int, 3>{d.data[0][1], d.data[0][2], d.data[0][3]};
  };
  CHECK(rgb(c) != rgb(g));
  // C and its fifth G are neighbours; C and F# are opposite: the colour distance says so.
  auto dist = [](std::array<int, 3> a, std::array<int, 3> b) {
    return std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
  };
  CHECK(dist(rgb(c), rgb(g)) < dist(rgb(c), rgb(fsharp)));
}

TEST_CASE("a beat fires once per new beat index and an onset flicks the strobe") {
  SceneRenderer r(onePar(), defaultScene());
  DmxFrame frame;
  LightingFeatures f;
  f.beatIndex = 0;
  f.beatPhase = 0.0;
  r.render(f, 0.025, frame);
  const int whiteOnBeat = frame.data[0][4];
  r.render(f, 0.025, frame);  // same beat: releasing
  CHECK(frame.data[0][4] < whiteOnBeat);
  f.onset = true;
  r.render(f, 0.025, frame);
  CHECK(frame.data[0][5] > 100);
  f.onset = false;
  for (int i = 0; i < 20; ++i) r.render(f, 0.025, frame);
  CHECK(frame.data[0][5] < 5);
}

TEST_CASE("moving heads get 16-bit pan and tilt split into coarse and fine channels") {
  Patch p;
  p.fixtures.push_back({"head", builtinProfiles()[4], 1, 10, "all"});
  auto scene = parseScene(
      json{{"rules", {{{"attribute", "pan"}, {"source", "constant"}, {"offset", 0.5}}}}});
  REQUIRE(scene);
  SceneRenderer r(p, scene.value());
  DmxFrame frame;
  r.render({}, 0.025, frame);
  const int pan = frame.data[0][9] * 256 + frame.data[0][10];
  CHECK(pan == doctest::Approx(32768).epsilon(0.001));
}

TEST_CASE("wrong types in a scene are errors, never exceptions") {
  for (const auto& j :
       {json::parse(R"({"name":3,"rules":[]})"), json::parse(R"({"rules":[{"attribute":1}]})"),
        json::parse(R"({"rules":[{"attribute":"dimmer","source":"level","group":[]}]})"),
        json::parse(R"({"rules":[{"attribute":"dimmer","source":"level","gain":"x"}]})"),
        json::parse(R"({"rules":[],"labels":{"speech":3}})"), json::parse("null")}) {
    CHECK_NOTHROW(CHECK_FALSE(parseScene(j)));
  }
}
