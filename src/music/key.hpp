// Keys and modes: what the user names ("D minor", "F# dorian") and what the
// ensemble plays in. Parsing is forgiving because keys arrive from people
// (WebSocket, OSC, voice commands); refusals say what is accepted.
//
// Thread rules: pure functions and plain data, callable from any non-audio
// thread (names and parsers allocate).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace auralis::music {

enum class Mode : std::uint8_t {
  Major,
  NaturalMinor,
  HarmonicMinor,
  MelodicMinor,
  Dorian,
  Phrygian,
  Lydian,
  Mixolydian,
  Locrian,
  MajorPentatonic,
  MinorPentatonic
};
inline constexpr int kModeCount = static_cast<int>(Mode::MinorPentatonic) + 1;

struct Key {
  int root = 0;  // 0 = C .. 11 = B
  Mode mode = Mode::Major;

  /// Canonical name, e.g. "D minor", "F# dorian", "Bb major": the root is
  /// spelled with flats or sharps after the key signature. Any non-audio thread.
  std::string name() const;

  friend bool operator==(const Key&, const Key&) = default;
};

/// Parses "D minor", "Dm", "d dorian", "F#", "Gb major", "a flat minor",
/// "C# harmonic minor", "Bb melodic-minor", "E minor pentatonic", "Am pent".
/// A bare root means major; "minor"/"m"/"aeolian" mean natural minor and
/// "ionian" means major. Refusal: Error{"invalid_param", <what is accepted>, "key"}.
/// Any non-audio thread.
Result<Key> parseKey(std::string_view text);

/// Parses a mode name alone ("minor", "harmonic minor", "dorian", "ionian", ...).
/// Refusal: Error{"invalid_param", <the accepted names>, "mode"}. Any non-audio thread.
Result<Mode> parseMode(std::string_view text);

/// Canonical mode name: "major", "minor", "harmonic minor", "melodic minor",
/// "dorian", ..., "major pentatonic", "minor pentatonic". Any thread.
std::string_view modeName(Mode mode);

/// True when the key signature is written with flats (F, Bb, Eb, Ab, Db major
/// and their relative modes), so roots and chords are spelled with flats. Any thread.
bool prefersFlats(const Key& key);

}  // namespace auralis::music
