// Playing with a human: synthetic InputFeatures streams drive the LiveFollower
// and the ensemble (key and tempo hysteresis, dynamics, space, call and response).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "ensemble/call_response.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "ensemble/live_follower.hpp"
#include "music/scale.hpp"
#include "recorder.hpp"

using namespace auralis::ensemble;
using auralis::music::Key;
using auralis::music::Mode;

namespace {

constexpr int kGMajor = 7, kAMinor = 12 + 9, kEMajor = 4;

InputFeatures keyEvidence(double t, int key, float confidence) {
  InputFeatures f;
  f.time = t;
  f.key = key;
  f.keyConfidence = confidence;
  return f;
}

/// Feeds `key` every 100 ms from `from` to `to` seconds.
void feedKey(LiveFollower& lf, double from, double to, int key, float confidence = 0.8F) {
  for (double t = from; t < to - 1e-9; t += 0.1) lf.update(keyEvidence(t, key, confidence));
}

std::array<int, kAgentCount> notesPerAgent(double space, std::uint64_t seed) {
  auto config = test::makeConfig(seed, 0.8);
  config.params.space = space;
  Ensemble e(config);
  test::Recorder rec;
  test::simulate(e, rec, 0.0, 60.0);
  std::array<int, kAgentCount> counts{};
  for (const auto* n : rec.noteEvents()) ++counts[static_cast<std::size_t>(n->agent)];
  return counts;
}

}  // namespace

TEST_CASE("follower: a detected key is adopted only after it persisted with confidence") {
  LiveFollower lf;
  feedKey(lf, 0.0, 3.9, kGMajor);
  CHECK_FALSE(lf.key().has_value());
  feedKey(lf, 3.9, 4.2, kGMajor);
  REQUIRE(lf.key().has_value());
  CHECK(*lf.key() == Key{7, Mode::Major});
  EnsembleParams base;
  CHECK(lf.shape(base).key == Key{7, Mode::Major});

  // Low confidence never moves it, however long it lasts.
  feedKey(lf, 4.2, 30.0, kAMinor, 0.2F);
  CHECK(*lf.key() == Key{7, Mode::Major});
  CHECK(lf.keyChanges() == 1);
}

TEST_CASE("follower: alternating evidence never flaps the key") {
  LiveFollower lf;
  // Two keys taking turns every 1.5 s for a minute: neither persists 4 s.
  double t = 0.0;
  for (int turn = 0; turn < 40; ++turn, t += 1.5)
    feedKey(lf, t, t + 1.5, turn % 2 ? kAMinor : kEMajor);
  CHECK_FALSE(lf.key().has_value());
  CHECK(lf.keyChanges() == 0);

  // Once a key is adopted, the same alternation leaves it alone.
  feedKey(lf, t, t + 5.0, kGMajor);
  t += 5.0;
  REQUIRE(lf.keyChanges() == 1);
  for (int turn = 0; turn < 40; ++turn, t += 3.0)
    feedKey(lf, t, t + 3.0, turn % 2 ? kAMinor : kEMajor);
  CHECK(*lf.key() == Key{7, Mode::Major});
  CHECK(lf.keyChanges() == 1);
}

TEST_CASE("follower: tempo is followed after two bars at the detected tempo, not before") {
  LiveFollower lf;
  auto at = [](double t, double bpm) {
    InputFeatures f;
    f.time = t;
    f.bpm = bpm;
    f.bpmConfidence = 0.9F;
    return f;
  };
  // Two bars at 120 bpm = 4 s; jitter of +-1% stays inside the tolerance.
  for (double t = 0.0; t < 3.8; t += 0.1) lf.update(at(t, t > 1.0 && t < 2.0 ? 121.0 : 119.5));
  CHECK_FALSE(lf.bpm().has_value());
  for (double t = 3.8; t < 4.5; t += 0.1) lf.update(at(t, 120.0));
  REQUIRE(lf.bpm().has_value());
  CHECK(*lf.bpm() == doctest::Approx(120.0).epsilon(0.02));
  EnsembleParams base;
  CHECK(lf.shape(base).bpm == doctest::Approx(*lf.bpm()));

  // "key" mode follows no tempo.
  LiveFollower keyOnly({FollowMode::Key});
  for (double t = 0.0; t < 10.0; t += 0.1) keyOnly.update(at(t, 120.0));
  CHECK_FALSE(keyOnly.bpm().has_value());
  CHECK(keyOnly.shape(base).bpm == base.bpm);
}

