// FmVoiceBank: two-operator FM (phase modulation), 16 voices per SIMD step.
//
// Carrier sin(2*pi*(pc + index(t) * sin(2*pi*pm))) with the modulator at
// `ratio` times the note frequency. The modulation index starts at `index` and
// decays with its own time constant, so the attack is bright and the tail pure:
// with ratio 1 it is an electric-piano key, with an inharmonic ratio (3.5) a
// bell. The Keys and Bell instruments use it. Same lane layout and thread rules
// as SawVoiceBank: prepare() allocates; the rest is audio-thread, noexcept.
#pragma once

#include "dsp/lane_envelope.hpp"

namespace auralis::dsp {

struct FmPatch {
  float ratio = 1.0F;              // modulator / carrier frequency
  float index = 1.5F;              // peak modulation depth in cycles
  float indexDecaySeconds = 0.6F;  // -60 dB time of the index
  float velocityToIndex = 0.5F;    // harder notes are brighter
  float gain = 0.25F;
  AdsrParams adsr{0.002F, 1.5F, 0.0F, 0.4F};
};

class FmVoiceBank {
 public:
  /// Control thread.
  void prepare(double sampleRate, int voices, int maxBlockFrames);
  /// Control or audio thread; the brightness (index) glides, the rest applies to new notes.
  void setPatch(const FmPatch& patch) noexcept;
  void setBrightness(float index) noexcept { patch_.index = index; }

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
  FmPatch patch_{};
  float indexNow_ = 1.5F;
  LaneEnvelopes env_;
  LaneArray pc_, pm_, incC_, incM_, ienv_, idx_, gl_, gr_;
  LaneArray acc_;
};

}  // namespace auralis::dsp
