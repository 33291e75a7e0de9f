#include "lighting/scene.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "lighting/json_field.hpp"

namespace auralis::lighting {

namespace {

constexpr std::array<std::pair<std::string_view, Attribute>, 10> kAttributes{{
    {"dimmer", Attribute::Dimmer},
    {"red", Attribute::Red},
    {"green", Attribute::Green},
    {"blue", Attribute::Blue},
    {"white", Attribute::White},
    {"amber", Attribute::Amber},
    {"strobe", Attribute::Strobe},
    {"pan", Attribute::Pan},
    {"tilt", Attribute::Tilt},
    {"color", Attribute::Color},
}};

constexpr std::array<std::pair<std::string_view, Source>, 12> kSources{{
    {"level", Source::Level},
    {"low", Source::Low},
    {"mid", Source::Mid},
    {"high", Source::High},
    {"onset", Source::Onset},
    {"beat", Source::Beat},
    {"beat_phase", Source::BeatPhase},
    {"bar_phase", Source::BarPhase},
    {"intensity", Source::Intensity},
    {"section", Source::Section},
    {"constant", Source::Constant},
    {"chord", Source::Chord},
}};

constexpr std::array<std::string_view, 5> kLabels{"unknown", "music", "speech", "silence", "noise"};

template <typename T, std::size_t N>
std::string names(const std::array<std::pair<std::string_view, T>, N>& table) {
  std::string out;
  for (const auto& [name, value] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

Result<float> number(const nlohmann::json& r, const char* key, float fallback, float lo, float hi,
                     const std::string& where) {
  const auto& value = member(r, key);
  if (value.is_null()) return fallback;
  const std::string field = where + "." + key;
  if (!value.is_number()) return makeError("invalid_scene", field + " must be a number", field);
  const double v = value.get<double>();
  if (!std::isfinite(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
    return makeError("invalid_scene",
                     field + " must be in [" + std::to_string(static_cast<double>(lo)) + ", " +
                         std::to_string(static_cast<double>(hi)) + "]",
                     field);
  return static_cast<float>(v);
}

/// A fully saturated colour for hue 0..1 (HSV with S = V = 1).
std::array<float, 3> hueToRgb(float hue) {
  const float h = (hue - std::floor(hue)) * 6.0F;
  const float x = 1.0F - std::fabs(std::fmod(h, 2.0F) - 1.0F);
  switch (static_cast<int>(h)) {
    case 0:
      return {1.0F, x, 0.0F};
    case 1:
      return {x, 1.0F, 0.0F};
    case 2:
      return {0.0F, 1.0F, x};
    case 3:
      return {0.0F, x, 1.0F};
    case 4:
      return {x, 0.0F, 1.0F};
    default:
      return {1.0F, 0.0F, x};
  }
}

std::uint8_t toDmx(float v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0F, 1.0F) * 255.0F));
}

std::uint16_t toDmx16(float v) {
  return static_cast<std::uint16_t>(std::lround(std::clamp(v, 0.0F, 1.0F) * 65535.0F));
}

}  // namespace

Result<Scene> parseScene(const nlohmann::json& j) {
  if (!j.is_object()) return makeError("invalid_scene", "a scene is a JSON object");
  Scene scene;
  const auto sceneName = stringMember(j, "name", "scene");
  if (!sceneName) return makeError("invalid_scene", "\"name\" must be a string", "name");
  scene.name = *sceneName;
  const auto& rules = member(j, "rules");
  if (!rules.is_array()) return makeError("invalid_scene", "\"rules\" must be an array", "rules");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    const std::string where = "rules[" + std::to_string(i) + "]";
    if (!r.is_object()) return makeError("invalid_scene", where + " must be an object", where);
    Rule rule;
    const auto attr = stringMember(r, "attribute", "").value_or("");
    const auto a = std::find_if(kAttributes.begin(), kAttributes.end(),
                                [&](const auto& e) { return e.first == attr; });
    if (a == kAttributes.end())
      return makeError("invalid_scene",
                       "unknown attribute \"" + attr + "\"; attributes: " + names(kAttributes),
                       where + ".attribute");
    rule.attribute = a->second;
    const auto src = stringMember(r, "source", "").value_or("");
    const auto s = std::find_if(kSources.begin(), kSources.end(),
                                [&](const auto& e) { return e.first == src; });
    if (s == kSources.end())
      return makeError("invalid_scene",
                       "unknown source \"" + src + "\"; sources: " + names(kSources),
                       where + ".source");
    rule.source = s->second;
    const auto group = stringMember(r, "group", "all");
    if (!group)
      return makeError("invalid_scene", where + ".group must be a string", where + ".group");
    rule.group = *group;
    auto gain = number(r, "gain", 1.0F, -16.0F, 16.0F, where);
    auto offset = number(r, "offset", 0.0F, -1.0F, 1.0F, where);
    auto lo = number(r, "min", 0.0F, 0.0F, 1.0F, where);
    auto hi = number(r, "max", 1.0F, 0.0F, 1.0F, where);
    auto attack = number(r, "attackMs", 0.0F, 0.0F, 60000.0F, where);
    auto release = number(r, "releaseMs", 0.0F, 0.0F, 60000.0F, where);
    for (const auto* v : {&gain, &offset, &lo, &hi, &attack, &release})
      if (!*v) return v->error();
    if (lo.value() > hi.value())
      return makeError("invalid_scene", where + ".min must not exceed max", where + ".min");
    rule.gain = gain.value();
    rule.offset = offset.value();
    rule.min = lo.value();
    rule.max = hi.value();
    rule.attackMs = attack.value();
    rule.releaseMs = release.value();
    scene.rules.push_back(rule);
  }
  if (const auto& labels = member(j, "labels"); !labels.is_null()) {
    if (!labels.is_object())
      return makeError("invalid_scene", "\"labels\" must be an object", "labels");
    for (const auto& [name, effect] : labels.items()) {
      const auto l = std::find(kLabels.begin(), kLabels.end(), name);
      if (l == kLabels.end())
        return makeError("invalid_scene",
                         "unknown label \"" + name + "\"; labels: music, speech, silence, noise",
                         "labels." + name);
      if (!effect.is_object())
        return makeError("invalid_scene",
                         "labels." + name + " must be an object like {\"dimmer\": 0.3}",
                         "labels." + name);
      auto dim = number(effect, "dimmer", 1.0F, 0.0F, 1.0F, "labels." + name);
      if (!dim) return dim.error();
      scene.labelDimmer[static_cast<std::size_t>(l - kLabels.begin())] = dim.value();
    }
  }
  return scene;
}

namespace {

/// The shortest decimal that reads back as the same float: 1.4F is written 1.4,
/// not 1.399999976158142.
double tidy(float v) {
  std::array<char, 32> text{};
  const auto end = std::to_chars(text.data(), text.data() + text.size() - 1, v).ptr;
  *end = '\0';
  return std::strtod(text.data(), nullptr);
}

}  // namespace

nlohmann::json sceneToJson(const Scene& scene) {
  auto nameOf = [](const auto& table, auto value) {
    for (const auto& [name, v] : table)
      if (v == value) return std::string(name);
    return std::string();
  };
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : scene.rules)
    rules.push_back({{"attribute", nameOf(kAttributes, r.attribute)},
                     {"source", nameOf(kSources, r.source)},
                     {"group", r.group},
                     {"gain", tidy(r.gain)},
                     {"offset", tidy(r.offset)},
                     {"min", tidy(r.min)},
                     {"max", tidy(r.max)},
                     {"attackMs", tidy(r.attackMs)},
                     {"releaseMs", tidy(r.releaseMs)}});
  nlohmann::json labels = nlohmann::json::object();
  for (std::size_t i = 1; i < kLabels.size(); ++i)  // "unknown" is not a label a scene sets
    if (scene.labelDimmer[i] != 1.0F)
      labels[std::string(kLabels[i])] = {{"dimmer", tidy(scene.labelDimmer[i])}};
  return {{"name", scene.name}, {"rules", std::move(rules)}, {"labels", std::move(labels)}};
}

