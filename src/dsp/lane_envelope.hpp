// LaneEnvelopes: one ADSR per voice lane, stepped 16 lanes at a time.
//
// Every stage is the same branch-free update, env = clamp(env * a + b, 0, 1):
//   attack   exponential rise towards 1.2, clamped at 1 (a curve that sounds
//            linear-ish but has no corner at the start)
//   decay    exponential fall towards the sustain level (also the sustain stage)
//   release  exponential fall towards a target just below zero, so it ends
//   steal    a straight 3 ms ramp to zero (a = 1, b = -step): a stolen voice
//            fades instead of being cut, which is what keeps stealing click-free
// Stage changes happen only between control sub-blocks (kernels call advance()
// every kControlPeriod samples); a = 0, b = 0 holds a free lane at exactly 0.
//
// Thread rules: prepare()/setParams() on the control thread (setParams is also
// RT-safe), everything else on the audio thread, noexcept, allocation-free.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include "dsp/lanes.hpp"

namespace auralis::dsp {

/// Control-rate period of every voice bank: parameters, filter coefficients and
/// envelope stages update once per this many samples (0.67 ms at 48 kHz).
inline constexpr int kControlPeriod = 32;

struct AdsrParams {
  float attackSeconds = 0.005F;
  float decaySeconds = 0.2F;
  float sustainLevel = 0.7F;
  float releaseSeconds = 0.3F;
};

using LaneStage = std::int32_t;
inline constexpr LaneStage kStageFree = 0;
inline constexpr LaneStage kStageAttack = 1;
inline constexpr LaneStage kStageDecay = 2;
inline constexpr LaneStage kStageRelease = 3;
inline constexpr LaneStage kStageSteal = 4;

/// 64-byte-aligned float storage for lane arrays (allocated in prepare only).
struct AlignedDeleter {
  void operator()(float* p) const noexcept { ::operator delete[](p, std::align_val_t(kLaneAlign)); }
};
using LaneArray = std::unique_ptr<float[], AlignedDeleter>;
inline LaneArray makeLaneArray(int n) {
  auto* p = static_cast<float*>(
      ::operator new[](sizeof(float) * static_cast<std::size_t>(n), std::align_val_t(kLaneAlign)));
  std::fill(p, p + n, 0.0F);
  return LaneArray(p);
}

class LaneEnvelopes {
 public:
  /// Control thread. `lanes` is a multiple of kLanes.
  void prepare(double sampleRate, int lanes) {
    sampleRate_ = static_cast<float>(sampleRate);
    lanes_ = lanes;
    env_ = makeLaneArray(lanes);
    a_ = makeLaneArray(lanes);
    b_ = makeLaneArray(lanes);
    stage_ = makeLaneArray(lanes);  // stored as int32 bit patterns
    stealStep_ = 1.0F / (kStealSeconds * sampleRate_);
    setParams(params_);
    reset();
  }

  /// Any thread that owns the bank; takes effect at the next stage change.
  void setParams(const AdsrParams& p) noexcept {
    params_ = p;
    // Attack: 1.2 * (1 - c^n) = 1 after n samples  =>  c = (1/6)^(1/n).
    attackA_ = coef(p.attackSeconds, std::log(1.0F / 6.0F));
    attackB_ = 1.2F * (1.0F - attackA_);
    // Decay and release: -60 dB in the stated time.
    decayA_ = coef(p.decaySeconds, std::log(1e-3F));
    decayB_ = std::clamp(p.sustainLevel, 0.0F, 1.0F) * (1.0F - decayA_);
    releaseA_ = coef(p.releaseSeconds, std::log(1e-3F));
    releaseB_ = -kReleaseUndershoot * (1.0F - releaseA_);
  }

  /// Audio thread. Starts `lane` from its current level (0 for a free lane).
  void start(int lane) noexcept { set(lane, kStageAttack, attackA_, attackB_); }
  void release(int lane) noexcept {
    const auto s = stage(lane);
    if (s == kStageAttack || s == kStageDecay) set(lane, kStageRelease, releaseA_, releaseB_);
  }
  /// Fades the lane to zero in kStealSeconds, then frees it.
  void steal(int lane) noexcept {
    if (stage(lane) != kStageFree) set(lane, kStageSteal, 1.0F, -stealStep_);
  }
  void kill(int lane) noexcept {
    set(lane, kStageFree, 0.0F, 0.0F);
    env_[lane] = 0.0F;
  }
  void reset() noexcept {
    for (int i = 0; i < lanes_; ++i) kill(i);
  }

  LaneStage stage(int lane) const noexcept { return stageInts()[lane]; }
  float level(int lane) const noexcept { return env_[lane]; }
  bool groupActive(int group) const noexcept {
    const std::int32_t* s = stageInts() + group * kLanes;
    for (int i = 0; i < kLanes; ++i)
      if (s[i] != kStageFree) return true;
    return false;
  }

  float* env() noexcept { return env_.get(); }
  const float* a() const noexcept { return a_.get(); }
  const float* b() const noexcept { return b_.get(); }

  /// Audio thread, after each control sub-block of a group: moves lanes whose
  /// stage has finished on to the next one (vectorised over the 16 lanes).
  AURALIS_LANE_INLINE void advance(int group) noexcept {
    const int o = group * kLanes;
    std::int32_t* sp = stageInts() + o;
    I16 st = load16i(sp);
    F16 e = load16(env_.get() + o);
    F16 a = load16(a_.get() + o);
    F16 b = load16(b_.get() + o);
    const I16 toDecay = (st == kStageAttack) & (e >= 1.0F);
    const I16 toFree =
        ((st == kStageRelease) & (e <= kFreeLevel)) | ((st == kStageSteal) & (e <= 0.0F));
    st = toDecay ? I16{} + kStageDecay : st;
    a = toDecay ? splat(decayA_) : a;
    b = toDecay ? splat(decayB_) : b;
    st = toFree ? I16{} + kStageFree : st;
    a = toFree ? splat(0.0F) : a;
    b = toFree ? splat(0.0F) : b;
    e = toFree ? splat(0.0F) : e;
    store16i(sp, st);
    store16(env_.get() + o, e);
    store16(a_.get() + o, a);
    store16(b_.get() + o, b);
  }

  static constexpr float kStealSeconds = 0.003F;

 private:
  static constexpr float kReleaseUndershoot = 1e-4F;
  static constexpr float kFreeLevel = 1e-5F;

  float coef(float seconds, float logRatio) const noexcept {
    const float n = std::max(1.0F, seconds * sampleRate_);
    return std::exp(logRatio / n);
  }
  void set(int lane, LaneStage s, float a, float b) noexcept {
    stageInts()[lane] = s;
    a_[lane] = a;
    b_[lane] = b;
  }
  std::int32_t* stageInts() const noexcept { return reinterpret_cast<std::int32_t*>(stage_.get()); }

  float sampleRate_ = 48000.0F;
  int lanes_ = 0;
  AdsrParams params_{};
  LaneArray env_, a_, b_, stage_;
  float attackA_ = 0, attackB_ = 0, decayA_ = 0, decayB_ = 0, releaseA_ = 0, releaseB_ = 0;
  float stealStep_ = 0.0F;
};

}  // namespace auralis::dsp
