#include <doctest/doctest.h>

#include <string>

#include "music/key.hpp"

using namespace auralis::music;

namespace {
Key mustParse(const char* text) {
  auto r = parseKey(text);
  INFO("input: " << text);
  REQUIRE(r.ok());
  return r.value();
}
}  // namespace

TEST_CASE("parseKey accepts the forgiving forms") {
  CHECK(mustParse("D minor") == Key{2, Mode::NaturalMinor});
  CHECK(mustParse("Dm") == Key{2, Mode::NaturalMinor});
  CHECK(mustParse("  dm ") == Key{2, Mode::NaturalMinor});
  CHECK(mustParse("d dorian") == Key{2, Mode::Dorian});
  CHECK(mustParse("F#") == Key{6, Mode::Major});
  CHECK(mustParse("Gb major") == Key{6, Mode::Major});
  CHECK(mustParse("a flat minor") == Key{8, Mode::NaturalMinor});
  CHECK(mustParse("C# harmonic minor") == Key{1, Mode::HarmonicMinor});
  CHECK(mustParse("Bb melodic-minor") == Key{10, Mode::MelodicMinor});
  CHECK(mustParse("Bbm") == Key{10, Mode::NaturalMinor});
  CHECK(mustParse("b minor") == Key{11, Mode::NaturalMinor});
  CHECK(mustParse("Bm") == Key{11, Mode::NaturalMinor});
  CHECK(mustParse("E aeolian") == Key{4, Mode::NaturalMinor});
  CHECK(mustParse("g ionian") == Key{7, Mode::Major});
  CHECK(mustParse("A minor pentatonic") == Key{9, Mode::MinorPentatonic});
  CHECK(mustParse("c major_pentatonic") == Key{0, Mode::MajorPentatonic});
  CHECK(mustParse("f sharp lydian") == Key{6, Mode::Lydian});
  CHECK(mustParse("E\xE2\x99\xAD mixolydian") == Key{3, Mode::Mixolydian});
  CHECK(mustParse("B locrian") == Key{11, Mode::Locrian});
  CHECK(mustParse("e phrygian") == Key{4, Mode::Phrygian});
  CHECK(mustParse("Cb") == Key{11, Mode::Major});
  CHECK(mustParse("CM") == Key{0, Mode::Major});
}

TEST_CASE("Key::name is canonical and spelled after the key signature") {
  CHECK(Key{2, Mode::NaturalMinor}.name() == "D minor");
  CHECK(Key{6, Mode::Dorian}.name() == "F# dorian");
  CHECK(Key{10, Mode::Major}.name() == "Bb major");
  CHECK(Key{1, Mode::HarmonicMinor}.name() == "C# harmonic minor");
  CHECK(Key{1, Mode::Major}.name() == "Db major");
  CHECK(Key{3, Mode::Major}.name() == "Eb major");
  CHECK(Key{8, Mode::NaturalMinor}.name() == "G# minor");
  CHECK(Key{10, Mode::NaturalMinor}.name() == "Bb minor");
  CHECK(Key{0, Mode::MinorPentatonic}.name() == "C minor pentatonic");
  // Parsing a canonical name gives the same key back, for every key.
  for (int root = 0; root < 12; ++root) {
    for (int m = 0; m < kModeCount; ++m) {
      const Key k{root, static_cast<Mode>(m)};
      auto r = parseKey(k.name());
      REQUIRE(r.ok());
      CHECK(r.value() == k);
    }
  }
}

TEST_CASE("parseKey refuses bad names and says what is accepted") {
  for (const char* bad : {"", "H minor", "D blues", "xyz", "C# majorr", "Dm7"}) {
    auto r = parseKey(bad);
    INFO("input: " << bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "invalid_param");
    CHECK(r.error().field == "key");
    CHECK(r.error().message.find("harmonic minor") != std::string::npos);
    CHECK(r.error().message.find("dorian") != std::string::npos);
    CHECK(r.error().message.find("A-G") != std::string::npos);
  }
}

TEST_CASE("parseMode and modeName") {
  CHECK(parseMode("aeolian").value() == Mode::NaturalMinor);
  CHECK(parseMode("Ionian").value() == Mode::Major);
  CHECK(parseMode("minor").value() == Mode::NaturalMinor);
  CHECK(parseMode("Harmonic Minor").value() == Mode::HarmonicMinor);
  CHECK(parseMode("mixolydian").value() == Mode::Mixolydian);
  for (int m = 0; m < kModeCount; ++m) {
    const auto mode = static_cast<Mode>(m);
    CHECK(parseMode(modeName(mode)).value() == mode);
  }
  CHECK(modeName(Mode::NaturalMinor) == "minor");
  auto bad = parseMode("bluesy");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "mode");
  CHECK(bad.error().code == "invalid_param");
  CHECK(bad.error().message.find("locrian") != std::string::npos);
}
