// Every synthesised instrument kind: sounds, stays finite, decays to silence
// after release; voice stealing counts and does not click; determinism; and
// the audio-thread calls do not allocate.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "core/rt_guard.hpp"
#include "engine/instruments/bank_instrument.hpp"
#include "engine/instruments/general_midi.hpp"
#include "engine/instruments/synth_instruments.hpp"

using namespace auralis;
using namespace auralis::engine;

namespace {

// Counts operator new calls made while the audio-callback flag is set.
std::atomic<long> gAudioThreadAllocs{0};

struct Rendered {
  std::vector<float> left, right;
};

Rendered renderBlocks(Instrument& inst, int blocks, int frames = 256) {
  Rendered r;
  std::vector<float> l(static_cast<std::size_t>(frames)), rr(static_cast<std::size_t>(frames));
  for (int b = 0; b < blocks; ++b) {
    std::fill(l.begin(), l.end(), 0.0F);
    std::fill(rr.begin(), rr.end(), 0.0F);
    {
      rt::AudioCallbackScope scope;
      inst.render(l.data(), rr.data(), frames);
    }
    r.left.insert(r.left.end(), l.begin(), l.end());
    r.right.insert(r.right.end(), rr.begin(), rr.end());
  }
  return r;
}

double rms(const std::vector<float>& x, std::size_t from, std::size_t to) {
  double s = 0.0;
  for (std::size_t i = from; i < to; ++i) s += static_cast<double>(x[i] * x[i]);
  return std::sqrt(s / static_cast<double>(std::max<std::size_t>(1, to - from)));
}

bool allFinite(const Rendered& r) {
  return std::all_of(r.left.begin(), r.left.end(), [](float v) { return std::isfinite(v); }) &&
         std::all_of(r.right.begin(), r.right.end(), [](float v) { return std::isfinite(v); });
}

NoteStart note(std::uint32_t id, std::uint8_t pitch, float pan = 0.0F) {
  NoteStart n;
  n.noteId = id;
  n.pitch = pitch;
  n.velocity = 0.9F;
  n.pan = pan;
  return n;
}

}  // namespace

// GCC pairs the replaced operator delete with the inlined operator new and
// warns about free(); the pair is ours and consistent (malloc/free).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

// Counting hook: this test executable's own replacement of operator new. It only
// counts (never fails), so it cannot disturb other tests in this executable.
void* operator new(std::size_t n) {
  if (rt::inAudioCallback()) gAudioThreadAllocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  if (p != nullptr && rt::inAudioCallback())
    gAudioThreadAllocs.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}

TEST_CASE("instruments: every synth kind sounds, is finite and decays after release") {
  using K = music::InstrumentKind;
  CHECK(makeSynthInstrument(K::TestTone) == nullptr);
  for (K kind : {K::Pad, K::Keys, K::Bass, K::Bell, K::Kick, K::Snare, K::Hihat, K::Swell}) {
    CAPTURE(static_cast<int>(kind));
    auto inst = makeSynthInstrument(kind);
    REQUIRE(inst != nullptr);
    inst->prepare(RenderSpec{48000.0, 256});
    const long allocsBefore = gAudioThreadAllocs.load();
    {
      rt::AudioCallbackScope scope;
      inst->noteOn(note(1, 48));
      inst->noteOn(note(2, 55, 0.5F));
    }
    const Rendered on = renderBlocks(*inst, 300);  // 1.6 s held (the swell needs 2 s to peak)
    {
      rt::AudioCallbackScope scope;
      inst->noteOff(1);
      inst->noteOff(2);
    }
    const Rendered off = renderBlocks(*inst, 1900);  // 10 s of release
    CHECK(gAudioThreadAllocs.load() == allocsBefore);
    CHECK(allFinite(on));
    CHECK(allFinite(off));
    CHECK(rms(on.left, 0, on.left.size()) > 1e-3);
    CHECK(rms(on.right, 0, on.right.size()) > 1e-3);
    const std::size_t tail = off.left.size() - 4800;
    CHECK(rms(off.left, tail, off.left.size()) < 1e-5);
    CHECK(inst->activeVoices() == 0);
  }
}

