#include "engine/instruments/general_midi.hpp"
#include "core/thread_name.hpp"

#include <fluidsynth.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace auralis::engine::instruments {

namespace {
constexpr int kMidiChannels = 16;
}  // namespace

// Worker-owned state. GM notes map onto MIDI channels by program so that
// different programs sound at once; channel 9 (drums) is skipped.
struct GeneralMidiInstrument::Fluid {
  fluid_settings_t* settings = nullptr;
  fluid_synth_t* synth = nullptr;
  std::array<int, kMidiChannels> channelProgram{};
  // Which (channel, pitch) each sounding note id holds, for noteOff.
  struct Held {
    std::uint32_t id;
    int channel;
    int pitch;
    bool on;
  };
  std::array<Held, 256> held{};

  ~Fluid() {
    if (synth != nullptr) delete_fluid_synth(synth);
    if (settings != nullptr) delete_fluid_settings(settings);
  }
  int channelFor(int program) {
    for (int c = 0; c < kMidiChannels; ++c)
      if (c != 9 && channelProgram[static_cast<std::size_t>(c)] == program) return c;
    // A new program takes the next channel round-robin (skipping drums).
    const int c = nextChannel;
    nextChannel = (nextChannel + 1) % kMidiChannels;
    if (nextChannel == 9) nextChannel = 10;
    channelProgram[static_cast<std::size_t>(c)] = program;
    fluid_synth_program_change(synth, c, program);
    return c;
  }
  int nextChannel = 0;
};

GeneralMidiInstrument::GeneralMidiInstrument(std::string soundFont)
    : soundFont_(std::move(soundFont)) {}

GeneralMidiInstrument::~GeneralMidiInstrument() {
  stop();
}

void GeneralMidiInstrument::stop() {
  {
    std::lock_guard lock(wakeMutex_);  // a quiet worker sees it at once
    running_.store(false, std::memory_order_release);
  }
  wakeCv_.notify_one();
  if (worker_.joinable()) worker_.join();
}

void GeneralMidiInstrument::prepare(const RenderSpec& spec) {
  stop();
  fluid_ = std::make_unique<Fluid>();
  fluid_->settings = new_fluid_settings();
  fluid_settings_setnum(fluid_->settings, "synth.sample-rate", spec.sampleRate);
  fluid_settings_setint(fluid_->settings, "synth.cpu-cores", 1);
  fluid_settings_setint(fluid_->settings, "synth.polyphony", 128);
  fluid_->synth = new_fluid_synth(fluid_->settings);
  loaded_ = fluid_->synth != nullptr &&
            fluid_synth_sfload(fluid_->synth, soundFont_.c_str(), 1) != FLUID_FAILED;
  if (fluid_->synth != nullptr) {
    for (int c = 0; c < kMidiChannels; ++c) {
      fluid_->channelProgram[static_cast<std::size_t>(c)] = c == 9 ? -1 : 0;
      if (c != 9) fluid_synth_program_change(fluid_->synth, c, 0);
    }
  }
  rate_ = spec.sampleRate > 0 ? spec.sampleRate : 48000.0;
  events_ = std::make_unique<SpscRing<Event>>(1024);
  audio_ = std::make_unique<SpscRing<Frame>>(
      static_cast<std::size_t>(kLookaheadFrames + kChunkFrames + spec.maxBlockFrames));
  quiet_.store(true, std::memory_order_release);  // nothing rendered yet: nothing to pop
  running_.store(true, std::memory_order_release);
  worker_ = std::thread([this] {
    core::nameThisThread("au-gm-render");
    workerLoop();
  });
}

