// Chords: types, names ("Dm7"), diatonic chords of a key and Roman-numeral
// degrees ("V7", "ii°"). The harmony agent thinks in degrees (its Markov tables
// are per degree, so they work in any key); people read names and numerals.
//
// Thread rules: pure functions, any non-audio thread (names allocate).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "music/key.hpp"

namespace auralis::music {

enum class ChordType : std::uint8_t {
  Major,
  Minor,
  Diminished,
  Augmented,
  Major7,
  Dominant7,
  Minor7,
  HalfDiminished7,  // m7b5
  Diminished7,
  MinorMajor7,      // i in harmonic/melodic minor with the 7th
  AugmentedMajor7,  // III+ in harmonic/melodic minor with the 7th
  Sus2,
  Sus4,
  Add9,
  Major6,
  Minor6,
  Count
};

struct Chord {
  int root = 0;  // pitch class
  ChordType type = ChordType::Major;
  friend bool operator==(const Chord&, const Chord&) = default;
};

/// Semitones above the root, ascending (add9 includes 14). Any thread.
std::span<const int> chordIntervals(ChordType type);

/// "", "m", "dim", "aug", "maj7", "7", "m7", "m7b5", "dim7", "mMaj7",
/// "augMaj7", "sus2", "sus4", "add9", "6", "m6". Any thread.
std::string_view chordSuffix(ChordType type);

/// The chord type whose intervals are exactly `intervals` (ascending, from 0),
/// or nullopt. Any thread.
std::optional<ChordType> classifyChord(std::span<const int> intervals);

/// True when the pitch class of `note` is one of the chord's tones.
bool chordContains(const Chord& chord, int note);

/// "Dm7", "Bb", "F#m7b5"; flats or sharps as the caller's key prefers.
std::string chordName(const Chord& chord, bool preferFlats);

/// The chord stacked in thirds on scale degree `degree` (0-based, 0..6) of the
/// key's harmony scale (a pentatonic key uses its parent scale), as a triad or
/// a seventh chord. V7 in C major is G B D F; in harmonic minor V is major.
Chord diatonicChord(const Key& key, int degree, bool seventh);

/// Roman numeral of `chord` in `key`: case from the third, "°", "+", "ø7",
/// "maj7", "7", "sus4"...; a root outside the scale gets a "b" or "#" prefix.
std::string romanNumeral(const Key& key, const Chord& chord);

/// Parses a numeral in `key`: optional b/# prefix, I..VII (upper case = major
/// third, lower = minor), then "", "°"/"o"/"dim", "+"/"aug", "7", "maj7",
/// "ø7"/"m7b5", "°7"/"o7"/"dim7", "sus2", "sus4", "add9", "6".
/// "V7" in C major is G7. Refusal: Error{"invalid_param", ..., "chord"}.
Result<Chord> chordFromRoman(const Key& key, std::string_view numeral);

/// What clients show for a chord change: "Dm7 (i7)".
std::string chordLabel(const Key& key, const Chord& chord);

}  // namespace auralis::music
