// Long-run behaviour: no loops, intensity, key changes, determinism, latching.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ensemble/ensemble.hpp"
#include "music/scale.hpp"
#include "recorder.hpp"

using namespace auralis;
using namespace auralis::ensemble;
using namespace auralis::ensemble::test;

namespace {

// Per-bar signatures: every note of the bar as (offset from bar start, pitch,
// length, channel). `exact` uses sample offsets; `grid` uses the beat grid,
// ignoring humanized timing, so it shows the *music* does not loop.
std::map<std::int64_t, std::string> barSignatures(const Recorder& rec, double bpm, bool exact) {
  const double barLength = 4.0 * kRate * 60.0 / bpm;
  std::map<std::int64_t, std::string> sig;
  for (const GenerationEvent* e : rec.noteEvents()) {
    const auto barStart = static_cast<std::int64_t>(std::llround(e->bar * barLength));
    std::string& s = sig[e->bar];
    if (exact) {
      s += std::to_string(e->note.startSample - barStart) + ":" +
           std::to_string(e->note.lengthSamples) + ":";
    } else {
      s += std::to_string(std::llround(e->beat * 4.0)) + ":";
    }
    s += std::to_string(e->note.pitch) + ":" + std::to_string(static_cast<int>(e->note.channel)) +
         ";";
  }
  return sig;
}

void checkNoRepeatedSpan(const std::map<std::int64_t, std::string>& sig, std::int64_t bars) {
  std::set<std::string> spans;
  int windows = 0;
  for (std::int64_t b = 0; b + 8 <= bars; ++b) {
    std::string span;
    for (std::int64_t k = 0; k < 8; ++k) {
      auto it = sig.find(b + k);
      span += (it == sig.end() ? std::string("-") : it->second) + "|";
    }
    CHECK_MESSAGE(spans.insert(span).second, "8-bar span starting at bar " << b << " repeats");
    ++windows;
  }
  CHECK(windows > 100);
}

}  // namespace

TEST_CASE("ten minutes never repeat an 8-bar span") {
  for (double intensity : {0.5, 0.1, 0.95}) {
    INFO("intensity " << intensity);
    Ensemble ens(makeConfig(42, intensity));
    Recorder rec;
    simulate(ens, rec, 0.0, 600.0);
    checkNoRepeatedSpan(barSignatures(rec, 90.0, true), ens.barCount());
    checkNoRepeatedSpan(barSignatures(rec, 90.0, false), ens.barCount());
  }
}

TEST_CASE("intensity 0.1 vs 0.9 differ in note density") {
  Ensemble low(makeConfig(9, 0.1));
  Ensemble high(makeConfig(9, 0.9));
  Recorder lowRec, highRec;
  simulate(low, lowRec, 0.0, 180.0);
  simulate(high, highRec, 0.0, 180.0);
  const auto lowNotes = lowRec.notes.size();
  const auto highNotes = highRec.notes.size();
  MESSAGE("notes in 3 min: intensity 0.1 -> " << lowNotes << ", 0.9 -> " << highNotes);
  CHECK(static_cast<double>(highNotes) > 2.0 * static_cast<double>(lowNotes));
  // Per agent too: melody and bass both get busier.
  auto count = [](const Recorder& r, Agent a) {
    int n = 0;
    for (const auto* e : r.noteEvents()) n += e->agent == a ? 1 : 0;
    return n;
  };
  CHECK(count(highRec, Agent::Melody) > count(lowRec, Agent::Melody));
  CHECK(count(highRec, Agent::Bass) > count(lowRec, Agent::Bass));
}

TEST_CASE("a key change moves the pitch-class histogram to the new key") {
  const music::Key dMinor{2, music::Mode::NaturalMinor};
  const music::Key eMajor{4, music::Mode::Major};
  Ensemble ens(makeConfig(11, 0.6, dMinor));
  Recorder rec;
  simulate(ens, rec, 0.0, 120.0);
  const std::int64_t change = ens.nextBarSample();
  EnsembleParams p = ens.params();
  p.key = eMajor;
  ens.setParams(p);
  simulate(ens, rec, 120.0, 240.0);
  std::array<int, 12> before{}, after{};
  for (const GenerationEvent* e : rec.noteEvents()) {
    if (e->agent == Agent::Percussion || e->passing) continue;
    auto& h = e->note.startSample < change ? before : after;
    ++h[static_cast<std::size_t>(e->note.pitch % 12)];
  }
  auto share = [](const std::array<int, 12>& h, const music::Key& k) {
    int in = 0, all = 0;
    for (int pc = 0; pc < 12; ++pc) {
      all += h[static_cast<std::size_t>(pc)];
      in += music::inScale(k, pc) ? h[static_cast<std::size_t>(pc)] : 0;
    }
    return static_cast<double>(in) / all;
  };
  CHECK(share(before, dMinor) == doctest::Approx(1.0));
  CHECK(share(after, eMajor) == doctest::Approx(1.0));
  CHECK(share(after, dMinor) < 0.75);
  // G (in D minor, not in E major) vanishes; G# (the reverse) appears.
  CHECK(before[7] > 0);
  CHECK(after[7] == 0);
  CHECK(before[8] == 0);
  CHECK(after[8] > 0);
}