void GeneralMidiInstrument::noteOn(const NoteStart& note) noexcept {
  Event e;
  e.type = Event::kOn;
  e.pitch = std::min<std::uint8_t>(note.pitch, 127);
  e.program = std::min<std::uint8_t>(note.program, 127);
  e.velocity = static_cast<std::uint8_t>(std::clamp(note.velocity, 0.0F, 1.0F) * 126.0F + 1.0F);
  e.noteId = note.noteId;
  if (!events_ || !events_->tryPush(e)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void GeneralMidiInstrument::noteOff(std::uint32_t noteId) noexcept {
  Event e;
  e.type = Event::kOff;
  e.noteId = noteId;
  if (!events_ || !events_->tryPush(e)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void GeneralMidiInstrument::allNotesOff() noexcept {
  Event e;
  e.type = Event::kAllOff;
  if (!events_ || !events_->tryPush(e)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void GeneralMidiInstrument::reset() noexcept {
  Event e;
  e.type = Event::kReset;
  if (!events_ || !events_->tryPush(e)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void GeneralMidiInstrument::render(float* left, float* right, int frames) noexcept {
  if (!audio_ || quiet_.load(std::memory_order_acquire)) return;
  Frame f{};
  for (int i = 0; i < frames; ++i) {
    if (!audio_->tryPop(f)) {
      underruns_.fetch_add(static_cast<std::uint64_t>(frames - i), std::memory_order_relaxed);
      return;
    }
    left[i] += f.l;
    right[i] += f.r;
  }
}

void GeneralMidiInstrument::expectNotes() noexcept {
  // Also when awake: it restarts the hold, so the worker is not quiet when the note comes.
  wakeRequested_.store(true, std::memory_order_release);
  { std::lock_guard lock(wakeMutex_); }  // a worker between its check and its wait sees it
  wakeCv_.notify_one();
}

int GeneralMidiInstrument::activeVoices() const noexcept {
  return voices_.load(std::memory_order_relaxed);
}

void GeneralMidiInstrument::workerLoop() {
  Fluid& fl = *fluid_;
  std::array<float, kChunkFrames> l{}, r{};
  constexpr auto kRefillAt = static_cast<std::size_t>(kLookaheadFrames - kChunkFrames);
  const auto holdFrames = static_cast<int>(kWakeHoldSeconds * rate_);
  int quietFrames = 0;  // rendered in a row with no voice and below kQuietLevel
  // Frames still to render before going quiet is allowed; above zero while quiet,
  // it means woken and refilling the lookahead.
  int holdLeft = 0;
  while (running_.load(std::memory_order_acquire)) {
    const bool woken = wakeRequested_.exchange(false, std::memory_order_acq_rel);
    if (applyEvents() || woken) holdLeft = holdFrames;
    const bool quiet = quiet_.load(std::memory_order_relaxed);  // only this thread writes it
    if (quiet && holdLeft == 0) {
      std::unique_lock lock(wakeMutex_);
      wakeCv_.wait_for(lock, kQuietPoll, [this] {
        return wakeRequested_.load(std::memory_order_acquire) ||
               !running_.load(std::memory_order_acquire);
      });
      continue;
    }
    // Render ahead while the audio ring is short of the lookahead. Waking from
    // quiet, the whole lookahead is there before the audio thread reads again.
    const std::size_t held = audio_->sizeApprox();
    if (held <= kRefillAt) {
      l.fill(0.0F);
      r.fill(0.0F);
      int voices = 0;
      if (fl.synth != nullptr) {
        fluid_synth_write_float(fl.synth, kChunkFrames, l.data(), 0, 1, r.data(), 0, 1);
        voices = fluid_synth_get_active_voice_count(fl.synth);
        voices_.store(voices, std::memory_order_relaxed);
      }
      float peak = 0.0F;
      for (int i = 0; i < kChunkFrames; ++i) {
        const auto k = static_cast<std::size_t>(i);
        peak = std::max({peak, std::abs(l[k]), std::abs(r[k])});
        audio_->tryPush(Frame{l[k], r[k]});
      }
      quietFrames = voices == 0 && peak < kQuietLevel ? quietFrames + kChunkFrames : 0;
      holdLeft = std::max(holdLeft - kChunkFrames, 0);
      continue;
    }
    if (quiet) {
      quietFrames = 0;
      quiet_.store(false, std::memory_order_release);
    } else if (quietFrames >= kQuietFrames && holdLeft == 0) {
      // What is left in the ring is below -90 dBFS: leaving it unplayed is inaudible.
      quiet_.store(true, std::memory_order_release);
      continue;
    }
    // Sleep until playback can have eaten into the lookahead by a chunk: a
    // fixed short poll cost thousands of wake-ups a second for nothing.
    const double framesAbove = static_cast<double>(held - kRefillAt);
    const auto wait =
        std::chrono::microseconds(static_cast<std::int64_t>(framesAbove * 1e6 / rate_));
    std::this_thread::sleep_for(std::max(wait, std::chrono::microseconds(200)));
  }
}

bool GeneralMidiInstrument::applyEvents() {
  Fluid& fl = *fluid_;
  Event e;
  bool any = false;
  while (events_->tryPop(e)) {
    any = true;
    if (fl.synth == nullptr) continue;
    switch (e.type) {
      case Event::kOn: {
        const int ch = fl.channelFor(e.program);
        fluid_synth_noteon(fl.synth, ch, e.pitch, e.velocity);
        for (auto& h : fl.held)
          if (!h.on) {
            h = {e.noteId, ch, e.pitch, true};
            break;
          }
        break;
      }
      case Event::kOff:
        for (auto& h : fl.held)
          if (h.on && h.id == e.noteId) {
            fluid_synth_noteoff(fl.synth, h.channel, h.pitch);
            h.on = false;
          }
        break;
      case Event::kAllOff:
        for (auto& h : fl.held) h.on = false;
        fluid_synth_all_notes_off(fl.synth, -1);
        break;
      case Event::kReset:
        for (auto& h : fl.held) h.on = false;
        fluid_synth_all_sounds_off(fl.synth, -1);
        break;
    }
  }
  return any;
}

}  // namespace auralis::engine::instruments
