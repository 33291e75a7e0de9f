#include "dsp/fm_bank.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/denormals.hpp"

namespace auralis::dsp {
namespace {

struct FmKernelArgs {
  int groups;
  int frames;
  float* acc;
  float indexScale;  // smoothed global brightness / patch index
  float ienvDecay;   // per-sample multiplier of the index envelope
  LaneEnvelopes* env;
  float *pc, *pm, *incC, *incM, *ienv, *idx, *gl, *gr;
};

AURALIS_LANE_CLONES void renderFmGroups(const FmKernelArgs& a) noexcept {
  for (int g = 0; g < a.groups; ++g) {
    if (!a.env->groupActive(g)) continue;
    const int o = g * kLanes;
    F16 pc = load16(a.pc + o), pm = load16(a.pm + o);
    const F16 ic = load16(a.incC + o), im = load16(a.incM + o);
    F16 ienv = load16(a.ienv + o);
    const F16 idx = load16(a.idx + o) * a.indexScale;
    F16 e = load16(a.env->env() + o);
    const F16 ea = load16(a.env->a() + o), eb = load16(a.env->b() + o);
    const F16 gl = load16(a.gl + o), gr = load16(a.gr + o);
    float* acc = a.acc;
    for (int n = 0; n < a.frames; ++n) {
      pc += ic;
      pc = pc >= 1.0F ? pc - 1.0F : pc;
      pm += im;
      pm = pm >= 1.0F ? pm - 1.0F : pm;
      const F16 mod = sin2pi(pm) * (idx * ienv);
      ienv *= a.ienvDecay;
      e = vmin(vmax(e * ea + eb, splat(0.0F)), splat(1.0F));
      const F16 y = sin2pi(pc + mod) * e;
      store16(acc, load16(acc) + y * gl);
      store16(acc + kLanes, load16(acc + kLanes) + y * gr);
      acc += 2 * kLanes;
    }
    store16(a.pc + o, pc);
    store16(a.pm + o, pm);
    store16(a.ienv + o, ienv);
    store16(a.env->env() + o, e);
    a.env->advance(g);
  }
}

}  // namespace

void FmVoiceBank::prepare(double sampleRate, int voices, int maxBlockFrames) {
  sampleRate_ = sampleRate;
  lanes_ = std::max(1, (voices + kLanes - 1) / kLanes) * kLanes;
  maxBlock_ = std::max(1, maxBlockFrames);
  env_.prepare(sampleRate, lanes_);
  for (LaneArray* arr : {&pc_, &pm_, &incC_, &incM_, &ienv_, &idx_, &gl_, &gr_})
    *arr = makeLaneArray(lanes_);
  acc_ = makeLaneArray(kControlPeriod * 2 * kLanes);
  setPatch(patch_);
  reset();
}

void FmVoiceBank::setPatch(const FmPatch& patch) noexcept {
  patch_ = patch;
  env_.setParams(patch.adsr);
}

void FmVoiceBank::reset() noexcept {
  env_.reset();
  indexNow_ = patch_.index;
}

void FmVoiceBank::start(int lane, float hz, float velocity, float pan) noexcept {
  if (lane < 0 || lane >= lanes_) return;
  const float sr = static_cast<float>(sampleRate_);
  const float v = std::clamp(velocity, 0.0F, 1.0F);
  incC_[lane] = std::clamp(hz, 1.0F, 0.45F * sr) / sr;
  incM_[lane] = std::clamp(hz * patch_.ratio, 1.0F, 0.45F * sr) / sr;
  // Sine phases start at zero: an FM note begins at a zero crossing (no click).
  pc_[lane] = 0.0F;
  pm_[lane] = 0.0F;
  ienv_[lane] = 1.0F;
  // Index per lane relative to the patch index (which setBrightness scales).
  idx_[lane] = (1.0F - patch_.velocityToIndex) + patch_.velocityToIndex * v;
  const float angle = (std::clamp(pan, -1.0F, 1.0F) + 1.0F) * 0.25F * 3.14159265F;
  gl_[lane] = patch_.gain * v * std::cos(angle);
  gr_[lane] = patch_.gain * v * std::sin(angle);
  env_.start(lane);
}

void FmVoiceBank::render(float* left, float* right, int frames) noexcept {
  ScopedFlushDenormals noDenormals;
  frames = std::min(frames, maxBlock_);
  const float sr = static_cast<float>(sampleRate_);
  const float glide = 1.0F - std::exp(-static_cast<float>(kControlPeriod) / (0.02F * sr));
  FmKernelArgs a{};
  a.groups = lanes_ / kLanes;
  a.acc = acc_.get();
  a.ienvDecay = std::exp(std::log(1e-3F) / std::max(1.0F, patch_.indexDecaySeconds * sr));
  a.env = &env_;
  a.pc = pc_.get(), a.pm = pm_.get(), a.incC = incC_.get(), a.incM = incM_.get();
  a.ienv = ienv_.get(), a.idx = idx_.get(), a.gl = gl_.get(), a.gr = gr_.get();
  for (int done = 0; done < frames; done += kControlPeriod) {
    const int n = std::min(kControlPeriod, frames - done);
    indexNow_ += (std::clamp(patch_.index, 0.0F, 20.0F) - indexNow_) * glide;
    a.frames = n;
    a.indexScale = indexNow_;
    std::fill(acc_.get(), acc_.get() + n * 2 * kLanes, 0.0F);
    renderFmGroups(a);
    const float* acc = acc_.get();
    for (int i = 0; i < n; ++i, acc += 2 * kLanes) {
      left[done + i] += sumLanes(load16(acc));
      right[done + i] += sumLanes(load16(acc + kLanes));
    }
  }
}

}  // namespace auralis::dsp
