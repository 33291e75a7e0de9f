#include "music/pitch.hpp"

#include <array>
#include <cctype>
#include <string>

namespace auralis::music {
namespace {

constexpr std::array<std::string_view, 12> kSharpNames = {"C",  "C#", "D",  "D#", "E",  "F",
                                                          "F#", "G",  "G#", "A",  "A#", "B"};
constexpr std::array<std::string_view, 12> kFlatNames = {"C",  "Db", "D",  "Eb", "E",  "F",
                                                         "Gb", "G",  "Ab", "A",  "Bb", "B"};

// Natural pitch classes of the letters A..G.
constexpr std::array<int, 7> kLetterPc = {9, 11, 0, 2, 4, 5, 7};

bool startsWithWord(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  // A word must end here, so "d flatten" is not "Db" + "ten".
  return text.size() == word.size() || !std::isalpha(static_cast<unsigned char>(text[word.size()]));
}

}  // namespace

std::string_view pitchClassName(int pc, bool preferFlats) {
  const auto i = static_cast<std::size_t>(pitchClass(pc));
  return preferFlats ? kFlatNames[i] : kSharpNames[i];
}

Result<int> parseRoot(std::string_view text, std::size_t& consumed) {
  consumed = 0;
  if (text.empty()) {
    return makeError("invalid_param", "expected a root note A-G", "key");
  }
  const int letter = std::tolower(static_cast<unsigned char>(text[0]));
  if (letter < 'a' || letter > 'g') {
    return makeError("invalid_param",
                     "expected a root note A-G, got '" + std::string(text.substr(0, 1)) + "'",
                     "key");
  }
  int pc = kLetterPc[static_cast<std::size_t>(letter - 'a')];
  std::size_t pos = 1;
  const std::string_view rest = text.substr(pos);
  // Symbol accidentals attach directly: "F#", "Bb", "E♭" (UTF-8 U+266D / U+266F).
  if (!rest.empty() && rest[0] == '#') {
    pc += 1;
    pos += 1;
  } else if (!rest.empty() && rest[0] == 'b' &&
             (rest.size() == 1 || !std::isalpha(static_cast<unsigned char>(rest[1])) ||
              rest[1] == 'm')) {
    // 'b' directly after the letter is a flat unless it starts a longer word:
    // "Bb", "Bbm", "Eb minor" and "Ebmajor" are flats; the mode words never
    // start with 'b', so no real input is lost.
    pc -= 1;
    pos += 1;
  } else if (rest.substr(0, 3) == "\xE2\x99\xAF") {
    pc += 1;
    pos += 3;
  } else if (rest.substr(0, 3) == "\xE2\x99\xAD") {
    pc -= 1;
    pos += 3;
  } else {
    // Word accidentals may follow a space or a hyphen: "a flat", "c-sharp".
    std::size_t skip = 0;
    while (skip < rest.size() && (rest[skip] == ' ' || rest[skip] == '-')) ++skip;
    const std::string_view word = rest.substr(skip);
    if (startsWithWord(word, "sharp")) {
      pc += 1;
      pos += skip + 5;
    } else if (startsWithWord(word, "flat")) {
      pc -= 1;
      pos += skip + 4;
    }
  }
  consumed = pos;
  return pitchClass(pc);
}

}  // namespace auralis::music
