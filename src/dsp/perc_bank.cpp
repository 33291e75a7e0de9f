#include "dsp/perc_bank.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/denormals.hpp"
#include "dsp/svf.hpp"

namespace auralis::dsp {
namespace {

struct PercKernelArgs {
  int groups;
  int frames;
  float* acc;
  float cutoffNorm, k, cutEnvMul, penvDecay, tenvDecay;
  float toneLevel, noiseLevel, mixLow, mixBand, mixHigh;
  LaneEnvelopes* env;
  float *phase, *fBase, *fSweep, *penv, *tenv, *ic1, *ic2, *keyCut, *gl, *gr;
  std::uint32_t* noise;
};

AURALIS_LANE_CLONES void renderPercGroups(const PercKernelArgs& a) noexcept {
  for (int g = 0; g < a.groups; ++g) {
    if (!a.env->groupActive(g)) continue;
    const int o = g * kLanes;
    F16 e = load16(a.env->env() + o);
    // Control rate: the noise filter's cutoff follows the envelope level.
    F16 cut = load16(a.keyCut + o) * a.cutoffNorm * (1.0F + a.cutEnvMul * e * e);
    cut = vmin(vmax(cut, splat(2e-4F)), splat(0.45F));
    const F16 gg = tanLanes(cut * 3.14159265358979F);
    const SvfCoefs<F16> c = svfCoefs(gg, splat(a.k));

    F16 phase = load16(a.phase + o), penv = load16(a.penv + o), tenv = load16(a.tenv + o);
    const F16 fBase = load16(a.fBase + o), fSweep = load16(a.fSweep + o);
    F16 ic1 = load16(a.ic1 + o), ic2 = load16(a.ic2 + o);
    U16 noise = *reinterpret_cast<const U16*>(__builtin_assume_aligned(a.noise + o, kLaneAlign));
    const F16 ea = load16(a.env->a() + o), eb = load16(a.env->b() + o);
    const F16 gl = load16(a.gl + o), gr = load16(a.gr + o);
    float* acc = a.acc;
    for (int n = 0; n < a.frames; ++n) {
      // Tone: frequency (cycles per sample) = base + sweep * decaying envelope.
      phase += fBase + fSweep * penv;
      phase = phase >= 1.0F ? phase - 1.0F : phase;
      penv *= a.penvDecay;
      const F16 tone = sin2pi(phase) * tenv;
      tenv *= a.tenvDecay;
      // Noise through the TPT state-variable filter, outputs mixed.
      const F16 x = noiseLanes(noise);
      F16 band, high;
      const F16 low = svfTick(c, x, ic1, ic2, &band, &high);
      const F16 filtered = a.mixLow * low + a.mixBand * band + a.mixHigh * high;
      e = vmin(vmax(e * ea + eb, splat(0.0F)), splat(1.0F));
      const F16 y = (a.toneLevel * tone + a.noiseLevel * filtered) * e;
      store16(acc, load16(acc) + y * gl);
      store16(acc + kLanes, load16(acc + kLanes) + y * gr);
      acc += 2 * kLanes;
    }
    store16(a.phase + o, phase);
    store16(a.penv + o, penv);
    store16(a.tenv + o, tenv);
    store16(a.ic1 + o, ic1);
    store16(a.ic2 + o, ic2);
    *reinterpret_cast<U16*>(__builtin_assume_aligned(a.noise + o, kLaneAlign)) = noise;
    store16(a.env->env() + o, e);
    a.env->advance(g);
  }
}

}  // namespace

void PercVoiceBank::prepare(double sampleRate, int voices, int maxBlockFrames) {
  sampleRate_ = sampleRate;
  lanes_ = std::max(1, (voices + kLanes - 1) / kLanes) * kLanes;
  maxBlock_ = std::max(1, maxBlockFrames);
  env_.prepare(sampleRate, lanes_);
  for (LaneArray* arr :
       {&phase_, &fBase_, &fSweep_, &penv_, &tenv_, &ic1_, &ic2_, &noise_, &keyCut_, &gl_, &gr_})
    *arr = makeLaneArray(lanes_);
  acc_ = makeLaneArray(kControlPeriod * 2 * kLanes);
  setPatch(patch_);
  reset();
}

void PercVoiceBank::setPatch(const PercPatch& patch) noexcept {
  patch_ = patch;
  env_.setParams(patch.adsr);
}

void PercVoiceBank::reset() noexcept {
  env_.reset();
  auto* seeds = reinterpret_cast<std::uint32_t*>(noise_.get());
  for (int i = 0; i < lanes_; ++i) {
    ic1_[i] = ic2_[i] = 0.0F;
    seeds[i] = 0x9E3779B9U * static_cast<std::uint32_t>(i + 1);  // never zero
  }
  startCount_ = 0;
  cutoffNow_ = patch_.noiseCutoffHz;
}

void PercVoiceBank::start(int lane, float hz, float velocity, float pan) noexcept {
  if (lane < 0 || lane >= lanes_) return;
  const float sr = static_cast<float>(sampleRate_);
  const float v = std::clamp(velocity, 0.0F, 1.0F);
  const float f = std::clamp(hz, 1.0F, 0.45F * sr);
  fBase_[lane] = f / sr;
  fSweep_[lane] = patch_.sweepStartHz > f ? (patch_.sweepStartHz - f) / sr : 0.0F;
  phase_[lane] = 0.0F;  // a sine from zero: the transient is the envelope's, not a step
  penv_[lane] = 1.0F;
  tenv_[lane] = 1.0F;
  ic1_[lane] = ic2_[lane] = 0.0F;
  keyCut_[lane] = std::sqrt(f / 261.6256F);
  auto* seeds = reinterpret_cast<std::uint32_t*>(noise_.get());
  seeds[lane] = 0x9E3779B9U * (++startCount_) | 1U;
  const float angle = (std::clamp(pan, -1.0F, 1.0F) + 1.0F) * 0.25F * 3.14159265F;
  gl_[lane] = patch_.gain * v * std::cos(angle);
  gr_[lane] = patch_.gain * v * std::sin(angle);
  env_.start(lane);
}

void PercVoiceBank::render(float* left, float* right, int frames) noexcept {
  ScopedFlushDenormals noDenormals;
  frames = std::min(frames, maxBlock_);
  const float sr = static_cast<float>(sampleRate_);
  const float glide = 1.0F - std::exp(-static_cast<float>(kControlPeriod) / (0.02F * sr));
  PercKernelArgs a{};
  a.groups = lanes_ / kLanes;
  a.acc = acc_.get();
  a.k = 2.0F - 1.96F * std::clamp(patch_.noiseResonance, 0.0F, 1.0F);
  a.cutEnvMul = std::exp2(patch_.cutoffEnvOctaves) - 1.0F;
  a.penvDecay = std::exp(std::log(1e-3F) / std::max(1.0F, patch_.sweepSeconds * sr));
  a.tenvDecay = std::exp(std::log(1e-3F) / std::max(1.0F, patch_.toneDecaySeconds * sr));
  a.toneLevel = patch_.toneLevel;
  a.noiseLevel = patch_.noiseLevel;
  a.mixLow = patch_.noiseLow, a.mixBand = patch_.noiseBand, a.mixHigh = patch_.noiseHigh;
  a.env = &env_;
  a.phase = phase_.get(), a.fBase = fBase_.get(), a.fSweep = fSweep_.get(), a.penv = penv_.get();
  a.tenv = tenv_.get(), a.ic1 = ic1_.get(), a.ic2 = ic2_.get(), a.keyCut = keyCut_.get();
  a.gl = gl_.get(), a.gr = gr_.get();
  a.noise = reinterpret_cast<std::uint32_t*>(noise_.get());
  for (int done = 0; done < frames; done += kControlPeriod) {
    const int n = std::min(kControlPeriod, frames - done);
    cutoffNow_ += (std::clamp(patch_.noiseCutoffHz, 20.0F, 0.45F * sr) - cutoffNow_) * glide;
    a.frames = n;
    a.cutoffNorm = cutoffNow_ / sr;
    std::fill(acc_.get(), acc_.get() + n * 2 * kLanes, 0.0F);
    renderPercGroups(a);
    const float* acc = acc_.get();
    for (int i = 0; i < n; ++i, acc += 2 * kLanes) {
      left[done + i] += sumLanes(load16(acc));
      right[done + i] += sumLanes(load16(acc + kLanes));
    }
  }
}

}  // namespace auralis::dsp
