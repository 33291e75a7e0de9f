#include "music/chord.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "music/pitch.hpp"
#include "music/scale.hpp"

namespace auralis::music {
namespace {

struct ChordInfo {
  std::array<int, 4> intervals;
  int size;
  std::string_view suffix;
  std::string_view romanSuffix;
  bool upperCase;  // numeral case: the third is major (or absent)
};

constexpr std::array<ChordInfo, static_cast<std::size_t>(ChordType::Count)> kChords = {{
    {{0, 4, 7, 0}, 3, "", "", true},
    {{0, 3, 7, 0}, 3, "m", "", false},
    {{0, 3, 6, 0}, 3, "dim", "\xC2\xB0", false},
    {{0, 4, 8, 0}, 3, "aug", "+", true},
    {{0, 4, 7, 11}, 4, "maj7", "maj7", true},
    {{0, 4, 7, 10}, 4, "7", "7", true},
    {{0, 3, 7, 10}, 4, "m7", "7", false},
    {{0, 3, 6, 10},
     4,
     "m7b5",
     "\xC3\xB8"
     "7",
     false},
    {{0, 3, 6, 9},
     4,
     "dim7",
     "\xC2\xB0"
     "7",
     false},
    {{0, 3, 7, 11}, 4, "mMaj7", "maj7", false},
    {{0, 4, 8, 11}, 4, "augMaj7", "+maj7", true},
    {{0, 2, 7, 0}, 3, "sus2", "sus2", true},
    {{0, 5, 7, 0}, 3, "sus4", "sus4", true},
    {{0, 4, 7, 14}, 4, "add9", "add9", true},
    {{0, 4, 7, 9}, 4, "6", "6", true},
    {{0, 3, 7, 9}, 4, "m6", "6", false},
}};

const ChordInfo& info(ChordType type) {
  return kChords[std::min(static_cast<std::size_t>(type), kChords.size() - 1)];
}

constexpr std::array<std::string_view, 7> kUpperNumerals = {"I", "II", "III", "IV",
                                                            "V", "VI", "VII"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error romanError(std::string_view numeral) {
  return makeError("invalid_param",
                   "unrecognised Roman numeral '" + std::string(numeral) +
                       "': expected an optional b or #, I..VII (upper case major, lower case "
                       "minor) and an optional suffix: o/dim, +/aug, 7, maj7, m7b5, o7/dim7, "
                       "sus2, sus4, add9, 6",
                   "chord");
}

}  // namespace

std::span<const int> chordIntervals(ChordType type) {
  const ChordInfo& i = info(type);
  return std::span<const int>(i.intervals.data(), static_cast<std::size_t>(i.size));
}

std::string_view chordSuffix(ChordType type) {
  return info(type).suffix;
}

std::optional<ChordType> classifyChord(std::span<const int> intervals) {
  for (std::size_t t = 0; t < kChords.size(); ++t) {
    const auto candidate = chordIntervals(static_cast<ChordType>(t));
    if (std::equal(candidate.begin(), candidate.end(), intervals.begin(), intervals.end())) {
      return static_cast<ChordType>(t);
    }
  }
  return std::nullopt;
}

bool chordContains(const Chord& chord, int note) {
  const int rel = pitchClass(note - chord.root);
  for (int i : chordIntervals(chord.type)) {
    if (pitchClass(i) == rel) return true;
  }
  return false;
}

std::string chordName(const Chord& chord, bool preferFlats) {
  std::string out(pitchClassName(chord.root, preferFlats));
  out += chordSuffix(chord.type);
  return out;
}

Chord diatonicChord(const Key& key, int degree, bool seventh) {
  const auto scale = harmonyScale(key);
  const int d = ((degree % 7) + 7) % 7;
  const int root = scale[static_cast<std::size_t>(d)];
  std::vector<int> intervals;
  for (int k = 0; k < (seventh ? 4 : 3); ++k) {
    intervals.push_back(pitchClass(scale[static_cast<std::size_t>((d + 2 * k) % 7)] - root));
  }
  // Every stack of diatonic thirds in these seven-note scales is in the table;
  // the fallback only guards against a future mode that is not.
  const auto type = classifyChord(intervals);
  return Chord{root, type.value_or(ChordType::Major)};
}

std::string romanNumeral(const Key& key, const Chord& chord) {
  const auto scale = harmonyScale(key);
  std::string prefix;
  int degree = -1;
  for (std::size_t i = 0; i < scale.size(); ++i) {
    if (scale[i] == chord.root) degree = static_cast<int>(i);
  }
  if (degree < 0) {
    // Name it as the raised or lowered neighbour of a scale degree.
    for (std::size_t i = 0; i < scale.size() && degree < 0; ++i) {
      if (pitchClass(scale[i] - 1) == chord.root) {
        degree = static_cast<int>(i);
        prefix = "b";
      }
    }
    for (std::size_t i = 0; i < scale.size() && degree < 0; ++i) {
      if (pitchClass(scale[i] + 1) == chord.root) {
        degree = static_cast<int>(i);
        prefix = "#";
      }
    }
  }
  const ChordInfo& i = info(chord.type);
  const std::string_view upper = kUpperNumerals[static_cast<std::size_t>(std::max(degree, 0))];
  return prefix + (i.upperCase ? std::string(upper) : lower(upper)) + std::string(i.romanSuffix);
}

Result<Chord> chordFromRoman(const Key& key, std::string_view numeral) {
  std::string_view s = numeral;
  int accidental = 0;
  if (!s.empty() && (s[0] == 'b' || s[0] == '#')) {
    accidental = s[0] == 'b' ? -1 : 1;
    s.remove_prefix(1);
  }
  if (s.empty()) return romanError(numeral);
  const bool upper = std::isupper(static_cast<unsigned char>(s[0])) != 0;
  // Longest numeral first so "VII" is not read as "V" + "II".
  int degree = -1;
  std::size_t length = 0;
  for (std::size_t d = 0; d < kUpperNumerals.size(); ++d) {
    const std::string_view n = kUpperNumerals[d];
    const std::string candidate = upper ? std::string(n) : lower(n);
    if (s.substr(0, candidate.size()) == candidate && candidate.size() > length) {
      degree = static_cast<int>(d);
      length = candidate.size();
    }
  }
  if (degree < 0) return romanError(numeral);
  const std::string_view suffix = s.substr(length);
  ChordType type = upper ? ChordType::Major : ChordType::Minor;
  if (suffix.empty()) {
  } else if (suffix == "o" || suffix == "\xC2\xB0" || suffix == "dim") {
    type = ChordType::Diminished;
  } else if (suffix == "+" || suffix == "aug") {
    type = ChordType::Augmented;
  } else if (suffix == "7") {
    type = upper ? ChordType::Dominant7 : ChordType::Minor7;
  } else if (suffix == "maj7" || suffix == "M7") {
    type = upper ? ChordType::Major7 : ChordType::MinorMajor7;
  } else if (suffix == "+maj7") {
    type = ChordType::AugmentedMajor7;
  } else if (suffix ==
                 "\xC3\xB8"
                 "7" ||
             suffix == "\xC3\xB8" || suffix == "m7b5") {
    type = ChordType::HalfDiminished7;
  } else if (suffix == "o7" ||
             suffix ==
                 "\xC2\xB0"
                 "7" ||
             suffix == "dim7") {
    type = ChordType::Diminished7;
  } else if (suffix == "sus2") {
    type = ChordType::Sus2;
  } else if (suffix == "sus4") {
    type = ChordType::Sus4;
  } else if (suffix == "add9") {
    type = ChordType::Add9;
  } else if (suffix == "6") {
    type = upper ? ChordType::Major6 : ChordType::Minor6;
  } else {
    return romanError(numeral);
  }
  const auto scale = harmonyScale(key);
  return Chord{pitchClass(scale[static_cast<std::size_t>(degree)] + accidental), type};
}

std::string chordLabel(const Key& key, const Chord& chord) {
  return chordName(chord, prefersFlats(key)) + " (" + romanNumeral(key, chord) + ")";
}

}  // namespace auralis::music
