#include "music/scale.hpp"

#include <cstdlib>

#include "music/pitch.hpp"

namespace auralis::music {
namespace {

constexpr std::array<int, 7> kMajor = {0, 2, 4, 5, 7, 9, 11};
constexpr std::array<int, 7> kNaturalMinor = {0, 2, 3, 5, 7, 8, 10};
constexpr std::array<int, 7> kHarmonicMinor = {0, 2, 3, 5, 7, 8, 11};
constexpr std::array<int, 7> kMelodicMinor = {0, 2, 3, 5, 7, 9, 11};
constexpr std::array<int, 7> kDorian = {0, 2, 3, 5, 7, 9, 10};
constexpr std::array<int, 7> kPhrygian = {0, 1, 3, 5, 7, 8, 10};
constexpr std::array<int, 7> kLydian = {0, 2, 4, 6, 7, 9, 11};
constexpr std::array<int, 7> kMixolydian = {0, 2, 4, 5, 7, 9, 10};
constexpr std::array<int, 7> kLocrian = {0, 1, 3, 5, 6, 8, 10};
constexpr std::array<int, 5> kMajorPentatonic = {0, 2, 4, 7, 9};
constexpr std::array<int, 5> kMinorPentatonic = {0, 3, 5, 7, 10};

}  // namespace

std::span<const int> scaleIntervals(Mode mode) {
  switch (mode) {
    case Mode::Major:
      return kMajor;
    case Mode::NaturalMinor:
      return kNaturalMinor;
    case Mode::HarmonicMinor:
      return kHarmonicMinor;
    case Mode::MelodicMinor:
      return kMelodicMinor;
    case Mode::Dorian:
      return kDorian;
    case Mode::Phrygian:
      return kPhrygian;
    case Mode::Lydian:
      return kLydian;
    case Mode::Mixolydian:
      return kMixolydian;
    case Mode::Locrian:
      return kLocrian;
    case Mode::MajorPentatonic:
      return kMajorPentatonic;
    case Mode::MinorPentatonic:
      return kMinorPentatonic;
  }
  return kMajor;
}

std::array<int, 7> harmonyScale(const Key& key) {
  Mode parent = key.mode;
  if (parent == Mode::MajorPentatonic) parent = Mode::Major;
  if (parent == Mode::MinorPentatonic) parent = Mode::NaturalMinor;
  const auto intervals = scaleIntervals(parent);
  std::array<int, 7> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = pitchClass(key.root + intervals[i]);
  return out;
}

int scaleDegreeOf(const Key& key, int note) {
  const int rel = pitchClass(note - key.root);
  const auto intervals = scaleIntervals(key.mode);
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (intervals[i] == rel) return static_cast<int>(i);
  }
  return -1;
}

bool inScale(const Key& key, int note) {
  return scaleDegreeOf(key, note) >= 0;
}

int stepInScale(const Key& key, int note, int steps) {
  int current = note;
  while (!inScale(key, current)) --current;  // at most 3 semitones (pentatonic gap)
  const int direction = steps >= 0 ? 1 : -1;
  for (int moved = 0; moved != steps; moved += direction) {
    do {
      current += direction;
    } while (!inScale(key, current));
  }
  return current;
}

int nearestInScale(const Key& key, int note) {
  for (int d = 0; d < 12; ++d) {
    if (inScale(key, note - d)) return note - d;
    if (inScale(key, note + d)) return note + d;
  }
  return note;
}

}  // namespace auralis::music