Scene defaultScene() {
  Scene s;
  s.name = "default";
  s.rules = {
      {Attribute::Dimmer, Source::Level, "all", 1.4F, 0.15F, 0.05F, 1.0F, 15.0F, 350.0F},
      {Attribute::Color, Source::Chord, "all", 1.0F, 0.0F, 0.0F, 1.0F, 400.0F, 400.0F},
      {Attribute::White, Source::Beat, "all", 0.5F, 0.0F, 0.0F, 1.0F, 0.0F, 180.0F},
      {Attribute::Strobe, Source::Onset, "all", 0.6F, 0.0F, 0.0F, 1.0F, 0.0F, 60.0F},
      {Attribute::Pan, Source::BarPhase, "all", 0.5F, 0.25F, 0.0F, 1.0F, 200.0F, 200.0F},
      {Attribute::Tilt, Source::Mid, "all", 0.6F, 0.2F, 0.0F, 1.0F, 300.0F, 600.0F},
  };
  s.labelDimmer[static_cast<std::size_t>(SoundLabel::Speech)] = 0.3F;
  s.labelDimmer[static_cast<std::size_t>(SoundLabel::Silence)] = 0.1F;
  return s;
}

SceneRenderer::SceneRenderer(Patch patch, Scene scene)
    : patch_(std::move(patch)), scene_(std::move(scene)), state_(patch_.fixtures.size()) {
  for (auto& s : state_) {
    s.values[static_cast<std::size_t>(Attribute::Pan)] = 0.5F;
    s.values[static_cast<std::size_t>(Attribute::Tilt)] = 0.5F;
  }
}

