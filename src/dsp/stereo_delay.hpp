// StereoDelay: a tempo-syncable echo with filtered feedback, 100% wet out.
//
// Each channel is a circular delay read at a fractional position. A time change
// never moves the read point (a jump there is a click, and gliding it bends the
// pitch of every echo): a second read head starts at the new time and the
// output crossfades to it over 40 ms; a change that arrives mid-fade waits for
// the fade to finish. The feedback path runs through a one-pole
// low-pass (damping) and a gentle high-pass so repeats darken and never build
// up bass. In ping-pong mode the input goes to the left line and each repeat
// crosses to the other side.
//
// Thread rules: prepare() on the control thread (allocates); everything else on
// the audio thread, noexcept, allocation-free.
#pragma once

#include <vector>

namespace auralis::dsp {

class StereoDelay {
 public:
  /// Control thread. Allocates maxDelaySeconds of memory per channel.
  void prepare(double sampleRate, int maxBlock, double maxDelaySeconds);
  /// Audio thread. Clears the echoes.
  void reset() noexcept;
  /// Delay time in seconds (clamped to the prepared maximum); glides, no clicks.
  void setTime(float seconds) noexcept;
  /// Tempo sync: `beats` beats (0.75 = dotted eighth) at `bpm`.
  void setTimeBeats(float beats, float bpm) noexcept { setTime(beats * 60.0F / bpm); }
  /// Clamped to [0, 0.95].
  void setFeedback(float fb) noexcept;
  /// 0 (bright repeats) .. 1 (dark repeats).
  void setDamping(float damping01) noexcept;
  void setPingPong(bool on) noexcept { pingPong_ = on; }
  /// 100% wet; outputs overwritten; in and out may not alias. frames <= maxBlock.
  void process(const float* inL, const float* inR, float* outL, float* outR, int frames) noexcept;

 private:
  void read(float delay, float& l, float& r) const noexcept;

  float sampleRate_ = 48000.0F;
  int maxBlock_ = 0;
  std::vector<float> bufL_, bufR_;
  int mask_ = 0;
  int write_ = 0;
  float maxDelay_ = 1.0F;    // samples
  float target_ = 24000.0F;  // samples, as last set
  float delay_ = 24000.0F;   // the current read head
  float next_ = 24000.0F;    // the head being faded in
  float fade_ = 0.0F;        // 0 = all delay_, 1 = all next_
  float fadeStep_ = 0.0F;
  bool fading_ = false;
  float feedback_ = 0.4F;
  float dampCoef_ = 0.3F;
  float hpCoef_ = 0.0F;
  bool pingPong_ = false;
  float lowL_ = 0, lowR_ = 0, hpL_ = 0, hpR_ = 0;
};

}  // namespace auralis::dsp