TEST_CASE("same seed gives identical notes, a different seed different ones") {
  auto render = [](std::uint64_t seed) {
    Ensemble ens(makeConfig(seed, 0.6));
    Recorder rec;
    simulate(ens, rec, 0.0, 120.0);
    return rec.notes;
  };
  const auto a = render(123);
  const auto b = render(123);
  const auto c = render(124);
  REQUIRE(a.size() == b.size());
  bool identical = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    identical = identical && a[i].startSample == b[i].startSample &&
                a[i].lengthSamples == b[i].lengthSamples && a[i].pitch == b[i].pitch &&
                a[i].velocity == b[i].velocity && a[i].channel == b[i].channel &&
                a[i].instrument == b[i].instrument && a[i].pan == b[i].pan;
  }
  CHECK(identical);
  bool differs = a.size() != c.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i) {
    differs = a[i].startSample != c[i].startSample || a[i].pitch != c[i].pitch;
  }
  CHECK(differs);
}

TEST_CASE("bpm and key changes land at the next bar boundary") {
  Ensemble ens(makeConfig(5, 0.6));
  Recorder rec;
  simulate(ens, rec, 0.0, 10.0);
  const std::int64_t boundary = ens.nextBarSample();
  const std::int64_t firstNewBar = ens.barCount();
  // 90 bpm at 48 kHz: 128000 samples a bar, so the boundary is a multiple.
  CHECK(boundary % 128000 == 0);
  EnsembleParams p = ens.params();
  p.bpm = 120.0;
  p.key = {9, music::Mode::Major};
  ens.setParams(p);
  CHECK(ens.nextBarSample() == boundary);  // nothing planned by setParams itself
  simulate(ens, rec, 10.0, 40.0);
  int keyEvents = 0, tempoEvents = 0;
  for (const auto& e : rec.events) {
    if (e.sample < boundary) continue;
    if (e.kind == GenerationEvent::Kind::Key) {
      ++keyEvents;
      CHECK(e.sample == boundary);
      CHECK(e.text == "A major");
    }
    if (e.kind == GenerationEvent::Kind::Tempo) {
      ++tempoEvents;
      CHECK(e.sample == boundary);
      CHECK(e.value == 120.0);
    }
  }
  CHECK(keyEvents == 1);
  CHECK(tempoEvents == 1);
  // Old bars stay entirely before the boundary; new bars start at or after it
  // and are 96000 samples (4 beats at 120 bpm) long.
  for (const GenerationEvent* e : rec.noteEvents()) {
    if (e->bar < firstNewBar) {
      CHECK(e->note.startSample < boundary);
      if (e->agent == Agent::Melody && !e->passing) {
        CHECK(music::inScale({2, music::Mode::NaturalMinor}, e->note.pitch));
      }
    } else {
      const std::int64_t barStart = boundary + (e->bar - firstNewBar) * 96000;
      CHECK(e->note.startSample >= barStart);
      CHECK(e->note.startSample < barStart + 96000);
      if (e->agent == Agent::Melody && !e->passing) {
        CHECK(music::inScale({9, music::Mode::Major}, e->note.pitch));
      }
    }
  }
  CHECK(ens.nextBarSample() == boundary + (ens.barCount() - firstNewBar) * 96000);
}

TEST_CASE("sections evolve and generation events carry chords and sections") {
  Ensemble ens(makeConfig(8, 0.5));
  Recorder rec;
  simulate(ens, rec, 0.0, 600.0);
  std::set<std::string> sections;
  int sectionChanges = 0, chords = 0;
  std::int64_t lastSample = -1;
  for (const auto& e : rec.events) {
    if (e.kind == GenerationEvent::Kind::Section) {
      sections.insert(e.text);
      ++sectionChanges;
    }
    if (e.kind == GenerationEvent::Kind::Chord) {
      ++chords;
      CHECK(e.text.find(" (") != std::string::npos);  // "Dm7 (i7)"
    }
    // Within a bar events come in sample order; bars come in order.
    if (e.kind == GenerationEvent::Kind::Note) lastSample = std::max(lastSample, e.sample);
  }
  CHECK(sections.size() >= 4);
  CHECK(sectionChanges >= 10);
  CHECK(chords >= 100);
  CHECK(!ens.currentChord().empty());
  CHECK(!ens.currentSection().empty());
  CHECK(lastSample > seconds(590));
}
