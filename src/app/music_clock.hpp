// MusicClock: what the ensemble is playing *as heard*, for side-chains that must
// land on the beat (lighting). It follows the ensemble's own plan through
// `generation_update` events, which arrive a few hundred milliseconds before
// their notes sound, so beats, chords and kicks are known ahead of time instead
// of detected after the fact.
//
// Thread rules: update() and at() from one consumer thread (the lighting frame thread).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "control/event_bus.hpp"

namespace auralis::app {

struct HeardMusic {
  std::int64_t beatIndex = -1;  // beats since the ensemble started, -1 unknown
  double beatPhase = -1.0;      // 0..1 within the beat
  int chordRoot = -1;           // pitch class, -1 none yet
  bool chordMinor = false;
  int section = 0;
  bool kick = false;  // a percussion hit sounded since the previous call
};

class MusicClock {
 public:
  MusicClock(control::EventBus& bus, double sampleRate, int beatsPerBar = 4);
  /// Consumer thread. Takes queued generation events and returns what sounds at
  /// `heardSample`; `bpm` is the tempo in force until the ensemble reports one.
  HeardMusic at(std::int64_t heardSample, double bpm);

 private:
  struct Pending {
    std::int64_t sample;
    int root;
    bool minor;
    bool kick;
    bool section;
  };
  void take(const std::string& json);

  std::shared_ptr<control::Subscription> subscription_;
  double sampleRate_;
  int beatsPerBar_;
  double bpm_ = 0.0;
  std::int64_t anchorSample_ = -1;  // a sample on the beat grid
  double anchorBeat_ = 0.0;         // its beat index
  std::deque<Pending> pending_;
  HeardMusic now_;
  int sectionCount_ = 0;
};

}  // namespace auralis::app