TEST_CASE("instruments: a full pool steals (counted) without a click") {
  // Two sine voices (FM keys with index 0) so the signal's slope is known.
  dsp::FmPatch patch;
  patch.index = 0.0F;
  patch.adsr = {0.004F, 5.0F, 1.0F, 0.2F};
  instruments::BankInstrument<dsp::FmVoiceBank, dsp::FmPatch> inst(patch, 2);
  inst.prepare(RenderSpec{48000.0, 256});
  inst.noteOn(note(1, 57));  // 220 Hz
  inst.noteOn(note(2, 57));
  Rendered r = renderBlocks(inst, 10, 101);
  for (std::uint32_t id = 3; id < 9; ++id) {
    inst.noteOn(note(id, 57));
    const Rendered more = renderBlocks(inst, 3, 101);
    r.left.insert(r.left.end(), more.left.begin(), more.left.end());
  }
  CHECK(inst.voicesStolen() == 6);
  CHECK(inst.activeVoices() <= 2 + instruments::kSpareLanes);
  float jump = 0.0F;
  for (std::size_t i = 1; i < r.left.size(); ++i)
    jump = std::max(jump, std::fabs(r.left[i] - r.left[i - 1]));
  // At most two full voices plus fading ones; a hard cut of one voice would
  // step by its amplitude (~0.14), an order of magnitude above this bound.
  const float amp = patch.gain * 0.9F * 0.7072F;
  const float slope = amp * 2.0F * 3.14159265F * 220.0F / 48000.0F;
  CHECK(jump < 3.0F * slope);
}

TEST_CASE("instruments: same notes give bit-identical output") {
  auto run = [] {
    auto inst = makeSynthInstrument(music::InstrumentKind::Snare);
    inst->prepare(RenderSpec{48000.0, 128});
    std::vector<float> out;
    for (int b = 0; b < 40; ++b) {
      if (b % 8 == 0) inst->noteOn(note(static_cast<std::uint32_t>(b), 38));
      const Rendered r = renderBlocks(*inst, 1, 128);
      out.insert(out.end(), r.left.begin(), r.left.end());
    }
    return out;
  };
  const auto a = run();
  const auto b = run();
  CHECK(std::equal(a.begin(), a.end(), b.begin()));
  CHECK(rms(a, 0, a.size()) > 1e-3);
}

TEST_CASE("instruments: General MIDI renders through the worker without audio-thread allocation") {
  auto inst = makeSynthInstrument(music::InstrumentKind::GeneralMidi);
  REQUIRE(inst != nullptr);
  inst->prepare(RenderSpec{48000.0, 256});
  auto* gm = dynamic_cast<instruments::GeneralMidiInstrument*>(inst.get());
  REQUIRE(gm != nullptr);
  if (!gm->loaded()) {
    MESSAGE("FluidR3_GM.sf2 not installed; skipping the audible check");
    return;
  }
  const long before = gAudioThreadAllocs.load();
  NoteStart n = note(7, 60);
  n.program = 0;  // acoustic grand piano
  {
    rt::AudioCallbackScope scope;
    inst->noteOn(n);
  }
  // Pace the blocks at about real time so the worker keeps ahead.
  std::vector<float> all;
  std::uint64_t underrunsAfterWarmUp = 0;
  for (int b = 0; b < 100; ++b) {
    const Rendered r = renderBlocks(*inst, 1, 256);
    all.insert(all.end(), r.left.begin(), r.left.end());
    std::this_thread::sleep_for(std::chrono::microseconds(5333));
    if (b == 10) underrunsAfterWarmUp = gm->underruns();
    if (b == 60) {
      rt::AudioCallbackScope scope;
      inst->noteOff(7);
    }
  }
  CHECK(gAudioThreadAllocs.load() == before);
  // The worker sleeps between chunks but wakes in time: once it is running, a
  // shortfall of more than one block (a scheduler stall on a busy machine) is a bug.
  CHECK(gm->underruns() - underrunsAfterWarmUp <= 256);
  CHECK(rms(all, 0, all.size()) > 1e-3);
  CHECK(std::all_of(all.begin(), all.end(), [](float v) { return std::isfinite(v); }));
}

