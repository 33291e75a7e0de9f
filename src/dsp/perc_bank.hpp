// PercVoiceBank: drums and the noise riser, 16 voices per SIMD step.
//
// Voice = a sine whose pitch sweeps exponentially from `sweepStartHz` down to
// the note's pitch (the kick's thump, the snare's body), plus white noise
// through a state-variable filter (low/band/high mix; the hi-hat's sizzle, the
// snare's wires, the swell's air) whose cutoff can rise with the amplitude
// envelope (the swell opens as it grows), all under one ADSR. Drum patches
// use sustain 0 so a hit decays by itself whether or not it is released.
// Same lane layout and thread rules as SawVoiceBank.
#pragma once

#include "dsp/lane_envelope.hpp"

namespace auralis::dsp {

struct PercPatch {
  float toneLevel = 1.0F;
  float sweepStartHz = 160.0F;    // 0 = no sweep, the tone starts at the note
  float sweepSeconds = 0.04F;     // -60 dB time of the pitch sweep
  float toneDecaySeconds = 0.4F;  // -60 dB time of the tone under the ADSR
  float noiseLevel = 0.0F;
  float noiseCutoffHz = 5000.0F;
  float noiseResonance = 0.2F;
  float noiseLow = 0.0F, noiseBand = 0.0F, noiseHigh = 1.0F;  // filter output mix
  float cutoffEnvOctaves = 0.0F;  // cutoff rise following the envelope level
  float gain = 0.5F;
  AdsrParams adsr{0.0005F, 0.4F, 0.0F, 0.2F};
};

class PercVoiceBank {
 public:
  /// Control thread.
  void prepare(double sampleRate, int voices, int maxBlockFrames);
  /// Control or audio thread; the noise cutoff glides, the rest applies to new notes.
  void setPatch(const PercPatch& patch) noexcept;
  void setNoiseCutoff(float hz) noexcept { patch_.noiseCutoffHz = hz; }

  void start(int lane, float hz, float velocity, float pan) noexcept;
  void release(int lane) noexcept { env_.release(lane); }
  void steal(int lane) noexcept { env_.steal(lane); }
  void reset() noexcept;
  /// Audio thread. Adds `frames` samples into left/right.
  void render(float* left, float* right, int frames) noexcept;

  int lanes() const noexcept { return lanes_; }
  const LaneEnvelopes& envelopes() const noexcept { return env_; }

 private:
  double sampleRate_ = 48000.0;
  int lanes_ = 0;
  int maxBlock_ = 0;
  PercPatch patch_{};
  float cutoffNow_ = 5000.0F;
  std::uint32_t startCount_ = 0;
  LaneEnvelopes env_;
  LaneArray phase_, fBase_, fSweep_, penv_, tenv_, ic1_, ic2_, noise_, keyCut_, gl_, gr_;
  LaneArray acc_;
};

}  // namespace auralis::dsp
