// Musical rules: scale membership, chord tones on strong beats, registers.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "ensemble/ensemble.hpp"
#include "music/scale.hpp"
#include "recorder.hpp"

using namespace auralis;
using namespace auralis::ensemble;
using namespace auralis::ensemble::test;

TEST_CASE("melody and bass stay in the scale unless passing, strong beats are chord tones") {
  const music::Key keys[] = {{2, music::Mode::NaturalMinor},    {1, music::Mode::HarmonicMinor},
                             {5, music::Mode::MajorPentatonic}, {4, music::Mode::Dorian},
                             {9, music::Mode::MinorPentatonic}, {10, music::Mode::Mixolydian},
                             {7, music::Mode::MelodicMinor}};
  for (const music::Key& key : keys) {
    for (double intensity : {0.2, 0.85}) {
      INFO(key.name() << " intensity " << intensity);
      Ensemble ens(makeConfig(7, intensity, key));
      Recorder rec;
      simulate(ens, rec, 0.0, 180.0);
      int melody = 0, bass = 0, strong = 0, strongChordTones = 0, passing = 0;
      for (const GenerationEvent* e : rec.noteEvents()) {
        const int pitch = e->note.pitch;
        switch (e->agent) {
          case Agent::Melody:
            ++melody;
            CHECK(e->note.channel == music::Channel::Melody);
            CHECK((pitch >= 60 && pitch <= 84));
            if (!e->passing) CHECK(music::inScale(key, pitch));
            if (e->beat == 0.0 || e->beat == 2.0) {
              ++strong;
              strongChordTones += music::chordContains(e->chord, pitch) ? 1 : 0;
            }
            break;
          case Agent::Bass:
            ++bass;
            CHECK(e->note.channel == music::Channel::Bass);
            CHECK((pitch >= 28 && pitch <= 52));
            if (e->passing) {
              ++passing;
            } else {
              CHECK(music::inScale(key, pitch));
              CHECK(music::chordContains(e->chord, pitch));
            }
            break;
          case Agent::Harmony:
            CHECK((pitch >= 48 && pitch <= 76));
            CHECK(music::chordContains(e->chord, pitch));
            break;
          default:
            break;
        }
        CHECK(e->note.lengthSamples > 0);
        CHECK(e->note.velocity > 0.0F);
        CHECK(e->note.velocity <= 1.0F);
      }
      CHECK(melody > 50);
      CHECK(bass > 50);
      // The promise in melody_agent.hpp: every strong-beat note is a chord tone.
      REQUIRE(strong > 0);
      CHECK(strongChordTones == strong);
      if (intensity > 0.5) CHECK(passing > 0);  // approach notes do happen
    }
  }
}

TEST_CASE("melody leaps are resolved by a step the other way") {
  Ensemble ens(makeConfig(3, 0.7));
  Recorder rec;
  simulate(ens, rec, 0.0, 300.0);
  int previous = -1, lastInterval = 0, leaps = 0, resolved = 0;
  for (const GenerationEvent* e : rec.noteEvents()) {
    if (e->agent != Agent::Melody) continue;
    const int pitch = e->note.pitch;
    if (previous >= 0) {
      const int interval = pitch - previous;
      if (std::abs(lastInterval) > 4) {
        ++leaps;
        // Opposite direction (a strong-beat chord tone may stretch the step).
        if (interval * lastInterval < 0) ++resolved;
      }
      lastInterval = interval;
    }
    previous = pitch;
  }
  REQUIRE(leaps > 10);
  CHECK(static_cast<double>(resolved) / leaps >= 0.8);
}

TEST_CASE("percussion: parts per intensity, GM drum pitches, short hats") {
  Ensemble calm(makeConfig(5, 0.05));
  Ensemble busy(makeConfig(5, 1.0));
  Recorder calmRec, busyRec;
  simulate(calm, calmRec, 0.0, 120.0);
  simulate(busy, busyRec, 0.0, 120.0);
  auto count = [](const Recorder& r, music::InstrumentKind k) {
    int n = 0;
    for (const auto* e : r.noteEvents()) n += e->note.instrument == k ? 1 : 0;
    return n;
  };
  CHECK(count(calmRec, music::InstrumentKind::Snare) == 0);
  CHECK(count(calmRec, music::InstrumentKind::Hihat) == 0);
  CHECK(count(busyRec, music::InstrumentKind::Snare) > 50);
  CHECK(count(busyRec, music::InstrumentKind::Hihat) > 400);
  CHECK(count(busyRec, music::InstrumentKind::Kick) > count(calmRec, music::InstrumentKind::Kick));
  CHECK(count(busyRec, music::InstrumentKind::Swell) > 0);
  for (const auto* e : busyRec.noteEvents()) {
    if (e->agent != Agent::Percussion) continue;
    CHECK(e->note.channel == music::Channel::Percussion);
    if (e->note.instrument == music::InstrumentKind::Hihat) {
      CHECK(e->note.lengthSamples < seconds(0.25));
      CHECK((e->note.pitch == 42 || e->note.pitch == 46));
    }
    if (e->note.instrument == music::InstrumentKind::Kick) CHECK(e->note.pitch == 36);
  }
}

TEST_CASE("pad voicings are voice-led: little movement between chords") {
  Ensemble ens(makeConfig(12, 0.6));
  Recorder rec;
  simulate(ens, rec, 0.0, 300.0);
  // Group harmony notes by onset; compare consecutive chords' sorted voicings.
  std::vector<std::vector<int>> voicings;
  std::int64_t onset = -1;
  for (const GenerationEvent* e : rec.noteEvents()) {
    if (e->agent != Agent::Harmony) continue;
    if (e->note.startSample != onset) {
      voicings.emplace_back();
      onset = e->note.startSample;
    }
    voicings.back().push_back(e->note.pitch);
  }
  double moved = 0.0;
  int changes = 0, pairs = 0;
  for (std::size_t i = 1; i < voicings.size(); ++i) {
    auto a = voicings[i - 1], b = voicings[i];
    if (a.size() != b.size() || a == b) continue;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    for (std::size_t v = 0; v < a.size(); ++v) moved += std::abs(a[v] - b[v]);
    pairs += static_cast<int>(a.size());
    ++changes;
  }
  REQUIRE(changes > 30);
  const double perVoice = moved / pairs;
  MESSAGE("average movement per voice per chord change: " << perVoice << " semitones");
  // Jumping between root positions would average about 4-5 semitones per voice.
  CHECK(perVoice < 2.5);
}
