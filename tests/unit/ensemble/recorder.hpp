// Test helpers: a sink + observer that records everything, and a runner of
// simulated minutes.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "ensemble/ensemble.hpp"

namespace auralis::ensemble::test {

constexpr double kRate = 48000.0;

struct Recorder : NoteSink, GenerationObserver {
  std::vector<music::NoteEvent> notes;
  std::vector<GenerationEvent> events;
  bool push(const music::NoteEvent& note) override {
    notes.push_back(note);
    return true;
  }
  void onEvent(const GenerationEvent& event) override { events.push_back(event); }

  std::vector<const GenerationEvent*> noteEvents() const {
    std::vector<const GenerationEvent*> out;
    for (const auto& e : events) {
      if (e.kind == GenerationEvent::Kind::Note) out.push_back(&e);
    }
    return out;
  }
};

inline std::int64_t seconds(double s) {
  return static_cast<std::int64_t>(std::llround(s * kRate));
}

inline EnsembleConfig makeConfig(std::uint64_t seed, double intensity = 0.5,
                                 music::Key key = {2, music::Mode::NaturalMinor},
                                 double bpm = 90.0) {
  EnsembleConfig c;
  c.sampleRate = kRate;
  c.seed = seed;
  c.params.key = key;
  c.params.intensity = intensity;
  c.params.bpm = bpm;
  return c;
}

/// Plans `minutes` of music in 100 ms steps (as the runner would) and records it.
inline void simulate(Ensemble& ensemble, Recorder& rec, double fromSeconds, double toSeconds) {
  ensemble.setObserver(&rec);
  for (double t = fromSeconds; t < toSeconds; t += 0.1) ensemble.planUntil(seconds(t), rec);
}

}  // namespace auralis::ensemble::test
