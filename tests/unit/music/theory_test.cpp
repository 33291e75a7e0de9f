#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "music/chord.hpp"
#include "music/pitch.hpp"
#include "music/progression.hpp"
#include "music/scale.hpp"
#include "music/tempo.hpp"

using namespace auralis;
using namespace auralis::music;

namespace {
std::set<int> pcs(const Chord& c) {
  std::set<int> out;
  for (int i : chordIntervals(c.type)) out.insert(pitchClass(c.root + i));
  return out;
}
std::vector<int> scalePcs(const Key& k) {
  std::vector<int> out;
  for (int i : scaleIntervals(k.mode)) out.push_back(pitchClass(k.root + i));
  return out;
}
}  // namespace

TEST_CASE("scales of every mode") {
  CHECK(scalePcs({0, Mode::Major}) == std::vector<int>{0, 2, 4, 5, 7, 9, 11});
  CHECK(scalePcs({9, Mode::NaturalMinor}) == std::vector<int>{9, 11, 0, 2, 4, 5, 7});
  // Harmonic minor raises the 7th: A harmonic minor has G#.
  CHECK(scalePcs({9, Mode::HarmonicMinor}) == std::vector<int>{9, 11, 0, 2, 4, 5, 8});
  CHECK(scalePcs({9, Mode::MelodicMinor}) == std::vector<int>{9, 11, 0, 2, 4, 6, 8});
  // The church modes of C major's notes share its pitch classes.
  const std::set<int> cMajor{0, 2, 4, 5, 7, 9, 11};
  const Key church[] = {{2, Mode::Dorian},
                        {4, Mode::Phrygian},
                        {5, Mode::Lydian},
                        {7, Mode::Mixolydian},
                        {11, Mode::Locrian}};
  for (const Key& k : church) {
    auto v = scalePcs(k);
    CHECK(std::set<int>(v.begin(), v.end()) == cMajor);
    CHECK(v.front() == k.root);
  }
  CHECK(scalePcs({0, Mode::MajorPentatonic}) == std::vector<int>{0, 2, 4, 7, 9});
  CHECK(scalePcs({9, Mode::MinorPentatonic}) == std::vector<int>{9, 0, 2, 4, 7});
  CHECK(inScale({2, Mode::NaturalMinor}, 70));  // Bb4 in D minor
  CHECK_FALSE(inScale({2, Mode::NaturalMinor}, 71));
}

TEST_CASE("scale steps stay in the scale") {
  const Key d{2, Mode::NaturalMinor};
  CHECK(stepInScale(d, 62, 1) == 64);
  CHECK(stepInScale(d, 62, -1) == 60);
  CHECK(stepInScale(d, 62, 7) == 74);
  CHECK(stepInScale(d, 61, 0) == 60);  // C# snaps down to C
  const Key pent{0, Mode::MajorPentatonic};
  CHECK(stepInScale(pent, 64, 1) == 67);
  CHECK(nearestInScale(pent, 65) == 64);
  CHECK(scaleDegreeOf(pent, 69) == 4);
  CHECK(scaleDegreeOf(pent, 65) == -1);
}

TEST_CASE("chord types have the right intervals and names") {
  CHECK(pcs({0, ChordType::Major}) == std::set<int>{0, 4, 7});
  CHECK(pcs({0, ChordType::Minor}) == std::set<int>{0, 3, 7});
  CHECK(pcs({0, ChordType::Diminished}) == std::set<int>{0, 3, 6});
  CHECK(pcs({0, ChordType::Augmented}) == std::set<int>{0, 4, 8});
  CHECK(pcs({0, ChordType::Major7}) == std::set<int>{0, 4, 7, 11});
  CHECK(pcs({0, ChordType::Dominant7}) == std::set<int>{0, 4, 7, 10});
  CHECK(pcs({0, ChordType::Minor7}) == std::set<int>{0, 3, 7, 10});
  CHECK(pcs({0, ChordType::HalfDiminished7}) == std::set<int>{0, 3, 6, 10});
  CHECK(pcs({0, ChordType::Diminished7}) == std::set<int>{0, 3, 6, 9});
  CHECK(pcs({0, ChordType::Sus2}) == std::set<int>{0, 2, 7});
  CHECK(pcs({0, ChordType::Sus4}) == std::set<int>{0, 5, 7});
  CHECK(pcs({0, ChordType::Add9}) == std::set<int>{0, 2, 4, 7});
  CHECK(pcs({0, ChordType::Major6}) == std::set<int>{0, 4, 7, 9});
  CHECK(pcs({0, ChordType::Minor6}) == std::set<int>{0, 3, 7, 9});
  CHECK(chordName({2, ChordType::Minor7}, false) == "Dm7");
  CHECK(chordName({10, ChordType::Major}, true) == "Bb");
  CHECK(chordName({6, ChordType::HalfDiminished7}, false) == "F#m7b5");
  CHECK(chordContains({7, ChordType::Dominant7}, 65));
  CHECK_FALSE(chordContains({7, ChordType::Dominant7}, 64));
}

