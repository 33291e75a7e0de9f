// BankInstrument<Bank>: the Instrument interface over a lane-parallel voice
// bank (SawVoiceBank, FmVoiceBank, PercVoiceBank), with the voice allocation.
//
// Allocation: the bank has `voices + kSpareLanes` lanes. At most `voices`
// sound at once; when a note arrives and they are all busy, the victim (the
// quietest released voice, else the oldest held one) is *stolen*: it fades to
// zero over 3 ms in its own lane while the new note starts at once in a spare
// lane, so neither the cut nor the start clicks. Only if steals arrive faster
// than the spare lanes' fades finish is the quietest fading lane reused.
//
// Thread rules: as Instrument (prepare on the control thread, the rest on the
// audio thread, noexcept, allocation-free).
#pragma once

#include <array>
#include <cstdint>

#include "core/units.hpp"
#include "dsp/fm_bank.hpp"
#include "dsp/lane_envelope.hpp"
#include "dsp/perc_bank.hpp"
#include "dsp/saw_bank.hpp"
#include "engine/instrument.hpp"

namespace auralis::engine::instruments {

inline constexpr int kSpareLanes = 4;

// Parameter routing per bank (ids from synth_instruments.hpp: 0 brightness,
// 1 resonance). Each bank glides the value itself.
inline void applyParameter(dsp::SawVoiceBank& b, int id, float v) noexcept {
  if (id == 0) b.setCutoff(v);
  if (id == 1) b.setResonance(v);
}
inline void applyParameter(dsp::FmVoiceBank& b, int id, float v) noexcept {
  if (id == 0) b.setBrightness(v);
}
inline void applyParameter(dsp::PercVoiceBank& b, int id, float v) noexcept {
  if (id == 0) b.setNoiseCutoff(v);
}
inline constexpr int kMaxLanes = 128;

template <class Bank, class Patch>
class BankInstrument : public Instrument {
 public:
  /// Control thread. `voices` + kSpareLanes must not exceed kMaxLanes.
  BankInstrument(const Patch& patch, int voices, float pitchOffset = 0.0F)
      : patch_(patch), voices_(voices), pitchOffset_(pitchOffset) {}

  void prepare(const RenderSpec& spec) override {
    bank_.prepare(spec.sampleRate, voices_ + kSpareLanes, spec.maxBlockFrames);
    bank_.setPatch(patch_);
    reset();
  }

  void noteOn(const NoteStart& note) noexcept override {
    const auto& env = bank_.envelopes();
    const int lanes = bank_.lanes();
    int sounding = 0;
    int victim = -1;
    float victimLevel = 2.0F;
    bool victimReleased = false;
    for (int i = 0; i < lanes; ++i) {
      const auto s = env.stage(i);
      if (s == dsp::kStageFree || s == dsp::kStageSteal) continue;
      ++sounding;
      const bool released = s == dsp::kStageRelease;
      // Prefer released voices (quietest first), then the oldest held one.
      const bool better = victim < 0 || (released && !victimReleased) ||
                          (released && victimReleased && env.level(i) < victimLevel) ||
                          (!released && !victimReleased && age_[i] < age_[victim]);
      if (better) {
        victim = i;
        victimLevel = env.level(i);
        victimReleased = released;
      }
    }
    if (sounding >= voices_ && victim >= 0) {
      bank_.steal(victim);
      held_[victim] = false;
      ++stolen_;
    }
    int lane = -1;
    float quietest = 2.0F;
    for (int i = 0; i < lanes && lane < 0; ++i)
      if (env.stage(i) == dsp::kStageFree) lane = i;
    if (lane < 0) {
      // Every spare lane is still fading: reuse the quietest fading lane.
      for (int i = 0; i < lanes; ++i)
        if (env.stage(i) == dsp::kStageSteal && env.level(i) < quietest) {
          quietest = env.level(i);
          lane = i;
        }
    }
    if (lane < 0) return;  // unreachable with kSpareLanes > 0
    const float hz =
        static_cast<float>(midiToHz(note.pitch + static_cast<double>(pitchOffset_)).value);
    bank_.start(lane, hz, note.velocity, note.pan);
    noteIds_[lane] = note.noteId;
    held_[lane] = true;
    age_[lane] = ++clock_;
  }

  void noteOff(std::uint32_t noteId) noexcept override {
    for (int i = 0; i < bank_.lanes(); ++i)
      if (held_[i] && noteIds_[i] == noteId) {
        bank_.release(i);
        held_[i] = false;
      }
  }

  void allNotesOff() noexcept override {
    for (int i = 0; i < bank_.lanes(); ++i) {
      bank_.release(i);
      held_[i] = false;
    }
  }

  void reset() noexcept override {
    bank_.reset();
    held_.fill(false);
    age_.fill(0);
  }

  void render(float* left, float* right, int frames) noexcept override {
    bank_.render(left, right, frames);
  }

  void setParameter(int id, float value) noexcept override { applyParameter(bank_, id, value); }

  int activeVoices() const noexcept override {
    int n = 0;
    for (int i = 0; i < bank_.lanes(); ++i) n += bank_.envelopes().stage(i) != dsp::kStageFree;
    return n;
  }
  std::uint64_t voicesStolen() const noexcept override { return stolen_; }

 private:
  Bank bank_;
  Patch patch_;
  int voices_;
  float pitchOffset_;  // semitones (e.g. the bass plays an octave down)
  std::uint64_t stolen_ = 0;
  std::uint64_t clock_ = 0;
  std::array<std::uint32_t, kMaxLanes> noteIds_{};
  std::array<std::uint64_t, kMaxLanes> age_{};
  std::array<bool, kMaxLanes> held_{};
};

}  // namespace auralis::engine::instruments