TEST_CASE("instruments: an idle General MIDI instrument goes quiet and wakes for the next note") {
  const long allocsBefore = gAudioThreadAllocs.load();
  instruments::GeneralMidiInstrument gm;
  gm.prepare(RenderSpec{48000.0, 256});
  if (!gm.loaded()) {
    MESSAGE("FluidR3_GM.sf2 not installed; skipping");
    return;
  }
  // Paced at about real time, as the audio thread would call it.
  auto blocks = [&gm](int n, std::vector<float>& out) {
    for (int b = 0; b < n; ++b) {
      const Rendered r = renderBlocks(gm, 1, 256);
      out.insert(out.end(), r.left.begin(), r.left.end());
      std::this_thread::sleep_for(std::chrono::microseconds(5333));
    }
  };
  // Never played: nothing rendered, nothing popped, no shortfall counted.
  std::vector<float> before;
  blocks(40, before);
  CHECK(gm.quiet());
  CHECK(gm.underruns() == 0);
  CHECK(std::all_of(before.begin(), before.end(), [](float v) { return v == 0.0F; }));

  // Engine::postNote tells the instrument a note is on its way, ahead of its time.
  gm.expectNotes();
  NoteStart n = note(3, 64);
  n.program = 0;
  gm.noteOn(n);
  std::vector<float> played;
  blocks(60, played);
  CHECK_FALSE(gm.quiet());
  // The note sounds within the lookahead of its start: no poll to wait for.
  const std::size_t onset = static_cast<std::size_t>(
      std::find_if(played.begin(), played.end(), [](float v) { return std::abs(v) > 1e-4F; }) -
      played.begin());
  CHECK(onset < 4 * 256);
  CHECK(rms(played, 0, played.size()) > 1e-3);
  const std::uint64_t underrunsWhilePlaying = gm.underruns();

  // Released: once the reverb tail is below -90 dBFS for 100 ms, and the wake-up hold is
  // over, it goes quiet again.
  gm.noteOff(3);
  std::vector<float> tail;
  int quietAfter = -1;
  for (int b = 0; b < 1200 && quietAfter < 0; ++b) {
    blocks(1, tail);
    if (gm.quiet()) quietAfter = b;
  }
  REQUIRE(quietAfter >= 0);
  MESSAGE("quiet " << quietAfter * 256 / 48 << " ms after the note-off");
  // What it played last, before stopping, was already inaudible: no click.
  CHECK(std::abs(tail.back()) < instruments::GeneralMidiInstrument::kQuietLevel);
  std::vector<float> after;
  blocks(20, after);
  CHECK(std::all_of(after.begin(), after.end(), [](float v) { return v == 0.0F; }));
  CHECK(gm.underruns() - underrunsWhilePlaying <= 256);

  // A note that came without expectNotes() still sounds, after at most the quiet poll.
  NoteStart unannounced = note(4, 67);
  unannounced.program = 0;
  gm.noteOn(unannounced);
  std::vector<float> late;
  blocks(30, late);
  const auto lateOnset = static_cast<std::size_t>(
      std::find_if(late.begin(), late.end(), [](float v) { return std::abs(v) > 1e-4F; }) -
      late.begin());
  const auto pollFrames = static_cast<std::size_t>(
      std::chrono::duration<double>(instruments::GeneralMidiInstrument::kQuietPoll).count() *
      48000.0);
  CHECK(lateOnset < pollFrames + 4 * 256);
  // Quiet, waking, playing and going quiet again: none of it allocated on the audio thread.
  CHECK(gAudioThreadAllocs.load() == allocsBefore);
}