float SceneRenderer::sourceValue(const Rule& r, const LightingFeatures& f) const {
  switch (r.source) {
    case Source::Level:
      return f.level;
    case Source::Low:
      return f.low;
    case Source::Mid:
      return f.mid;
    case Source::High:
      return f.high;
    case Source::Onset:
      return f.onset ? 1.0F : 0.0F;
    case Source::Beat:
      return f.beatIndex >= 0 && f.beatIndex != lastBeat_ ? 1.0F : 0.0F;
    case Source::BeatPhase:
      return f.beatPhase < 0.0 ? 0.0F : static_cast<float>(f.beatPhase);
    case Source::BarPhase: {
      if (f.beatIndex < 0 || f.beatPhase < 0.0 || f.beatsPerBar <= 0) return 0.0F;
      const auto beatInBar = static_cast<double>(f.beatIndex % f.beatsPerBar);
      return static_cast<float>((beatInBar + f.beatPhase) / f.beatsPerBar);
    }
    case Source::Intensity:
      return f.intensity;
    case Source::Section:
      return static_cast<float>(f.section % 8) / 7.0F;
    case Source::Constant:
      return 0.0F;
    case Source::Chord:
      // The circle of fifths puts related keys next to each other, so a cadence
      // moves the colour a little and a modulation moves it far.
      return f.chordRoot < 0 ? 0.0F : static_cast<float>((f.chordRoot * 7) % 12) / 12.0F;
  }
  return 0.0F;
}

