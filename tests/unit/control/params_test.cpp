#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "control/params.hpp"

using auralis::control::parseControlParams;
using nlohmann::json;

namespace {
std::string codeOf(const json& params) {
  auto r = parseControlParams(params);
  return r.ok() ? std::string("ok") : r.error().code;
}
std::string fieldOf(const json& params) {
  auto r = parseControlParams(params);
  return r.ok() ? std::string() : r.error().field;
}
}  // namespace

TEST_CASE("valid params produce a patch with exactly the named fields") {
  auto r =
      parseControlParams(json::parse(R"({"key":"D minor","bpm":90,"intensity":0.4,"masterVolume":1,
                      "agents":{"bass":{"enabled":false,"level":0.25,"reverbSend":0,"delaySend":1}}})"));
  REQUIRE(r.ok());
  const auto& p = r.value();
  REQUIRE(p.key.has_value());
  CHECK(p.key->root == 2);
  CHECK(p.key->mode == auralis::music::Mode::NaturalMinor);
  CHECK(*p.bpm == doctest::Approx(90));
  CHECK(*p.intensity == doctest::Approx(0.4));
  CHECK(*p.masterVolume == doctest::Approx(1.0));
  const auto& bass = p.agents[static_cast<int>(auralis::control::Agent::Bass)];
  CHECK(*bass.enabled == false);
  CHECK(*bass.level == doctest::Approx(0.25));
  CHECK_FALSE(p.agents[0].level.has_value());
  CHECK_FALSE(p.mode.has_value());
}

TEST_CASE("range edges are accepted and just outside are refused with the range named") {
  CHECK(codeOf(json{{"bpm", 40}}) == "ok");
  CHECK(codeOf(json{{"bpm", 200}}) == "ok");
  CHECK(codeOf(json{{"bpm", 39.999}}) == "invalid_param");
  auto r = parseControlParams(json{{"bpm", 200.5}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "bpm");
  CHECK(r.error().message.find("[40, 200]") != std::string::npos);
  CHECK(codeOf(json{{"intensity", 0}}) == "ok");
  CHECK(codeOf(json{{"intensity", 1}}) == "ok");
  CHECK(codeOf(json{{"intensity", -0.01}}) == "invalid_param");
  CHECK(codeOf(json{{"intensity", 1.01}}) == "invalid_param");
  CHECK(codeOf(json{{"masterVolume", 2}}) == "invalid_param");
}

TEST_CASE("wrong JSON types are refused: strings, null, booleans, arrays, objects") {
  for (const char* text :
       {R"({"bpm":"90"})", R"({"bpm":null})", R"({"bpm":true})", R"({"bpm":[90]})",
        R"({"bpm":{"v":90}})", R"({"intensity":"0.5"})", R"({"key":5})", R"({"key":null})",
        R"({"mode":false})", R"({"agents":{"melody":{"enabled":1}}})",
        R"({"agents":{"melody":{"level":"0.5"}}})", R"({"agents":[1]})",
        R"({"agents":{"melody":true}})"}) {
    INFO(text);
    CHECK(codeOf(json::parse(text)) == "invalid_param");
  }
  CHECK(fieldOf(json::parse(R"({"agents":{"melody":{"level":"0.5"}}})")) == "agents.melody.level");
}

TEST_CASE("non-finite and overflowing numbers are refused") {
  // Infinity can reach the validator from a non-JSON surface (OSC floats).
  CHECK(codeOf(json{{"bpm", std::numeric_limits<double>::infinity()}}) == "invalid_param");
  CHECK(codeOf(json{{"intensity", -std::numeric_limits<double>::infinity()}}) == "invalid_param");
  CHECK(codeOf(json{{"intensity", std::nan("")}}) == "invalid_param");
  CHECK(codeOf(json::parse(R"({"bpm":123456789012345678901234567890})")) == "invalid_param");
}

TEST_CASE("unknown names are refused with unknown_param and the field") {
  CHECK(codeOf(json{{"tempo", 90}}) == "unknown_param");
  CHECK(fieldOf(json{{"tempo", 90}}) == "tempo");
  CHECK(codeOf(json::parse(R"({"agents":{"drums":{"level":0.5}}})")) == "unknown_param");
  CHECK(fieldOf(json::parse(R"({"agents":{"bass":{"volume":0.5}}})")) == "agents.bass.volume");
}

TEST_CASE("a bad key name is refused, params must be an object") {
  CHECK(codeOf(json{{"key", "H major"}}) == "invalid_param");
  CHECK(fieldOf(json{{"key", "H major"}}) == "key");
  CHECK(codeOf(json{{"mode", "sideways"}}) == "invalid_param");
  CHECK(codeOf(json::array({1, 2})) == "invalid_param");
  CHECK(codeOf(json(nullptr)) == "invalid_param");
}

TEST_CASE("all or nothing: one bad field refuses the whole patch") {
  auto r = parseControlParams(json::parse(R"({"bpm":100,"intensity":0.3,"masterVolume":7})"));
  CHECK_FALSE(r.ok());
  // Applying nothing means the base state is untouched by construction: the
  // caller gets no patch at all.
  CHECK(r.error().field == "masterVolume");
}

TEST_CASE("applyPatch merges only named fields, mode overrides the key's mode") {
  auralis::control::ControlParams base;
  base.bpm = 120;
  auto r = parseControlParams(json::parse(R"({"key":"F#","mode":"dorian","intensity":0.9,
                                               "agents":{"percussion":{"enabled":false}}})"));
  REQUIRE(r.ok());
  const auto applied = auralis::control::applyPatch(base, r.value());
  CHECK(applied.bpm == doctest::Approx(120));
  CHECK(applied.intensity == doctest::Approx(0.9));
  CHECK(applied.key.root == 6);
  CHECK(applied.key.mode == auralis::music::Mode::Dorian);
  CHECK(applied.agents[3].enabled == false);
  CHECK(applied.agents[0].enabled == true);
  const json j = auralis::control::toJson(applied);
  CHECK(j["key"] == applied.key.name());
  CHECK(j["agents"]["percussion"]["enabled"] == false);
  CHECK(j["bpm"] == 120.0);
  CHECK(parseControlParams(json::object()).value().empty());
  CHECK_FALSE(r.value().empty());
}
