// SawVoiceBank: the subtractive voice, 16 voices per SIMD step.
//
// Voice = two detuned PolyBLEP saws -> TPT state-variable low-pass (resonant)
// -> ADSR -> constant-power pan. It is the Pad and Bass instruments' engine and
// the benchmark voice (bench/voices). All per-voice state lives in lane arrays
// (structure of arrays); the kernel keeps a group's 16 voices in registers for a
// 32-sample control period and accumulates lane-wise into a per-sample lane
// buffer, so the one horizontal sum per sample is paid once per block, not once
// per voice group.
//
// Thread rules: prepare() on the control thread (allocates); every other call
// on the audio thread, noexcept and allocation-free.
#pragma once

#include "dsp/lane_envelope.hpp"

namespace auralis::dsp {

struct SawPatch {
  float detuneCents = 10.0F;      // saw 2 against saw 1 (each moves half)
  float osc2Ratio = 1.0F;         // saw 2 frequency ratio (0.5 = sub octave)
  float cutoffHz = 1800.0F;       // at MIDI 60; key tracking scales it with pitch
  float resonance = 0.3F;         // 0 (Q 0.5) .. 1 (Q about 25)
  float keyTrack = 0.5F;          // 0 = fixed cutoff, 1 = follows pitch fully
  float filterEnvOctaves = 0.0F;  // cutoff rise at note start, decaying away
  float filterEnvDecaySeconds = 0.25F;
  float lfoHz = 0.15F;        // slow cutoff modulation (per-voice phase)
  float lfoDepth = 0.0F;      // 0..0.9 fraction of cutoff
  float stereoSpread = 0.0F;  // 0..1: alternate voices pushed left/right
  float gain = 0.25F;
  AdsrParams adsr{};
};

class SawVoiceBank {
 public:
  /// Control thread. Rounds `voices` up to a multiple of 16 lanes.
  void prepare(double sampleRate, int voices, int maxBlockFrames);
  /// Control or audio thread. Cutoff and resonance glide; the rest applies to
  /// new notes (and envelope stages as they change).
  void setPatch(const SawPatch& patch) noexcept;
  void setCutoff(float hz) noexcept { patch_.cutoffHz = hz; }
  void setResonance(float r01) noexcept { patch_.resonance = r01; }

  /// Audio thread. Starts a free lane.
  void start(int lane, float hz, float velocity, float pan) noexcept;
  void release(int lane) noexcept { env_.release(lane); }
  void steal(int lane) noexcept { env_.steal(lane); }
  void reset() noexcept;

  /// Audio thread. Adds `frames` (<= maxBlockFrames) samples into left/right.
  void render(float* left, float* right, int frames) noexcept;

  int lanes() const noexcept { return lanes_; }
  const LaneEnvelopes& envelopes() const noexcept { return env_; }

 private:
  double sampleRate_ = 48000.0;
  int lanes_ = 0;
  int maxBlock_ = 0;
  SawPatch patch_{};
  float cutoffNow_ = 1800.0F;  // smoothed per control period
  float resonanceNow_ = 0.3F;
  std::uint32_t startCount_ = 0;
  LaneEnvelopes env_;
  LaneArray p1_, p2_, inc1_, inc2_, rinc1_, rinc2_, ic1_, ic2_, gl_, gr_;
  LaneArray keyCut_, fenv_, lfo_;
  LaneArray acc_;  // maxBlock * 2 * kLanes lane-wise accumulators
};

}  // namespace auralis::dsp
