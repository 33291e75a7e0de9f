// Scenes: rules that map features to fixture attributes, with smoothing and limits.
//
// Scene file (JSON, docs/lighting.md):
//   {"name": "pulse",
//    "rules": [{"attribute": "dimmer", "source": "level", "gain": 1.2, "offset": 0.1,
//               "min": 0.05, "max": 1, "attackMs": 10, "releaseMs": 300, "group": "all"},
//              {"attribute": "color", "source": "chord"},
//              {"attribute": "strobe", "source": "onset", "max": 0.6, "releaseMs": 80}],
//    "labels": {"speech": {"dimmer": 0.3}, "silence": {"dimmer": 0.1}}}
// Sources: level, low, mid, high, onset, beat, beat_phase, bar_phase, intensity,
// section, constant. Attributes: dimmer, red, green, blue, white, amber, strobe,
// pan, tilt, and color (a hue from the source: "chord" follows the chord root
// around the circle of fifths, "section" changes with the song form).
// `labels` scales the dimmer while the classifier hears that label (confidence ≥ 0.6).
//
// Thread rules: a SceneRenderer belongs to the lighting frame thread.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "lighting/features.hpp"
#include "lighting/patch.hpp"

namespace auralis::lighting {

enum class Attribute : std::uint8_t {
  Dimmer,
  Red,
  Green,
  Blue,
  White,
  Amber,
  Strobe,
  Pan,
  Tilt,
  Color
};
enum class Source : std::uint8_t {
  Level,
  Low,
  Mid,
  High,
  Onset,
  Beat,
  BeatPhase,
  BarPhase,
  Intensity,
  Section,
  Constant,
  Chord
};

struct Rule {
  Attribute attribute = Attribute::Dimmer;
  Source source = Source::Level;
  std::string group = "all";  // "all" matches every fixture
  float gain = 1.0F;
  float offset = 0.0F;
  float min = 0.0F;
  float max = 1.0F;
  float attackMs = 0.0F;   // rise time constant
  float releaseMs = 0.0F;  // fall time constant
};

struct Scene {
  std::string name = "default";
  std::vector<Rule> rules;
  /// Dimmer factor per label (index = SoundLabel), 1 = unchanged.
  std::array<float, 5> labelDimmer{1.0F, 1.0F, 1.0F, 1.0F, 1.0F};
};

Result<Scene> parseScene(const nlohmann::json& j);
/// The scene in the file form parseScene reads (every rule field written out):
/// parseScene(sceneToJson(s)) gives `s` back. Any thread.
nlohmann::json sceneToJson(const Scene& scene);
/// Dimmer follows the level, colour follows the chord, a strobe flick on onsets,
/// a pulse on each beat; speech ducks to 30 %, silence to 10 %.
Scene defaultScene();

/// Per-fixture attribute values in 0..1.
struct FixtureState {
  std::array<float, 9> values{};  // indexed by Attribute (Dimmer..Tilt)
};

/// One DMX frame: kMaxUniverses universes of 512 slots (only the patched ones are sent).
struct DmxFrame {
  int universes = 0;
  std::array<std::array<std::uint8_t, kDmxSlots>, kMaxUniverses> data{};
};

class SceneRenderer {
 public:
  SceneRenderer(Patch patch, Scene scene);
  /// Lighting thread. Advances smoothing by `dtSeconds` and writes every patched
  /// universe of `out`.
  void render(const LightingFeatures& f, double dtSeconds, DmxFrame& out);
  /// Lighting thread. Replaces the scene; smoothing state carries over so nothing jumps.
  void setScene(Scene scene) { scene_ = std::move(scene); }
  const Patch& patch() const { return patch_; }

 private:
  float sourceValue(const Rule& r, const LightingFeatures& f) const;

  Patch patch_;
  Scene scene_;
  std::vector<FixtureState> state_;  // smoothed, per fixture
  std::int64_t lastBeat_ = -1;
};

}  // namespace auralis::lighting
