// What every agent is told about the bar it plans: where it starts on the
// sample clock, the tempo, key, effective intensity, the section's texture and
// the chords. Agents turn beat positions into samples only through here, so
// tempo changes (applied at bar starts) never tear a bar in two.
//
// Thread rules: plain data built and read on the planning thread.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "music/chord.hpp"
#include "music/key.hpp"
#include "music/note_event.hpp"
#include "music/tempo.hpp"

namespace auralis::ensemble {

/// The texture of one section of the song form.
struct SectionState {
  std::string_view name = "intro";
  double energy = 0.0;    // added to the user's intensity
  double density = 1.0;   // scales how many notes melody/bass/drums play
  int registerShift = 0;  // semitones added to melody and pad centres
  int padVoices = 4;      // 3..5
  bool melody = true;     // melody plays in this section
  bool drums = true;      // kick/snare/hats (swells come regardless)
  bool snare = true;
  double swing = 0.0;  // fraction of a 16th that off-beats are delayed
  int lengthBars = 8;
};

/// A chord in force over part of the bar.
struct ChordSpan {
  double beat = 0.0;   // start, in beats from the bar start
  double beats = 4.0;  // duration in beats
  music::Chord chord;
  int degree = 0;
  bool changed = true;  // a new chord starts here (not a continuation)
};

struct BarContext {
  std::int64_t bar = 0;
  double startSample = 0.0;
  double samplesPerBeat = 24000.0;
  double sampleRate = 48000.0;
  music::Key key;
  double intensity = 0.5;  // effective: the user's plus the section's energy
  SectionState section;
  int barInSection = 0;
  std::array<ChordSpan, 2> chords{};
  int chordCount = 1;
  music::Chord nextChord;  // the first chord of the following bar

  /// The chord span in force at `beat`.
  const ChordSpan& chordAt(double beat) const {
    for (int i = chordCount - 1; i > 0; --i) {
      if (beat >= chords[static_cast<std::size_t>(i)].beat - 1e-9) {
        return chords[static_cast<std::size_t>(i)];
      }
    }
    return chords[0];
  }
  /// Sample time of a beat position plus a humanizing offset in milliseconds.
  /// Never earlier than the bar start: the bar before is already sent.
  std::int64_t sampleAt(double beat, double offsetMs = 0.0) const {
    const double t = startSample + beat * samplesPerBeat + offsetMs * 0.001 * sampleRate;
    return static_cast<std::int64_t>(std::llround(std::max(t, startSample)));
  }
  std::int32_t samplesFor(double beats) const {
    return static_cast<std::int32_t>(std::lround(std::max(beats, 0.0) * samplesPerBeat));
  }
  std::int32_t samplesForMs(double ms) const {
    return static_cast<std::int32_t>(std::lround(ms * 0.001 * sampleRate));
  }
};

/// A note an agent planned, with what the observer needs to explain it.
struct PlannedNote {
  music::NoteEvent note;
  bool passing = false;  // deliberately outside the chord or scale
  double beat = 0.0;     // grid position in the bar, before humanizing
  music::Chord chord;    // the chord in force at that position
};
using NoteList = std::vector<PlannedNote>;

}  // namespace auralis::ensemble
