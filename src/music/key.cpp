#include "music/key.hpp"

#include <array>
#include <cctype>

#include "music/pitch.hpp"

namespace auralis::music {
namespace {

struct ModeAlias {
  std::string_view text;
  Mode mode;
};

// Normalised spellings (lower case, single spaces). Longer forms first is not
// needed: matching is on the whole remaining text.
constexpr std::array<ModeAlias, 36> kModeAliases = {{
    {"", Mode::Major},
    {"major", Mode::Major},
    {"maj", Mode::Major},
    {"ionian", Mode::Major},
    {"minor", Mode::NaturalMinor},
    {"min", Mode::NaturalMinor},
    {"m", Mode::NaturalMinor},
    {"aeolian", Mode::NaturalMinor},
    {"natural minor", Mode::NaturalMinor},
    {"harmonic minor", Mode::HarmonicMinor},
    {"harmonic", Mode::HarmonicMinor},
    {"harm minor", Mode::HarmonicMinor},
    {"m harmonic", Mode::HarmonicMinor},
    {"melodic minor", Mode::MelodicMinor},
    {"melodic", Mode::MelodicMinor},
    {"mel minor", Mode::MelodicMinor},
    {"m melodic", Mode::MelodicMinor},
    {"jazz minor", Mode::MelodicMinor},
    {"dorian", Mode::Dorian},
    {"phrygian", Mode::Phrygian},
    {"lydian", Mode::Lydian},
    {"mixolydian", Mode::Mixolydian},
    {"mixo", Mode::Mixolydian},
    {"locrian", Mode::Locrian},
    {"major pentatonic", Mode::MajorPentatonic},
    {"pentatonic", Mode::MajorPentatonic},
    {"major pent", Mode::MajorPentatonic},
    {"pent", Mode::MajorPentatonic},
    {"maj pent", Mode::MajorPentatonic},
    {"pentatonic major", Mode::MajorPentatonic},
    {"minor pentatonic", Mode::MinorPentatonic},
    {"minor pent", Mode::MinorPentatonic},
    {"min pent", Mode::MinorPentatonic},
    {"m pentatonic", Mode::MinorPentatonic},
    {"m pent", Mode::MinorPentatonic},
    {"pentatonic minor", Mode::MinorPentatonic},
}};

constexpr std::string_view kAcceptedModes =
    "major (ionian), minor (aeolian, natural minor), harmonic minor, melodic minor, dorian, "
    "phrygian, lydian, mixolydian, locrian, major pentatonic, minor pentatonic";

// Lower case, '-' and '_' as spaces, runs of spaces collapsed, ends trimmed.
std::string normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    char lc = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lc == '-' || lc == '_' || lc == '\t') lc = ' ';
    if (lc == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(lc);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool matchMode(std::string_view normalised, Mode& mode) {
  for (const auto& alias : kModeAliases) {
    if (alias.text == normalised) {
      mode = alias.mode;
      return true;
    }
  }
  return false;
}

// Distance from the relative major's tonic to this mode's tonic: D dorian sits on
// degree 2 of C major, so its signature is C major's.
int offsetFromRelativeMajor(Mode mode) {
  switch (mode) {
    case Mode::Major:
    case Mode::MajorPentatonic:
      return 0;
    case Mode::Dorian:
      return 2;
    case Mode::Phrygian:
      return 4;
    case Mode::Lydian:
      return 5;
    case Mode::Mixolydian:
      return 7;
    case Mode::NaturalMinor:
    case Mode::HarmonicMinor:
    case Mode::MelodicMinor:
    case Mode::MinorPentatonic:
      return 9;
    case Mode::Locrian:
      return 11;
  }
  return 0;
}

Error keyError(std::string_view text, std::string_view why) {
  return makeError("invalid_param",
                   "unrecognised key '" + std::string(text) + "' (" + std::string(why) +
                       "): expected a root A-G with an optional # or b (\"F#\", \"Bb\", "
                       "\"a flat\"), then an optional mode: " +
                       std::string(kAcceptedModes) +
                       "; short forms such as \"Dm\" are accepted, a bare root means major",
                   "key");
}

}  // namespace

std::string_view modeName(Mode mode) {
  switch (mode) {
    case Mode::Major:
      return "major";
    case Mode::NaturalMinor:
      return "minor";
    case Mode::HarmonicMinor:
      return "harmonic minor";
    case Mode::MelodicMinor:
      return "melodic minor";
    case Mode::Dorian:
      return "dorian";
    case Mode::Phrygian:
      return "phrygian";
    case Mode::Lydian:
      return "lydian";
    case Mode::Mixolydian:
      return "mixolydian";
    case Mode::Locrian:
      return "locrian";
    case Mode::MajorPentatonic:
      return "major pentatonic";
    case Mode::MinorPentatonic:
      return "minor pentatonic";
  }
  return "major";
}

bool prefersFlats(const Key& key) {
  const int relativeMajor = pitchClass(key.root - offsetFromRelativeMajor(key.mode));
  // F, Bb, Eb, Ab, Db major. F#/Gb (six either way) is written with sharps.
  return relativeMajor == 5 || relativeMajor == 10 || relativeMajor == 3 || relativeMajor == 8 ||
         relativeMajor == 1;
}

std::string Key::name() const {
  std::string out(pitchClassName(root, prefersFlats(*this)));
  out += ' ';
  out += modeName(mode);
  return out;
}

Result<Mode> parseMode(std::string_view text) {
  Mode mode = Mode::Major;
  const std::string n = normalise(text);
  if (!n.empty() && matchMode(n, mode)) return mode;
  return makeError("invalid_param",
                   "unrecognised mode '" + std::string(text) + "': expected one of " +
                       std::string(kAcceptedModes),
                   "mode");
}

Result<Key> parseKey(std::string_view text) {
  // Trim first so the root check sees the first real character.
  std::size_t begin = 0;
  while (begin < text.size() && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  const std::string_view trimmed = text.substr(begin);
  std::size_t consumed = 0;
  auto root = parseRoot(trimmed, consumed);
  if (!root) return keyError(text, "no root note");
  const std::string_view rest = trimmed.substr(consumed);
  // "DM" (capital M alone) is the one case-sensitive form: it means major.
  if (rest == "M") return Key{root.value(), Mode::Major};
  Mode mode = Mode::Major;
  if (!matchMode(normalise(rest), mode)) return keyError(text, "unknown mode");
  return Key{root.value(), mode};
}

}  // namespace auralis::music