TEST_CASE("diatonic chords and Roman numerals") {
  const Key c{0, Mode::Major};
  // V7 in C major = G B D F.
  const Chord v7 = diatonicChord(c, 4, true);
  CHECK(v7 == Chord{7, ChordType::Dominant7});
  CHECK(pcs(v7) == std::set<int>{7, 11, 2, 5});
  CHECK(romanNumeral(c, v7) == "V7");
  CHECK(chordFromRoman(c, "V7").value() == v7);
  CHECK(diatonicChord(c, 1, false) == Chord{2, ChordType::Minor});
  CHECK(romanNumeral(c, diatonicChord(c, 1, true)) == "ii7");
  CHECK(diatonicChord(c, 6, false) == Chord{11, ChordType::Diminished});
  CHECK(diatonicChord(c, 6, true) == Chord{11, ChordType::HalfDiminished7});
  CHECK(romanNumeral(c, diatonicChord(c, 0, true)) == "Imaj7");
  // Harmonic minor raises the 7th: V is major, V7 dominant, vii°7 fully diminished.
  const Key am{9, Mode::HarmonicMinor};
  CHECK(diatonicChord(am, 4, false) == Chord{4, ChordType::Major});
  CHECK(diatonicChord(am, 4, true) == Chord{4, ChordType::Dominant7});
  CHECK(diatonicChord(am, 6, true) == Chord{8, ChordType::Diminished7});
  CHECK(diatonicChord(am, 0, true) == Chord{9, ChordType::MinorMajor7});
  CHECK(diatonicChord(am, 2, false) == Chord{0, ChordType::Augmented});
  // Natural minor's v is minor.
  CHECK(diatonicChord({9, Mode::NaturalMinor}, 4, false) == Chord{4, ChordType::Minor});
  const Key dm{2, Mode::NaturalMinor};
  CHECK(chordLabel(dm, diatonicChord(dm, 0, true)) == "Dm7 (i7)");
  CHECK(chordLabel(dm, diatonicChord(dm, 5, false)) == "Bb (VI)");
  CHECK(chordFromRoman(c, "vii\xC2\xB0").value() == Chord{11, ChordType::Diminished});
  CHECK(chordFromRoman(c, "bVII").value() == Chord{10, ChordType::Major});
  CHECK(romanNumeral(c, Chord{10, ChordType::Major}) == "bVII");
  CHECK(chordFromRoman(c, "IV").value() == Chord{5, ChordType::Major});
  CHECK(chordFromRoman(c, "vi7").value() == Chord{9, ChordType::Minor7});
  auto bad = chordFromRoman(c, "VIII7x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "chord");
  // Every diatonic chord of every mode classifies and round-trips through its numeral.
  for (int m = 0; m < kModeCount; ++m) {
    const Key k{4, static_cast<Mode>(m)};
    for (int d = 0; d < 7; ++d) {
      for (bool seventh : {false, true}) {
        const Chord ch = diatonicChord(k, d, seventh);
        CHECK(chordIntervals(ch.type).size() == (seventh ? 4U : 3U));
        auto back = chordFromRoman(k, romanNumeral(k, ch));
        REQUIRE(back.ok());
        CHECK(back.value() == ch);
      }
    }
  }
}

TEST_CASE("tempo and duration arithmetic") {
  const Hz rate(48000.0);
  CHECK(samplesPerBeat(Bpm(120.0), rate) == doctest::Approx(24000.0));
  CHECK(beatsToSamples(4.0, Bpm(90.0), rate).value == 128000);
  CHECK(samplesToBeats(Samples(96000), Bpm(120.0), rate) == doctest::Approx(4.0));
  CHECK(barDuration(Bpm(60.0)).value == doctest::Approx(4.0));
  CHECK(tempoForBeat(Seconds(0.5)).value == doctest::Approx(120.0));
  CHECK(clampBpm(Bpm(300.0)).value == kMaxBpm);
  CHECK(clampBpm(Bpm(10.0)).value == kMinBpm);
}

TEST_CASE("Markov weights: cadences, intensity shaping, pentatonic masking") {
  const Key c{0, Mode::Major};
  // V resolves to I more than anywhere else.
  const auto fromV = nextDegreeWeights(c, 4, 0.5);
  CHECK(std::max_element(fromV.begin(), fromV.end()) == fromV.begin());
  // Rising intensity moves weight towards the dominant.
  const auto calm = nextDegreeWeights(c, 0, 0.0);
  const auto tense = nextDegreeWeights(c, 0, 1.0);
  auto share = [](const DegreeWeights& w, int d) {
    double t = 0;
    for (double x : w) t += x;
    return w[static_cast<std::size_t>(d)] / t;
  };
  CHECK(share(tense, 4) > share(calm, 4) * 1.5);
  // C major pentatonic has no F or B: IV and vii° never come.
  const auto pent = nextDegreeWeights({0, Mode::MajorPentatonic}, 0, 0.5);
  CHECK(pent[3] == 0.0);
  CHECK(pent[6] == 0.0);
  CHECK(chooseWeighted(std::vector<double>{0.0, 1.0, 0.0}, 0.99) == 1);
  CHECK(chooseWeighted(std::vector<double>{1.0, 1.0}, 0.25) == 0);
  CHECK(chooseWeighted(std::vector<double>{1.0, 1.0}, 0.75) == 1);
  CHECK(chooseWeighted(std::vector<double>{0.0, 0.0}, 0.5) == -1);
}