void SceneRenderer::render(const LightingFeatures& f, double dtSeconds, DmxFrame& out) {
  const float dtMs = static_cast<float>(dtSeconds * 1000.0);
  const float labelFactor =
      f.labelConfidence >= 0.6F ? scene_.labelDimmer[static_cast<std::size_t>(f.label)] : 1.0F;
  for (std::size_t i = 0; i < patch_.fixtures.size(); ++i) {
    const auto& fixture = patch_.fixtures[i];
    auto& state = state_[i];
    for (const auto& rule : scene_.rules) {
      if (rule.group != "all" && rule.group != fixture.group) continue;
      const float raw = sourceValue(rule, f);
      auto smooth = [&](Attribute a, float target) {
        auto& v = state.values[static_cast<std::size_t>(a)];
        const float tau = target > v ? rule.attackMs : rule.releaseMs;
        v = tau <= 0.0F ? target : v + (target - v) * (1.0F - std::exp(-dtMs / tau));
      };
      if (rule.attribute == Attribute::Color) {
        const auto rgb = hueToRgb(raw * rule.gain + rule.offset);
        const float scale = f.chordMinor && rule.source == Source::Chord ? 0.8F : 1.0F;
        smooth(Attribute::Red, std::clamp(rgb[0] * scale, rule.min, rule.max));
        smooth(Attribute::Green, std::clamp(rgb[1] * scale, rule.min, rule.max));
        smooth(Attribute::Blue, std::clamp(rgb[2] * scale, rule.min, rule.max));
      } else {
        float target = std::clamp(raw * rule.gain + rule.offset, rule.min, rule.max);
        if (rule.attribute == Attribute::Dimmer) target *= labelFactor;
        smooth(rule.attribute, target);
      }
    }
  }
  if (f.beatIndex >= 0) lastBeat_ = f.beatIndex;

  out.universes = patch_.universeCount();
  for (int u = 0; u < out.universes; ++u) out.data[static_cast<std::size_t>(u)].fill(0);
  for (std::size_t i = 0; i < patch_.fixtures.size(); ++i) {
    const auto& fixture = patch_.fixtures[i];
    const auto& v = state_[i].values;
    const bool ownDimmer = fixture.profile.has(ChannelRole::Dimmer);
    const float dim = v[static_cast<std::size_t>(Attribute::Dimmer)];
    const float colourScale = ownDimmer ? 1.0F : dim;
    auto& slots = out.data[static_cast<std::size_t>(fixture.universe - 1)];
    for (int c = 0; c < fixture.profile.footprint(); ++c) {
      auto& slot = slots[static_cast<std::size_t>(fixture.address - 1 + c)];
      auto at = [&](Attribute a) { return v[static_cast<std::size_t>(a)]; };
      switch (fixture.profile.channels[static_cast<std::size_t>(c)]) {
        case ChannelRole::Dimmer:
          slot = toDmx(dim);
          break;
        case ChannelRole::Red:
          slot = toDmx(at(Attribute::Red) * colourScale);
          break;
        case ChannelRole::Green:
          slot = toDmx(at(Attribute::Green) * colourScale);
          break;
        case ChannelRole::Blue:
          slot = toDmx(at(Attribute::Blue) * colourScale);
          break;
        case ChannelRole::White:
          slot = toDmx(at(Attribute::White) * colourScale);
          break;
        case ChannelRole::Amber:
          slot = toDmx(at(Attribute::Amber) * colourScale);
          break;
        case ChannelRole::Strobe:
          slot = toDmx(at(Attribute::Strobe));
          break;
        case ChannelRole::Pan:
          slot = static_cast<std::uint8_t>(toDmx16(at(Attribute::Pan)) >> 8);
          break;
        case ChannelRole::PanFine:
          slot = static_cast<std::uint8_t>(toDmx16(at(Attribute::Pan)) & 0xFF);
          break;
        case ChannelRole::Tilt:
          slot = static_cast<std::uint8_t>(toDmx16(at(Attribute::Tilt)) >> 8);
          break;
        case ChannelRole::TiltFine:
          slot = static_cast<std::uint8_t>(toDmx16(at(Attribute::Tilt)) & 0xFF);
          break;
        case ChannelRole::Unused:
          slot = 0;
          break;
      }
    }
  }
}

}  // namespace auralis::lighting
