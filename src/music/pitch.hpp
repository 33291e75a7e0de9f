// Pitch classes and their spellings. A pitch class is an int 0..11 (0 = C); a
// note is a MIDI number. Spelling (C# vs Db) is a display choice that depends on
// the key, so names take a `preferFlats` flag instead of guessing.
//
// Thread rules: pure functions, callable from any thread (not the audio thread:
// the Result-returning parsers allocate).
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace auralis::music {

inline constexpr int kPitchClassCount = 12;

/// Pitch class (0..11) of any integer note number, negatives included. Any thread.
constexpr int pitchClass(int note) {
  return ((note % 12) + 12) % 12;
}

/// "C", "C#"/"Db", ... for pitch class `pc` (reduced mod 12). Any thread.
std::string_view pitchClassName(int pc, bool preferFlats);

/// Parses a root at the start of `text`: a letter A-G (any case) followed by an
/// optional accidental: '#', 'b', the Unicode sharp/flat signs, or the words
/// "sharp"/"flat" (after optional spaces). Returns the pitch class and sets
/// `consumed` to the characters used; refuses text that does not start with a
/// letter A-G. Any non-audio thread.
Result<int> parseRoot(std::string_view text, std::size_t& consumed);

}  // namespace auralis::music
