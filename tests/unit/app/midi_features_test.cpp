#include <doctest/doctest.h>

#include "app/midi_features.hpp"

using auralis::app::MidiFeatureTracker;

TEST_CASE("midi features: a C major line at 120 bpm gives key, tempo and a phrase") {
  MidiFeatureTracker t;
  const int line[] = {60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60, 67, 65, 62, 60, 64};
  double at = 10.0;
  for (int p : line) {
    t.noteOn(at, p, 100);
    at += 0.5;
  }
  const auto f = t.features(at - 0.4);
  CHECK(f.key == 0);  // C major
  CHECK(f.keyConfidence >= 0.5F);
  CHECK(f.bpm == doctest::Approx(120.0).epsilon(0.02));
  CHECK(f.bpmConfidence >= 0.9F);
  CHECK(f.level == doctest::Approx(100.0 / 127.0).epsilon(0.01));
  CHECK(f.phrase.size() == 16);
  CHECK(f.phrase.front().pitch == 60);
  CHECK_FALSE(f.phraseEnded);
  // Silence past the gap ends the phrase; the next note starts a new one.
  const auto later = t.features(at + 1.0);
  CHECK(later.phraseEnded);
  t.noteOn(at + 1.5, 62, 80);
  const auto next = t.features(at + 1.6);
  CHECK(next.phraseId == f.phraseId + 1);
  CHECK(next.phrase.size() == 1);
}

TEST_CASE("midi features: an A minor line is heard as minor, too few notes give no key") {
  MidiFeatureTracker few;
  few.noteOn(0.0, 60, 90);
  few.noteOn(0.3, 64, 90);
  CHECK(few.features(0.4).key == -1);
  CHECK(few.features(0.4).bpm == 0.0);

  MidiFeatureTracker t;
  const int line[] = {57, 60, 64, 69, 67, 65, 64, 62, 60, 59, 57, 64, 57, 60, 64, 57};
  double at = 0.0;
  for (int p : line) {
    t.noteOn(at, p, 90);
    at += 0.4;
  }
  CHECK(t.features(at).key == 12 + 9);  // A minor
}