TEST_CASE("follower: intensity drifts toward the human's level") {
  LiveFollower lf;
  EnsembleParams base;
  base.intensity = 0.2;
  InputFeatures f;
  lf.update(f);  // silence: the user's intensity stands
  CHECK(lf.shape(base).intensity == doctest::Approx(base.intensity));
  CHECK(lf.shape(base).humanLevel < 0.0);
  f.level = 0.15F;
  lf.update(f);
  const double quiet = lf.shape(base).intensity;
  double previous = quiet;
  bool monotonic = true;
  for (double t = 0.1; t < 20.0; t += 0.1) {
    f.time = t;
    f.level = 1.0F;
    lf.update(f);
    const double now = lf.shape(base).intensity;
    monotonic = monotonic && now >= previous;
    if (t < 0.15) CHECK(now - quiet < 0.1);  // one loud snapshot is not a crescendo
    previous = now;
  }
  CHECK(monotonic);
  CHECK(previous > quiet + 0.3);
  CHECK(lf.shape(base).humanLevel > 0.9);
}

TEST_CASE("follower: dense playing makes the agents leave space") {
  LiveFollower lf;
  InputFeatures f;
  for (double t = 0.0; t < 5.0; t += 0.1) {
    f.time = t;
    f.onsetDensity = 1.0;  // sparse
    lf.update(f);
  }
  CHECK(lf.space() < 0.05);
  for (double t = 5.0; t < 10.0; t += 0.1) {
    f.time = t;
    f.onsetDensity = 10.0;  // a flurry
    lf.update(f);
  }
  CHECK(lf.space() > 0.9);

  const auto full = notesPerAgent(0.0, 5);
  const auto thin = notesPerAgent(1.0, 5);
  const auto params = defaultAgentParams();
  int fullTotal = 0, thinTotal = 0;
  for (int a = 0; a < kAgentCount; ++a) {
    const auto i = static_cast<std::size_t>(a);
    CAPTURE(agentName(static_cast<Agent>(a)));
    fullTotal += full[i];
    thinTotal += thin[i];
    if (params[i].personality.fill > 0.0F && full[i] > 20) CHECK(thin[i] < full[i]);
  }
  MESSAGE("notes in a minute: ", fullTotal, " alone, ", thinTotal, " leaving space");
  CHECK(thinTotal < fullTotal * 3 / 4);
}

TEST_CASE("call and response: every variant answers in the key, shaped like the call") {
  const Key key{2, Mode::NaturalMinor};  // D minor
  // D F A G E (in key) and an out-of-key C#: the answer must stay in key.
  const std::vector<PhraseNote> call = {{62, 0.0, 0.25}, {65, 0.25, 0.25}, {69, 0.5, 0.5},
                                        {67, 1.0, 0.25}, {64, 1.25, 0.25}, {61, 1.5, 0.5}};
  for (int v = 0; v < static_cast<int>(AnswerVariant::Count); ++v) {
    CAPTURE(v);
    const auto answer = answerPhrase(call, key, static_cast<AnswerVariant>(v));
    REQUIRE(answer.size() >= 4);
    CHECK(answer.size() <= call.size());
    bool differs = false;
    for (std::size_t i = 0; i < answer.size(); ++i) {
      CHECK(auralis::music::inScale(key, answer[i].pitch));
      CHECK(answer[i].pitch >= 60);
      CHECK(answer[i].pitch <= 84);
      CHECK(answer[i].beat >= 0.0);
      CHECK(answer[i].beat + answer[i].beats <= 4.0 + 1e-9);
      if (i > 0) CHECK(answer[i].beat > answer[i - 1].beat);
      differs = differs || answer[i].pitch != call[i].pitch;
    }
    CHECK(differs);  // transformed, not echoed
  }
  // Inverted: the call rises first (D -> F), so the answer falls first.
  const auto inverted = answerPhrase(call, key, AnswerVariant::Inverted);
  CHECK(inverted[1].pitch < inverted[0].pitch);
}

TEST_CASE(
    "call and response: a finished phrase is answered once by the melody, in the ensemble's key") {
  LiveFollower lf;
  InputFeatures f;
  f.time = 1.0;
  f.phrase = {{64, 0.0, 0.3}, {67, 0.3, 0.3}, {71, 0.6, 0.3}, {69, 0.9, 0.6}};
  f.phraseId = 1;
  lf.update(f);
  CHECK_FALSE(lf.takeCall().has_value());  // still being played
  f.phraseEnded = true;
  f.time = 2.0;
  lf.update(f);
  auto call = lf.takeCall();
  REQUIRE(call.has_value());
  f.time = 2.1;
  lf.update(f);
  CHECK_FALSE(lf.takeCall().has_value());  // once per phrase

  const Key key{9, Mode::NaturalMinor};
  Ensemble e(test::makeConfig(3, 0.7, key));
  test::Recorder rec;
  test::simulate(e, rec, 0.0, 3.0);
  const auto barBefore = e.nextBarSample();
  e.queueAnswer(*call);
  test::simulate(e, rec, 3.0, 12.0);
  CHECK(e.answersPlayed() == 1);
  std::vector<int> melody;
  // The answer occupies the first bar planned after queueAnswer.
  std::int64_t answerBar = -1;
  for (const auto* n : rec.noteEvents()) {
    if (n->agent != Agent::Melody || n->note.startSample < barBefore) continue;
    if (answerBar < 0) answerBar = n->bar;
    if (n->bar == answerBar) melody.push_back(n->note.pitch);
  }
  const auto expected = answerPhrase(*call, key, AnswerVariant::Transposed);
  REQUIRE(melody.size() == expected.size());
  for (std::size_t i = 0; i < melody.size(); ++i) {
    CHECK(melody[i] == expected[i].pitch);
    CHECK(auralis::music::inScale(key, melody[i]));
  }
}

namespace {
/// Notes key changes the runner thread reports.
struct KeyWatcher final : GenerationObserver {
  std::mutex mutex;
  std::vector<Key> keys;
  void onEvent(const GenerationEvent& e) override {
    if (e.kind != GenerationEvent::Kind::Key) return;
    std::lock_guard lock(mutex);
    keys.push_back(e.key);
  }
  std::optional<Key> last() {
    std::lock_guard lock(mutex);
    return keys.empty() ? std::nullopt : std::optional(keys.back());
  }
};
}  // namespace

TEST_CASE(
    "runner following a human: a persistent detected key reaches the plan, the user's params "
    "stay") {
  test::Recorder sink;
  std::atomic<std::int64_t> playhead{0};
  EnsembleRunner runner(test::makeConfig(2, 0.5, {2, Mode::NaturalMinor}), sink,
                        [&playhead] { return playhead.load(); }, {0, std::chrono::milliseconds(5)});
  KeyWatcher watcher;
  runner.setObserver(&watcher);
  runner.followHuman({});
  runner.start();
  // Six seconds of confident G major, as the analysis would report it.
  for (double t = 0.0; t < 6.0; t += 0.1) runner.pushInputFeatures(keyEvidence(t, kGMajor, 0.9F));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (watcher.last() != Key{7, Mode::Major} && std::chrono::steady_clock::now() < deadline) {
    playhead.fetch_add(4800);  // the playhead moves on, bars get planned
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  runner.stop();
  CHECK(watcher.last() == Key{7, Mode::Major});
  CHECK(runner.params().key == Key{2, Mode::NaturalMinor});  // the user's setting is untouched
}
