#include "dsp/saw_bank.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/denormals.hpp"
#include "dsp/polyblep.hpp"
#include "dsp/svf.hpp"

namespace auralis::dsp {
namespace {

struct SawKernelArgs {
  int groups;
  int frames;  // <= kControlPeriod
  float* acc;  // 2 * frames * kLanes, L lanes then R lanes per sample
  float cutoffNorm, k, lfoDepth, lfoInc, fenvMul, fenvDecay;
  LaneEnvelopes* env;
  float *p1, *p2, *inc1, *inc2, *rinc1, *rinc2, *ic1, *ic2, *gl, *gr, *keyCut, *fenv, *lfo;
};

AURALIS_LANE_CLONES void renderSawGroups(const SawKernelArgs& a) noexcept {
  for (int g = 0; g < a.groups; ++g) {
    if (!a.env->groupActive(g)) continue;
    const int o = g * kLanes;
    // Control-rate stage: per-voice cutoff from the smoothed global value, key
    // tracking, the LFO and the filter envelope; then the TPT coefficients.
    F16 lfo = load16(a.lfo + o) + a.lfoInc;
    lfo = lfo >= 1.0F ? lfo - 1.0F : lfo;
    store16(a.lfo + o, lfo);
    const F16 tri = vmax(lfo - 0.5F, 0.5F - lfo) * 4.0F - 1.0F;
    F16 fenv = load16(a.fenv + o);
    F16 cut =
        load16(a.keyCut + o) * a.cutoffNorm * (1.0F + a.lfoDepth * tri) * (1.0F + a.fenvMul * fenv);
    store16(a.fenv + o, fenv * a.fenvDecay);
    cut = vmin(vmax(cut, splat(2e-4F)), splat(0.45F));
    const F16 gg = tanLanes(cut * 3.14159265358979F);
    const SvfCoefs<F16> c = svfCoefs(gg, splat(a.k));

    F16 p1 = load16(a.p1 + o), p2 = load16(a.p2 + o);
    const F16 i1 = load16(a.inc1 + o), i2 = load16(a.inc2 + o);
    const F16 r1 = load16(a.rinc1 + o), r2 = load16(a.rinc2 + o);
    F16 ic1 = load16(a.ic1 + o), ic2 = load16(a.ic2 + o);
    F16 e = load16(a.env->env() + o);
    const F16 ea = load16(a.env->a() + o), eb = load16(a.env->b() + o);
    const F16 gl = load16(a.gl + o), gr = load16(a.gr + o);
    float* acc = a.acc;
    for (int n = 0; n < a.frames; ++n) {
      p1 += i1;
      p1 = p1 >= 1.0F ? p1 - 1.0F : p1;
      p2 += i2;
      p2 = p2 >= 1.0F ? p2 - 1.0F : p2;
      const F16 x = (polyBlepSaw(p1, i1, r1) + polyBlepSaw(p2, i2, r2)) * 0.5F;
      const F16 low = svfTick(c, x, ic1, ic2);
      e = vmin(vmax(e * ea + eb, splat(0.0F)), splat(1.0F));
      const F16 y = low * e;
      store16(acc, load16(acc) + y * gl);
      store16(acc + kLanes, load16(acc + kLanes) + y * gr);
      acc += 2 * kLanes;
    }
    store16(a.p1 + o, p1);
    store16(a.p2 + o, p2);
    store16(a.ic1 + o, ic1);
    store16(a.ic2 + o, ic2);
    store16(a.env->env() + o, e);
    a.env->advance(g);
  }
}

}  // namespace

void SawVoiceBank::prepare(double sampleRate, int voices, int maxBlockFrames) {
  sampleRate_ = sampleRate;
  lanes_ = std::max(1, (voices + kLanes - 1) / kLanes) * kLanes;
  maxBlock_ = std::max(1, maxBlockFrames);
  env_.prepare(sampleRate, lanes_);
  for (LaneArray* arr : {&p1_, &p2_, &inc1_, &inc2_, &rinc1_, &rinc2_, &ic1_, &ic2_, &gl_, &gr_,
                         &keyCut_, &fenv_, &lfo_})
    *arr = makeLaneArray(lanes_);
  acc_ = makeLaneArray(kControlPeriod * 2 * kLanes);
  setPatch(patch_);
  cutoffNow_ = patch_.cutoffHz;
  resonanceNow_ = patch_.resonance;
  reset();
}

void SawVoiceBank::setPatch(const SawPatch& patch) noexcept {
  patch_ = patch;
  env_.setParams(patch.adsr);
}

void SawVoiceBank::reset() noexcept {
  env_.reset();
  for (int i = 0; i < lanes_; ++i) ic1_[i] = ic2_[i] = fenv_[i] = 0.0F;
  cutoffNow_ = patch_.cutoffHz;
  resonanceNow_ = patch_.resonance;
}

void SawVoiceBank::start(int lane, float hz, float velocity, float pan) noexcept {
  if (lane < 0 || lane >= lanes_) return;
  const float sr = static_cast<float>(sampleRate_);
  const float detune = std::exp2(patch_.detuneCents / 2400.0F);
  const float f1 = std::clamp(hz / detune, 1.0F, 0.45F * sr);
  const float f2 = std::clamp(hz * detune * patch_.osc2Ratio, 1.0F, 0.45F * sr);
  inc1_[lane] = f1 / sr;
  inc2_[lane] = f2 / sr;
  rinc1_[lane] = sr / f1;
  rinc2_[lane] = sr / f2;
  // Deterministic, decorrelated start phases: the count of notes started hashed
  // to [0, 1) (so unison notes do not phase-lock, and replays are identical).
  const std::uint32_t h = (++startCount_) * 2654435761U;
  p1_[lane] = static_cast<float>(h >> 8) * (1.0F / 16777216.0F);
  p2_[lane] = static_cast<float>((h * 747796405U) >> 8) * (1.0F / 16777216.0F);
  lfo_[lane] = p1_[lane];
  ic1_[lane] = ic2_[lane] = 0.0F;
  fenv_[lane] = 1.0F;
  keyCut_[lane] = std::pow(hz / 261.6256F, patch_.keyTrack);
  const float spread = (lane & 1) != 0 ? patch_.stereoSpread : -patch_.stereoSpread;
  const float p = std::clamp(pan + spread, -1.0F, 1.0F);
  const float angle = (p + 1.0F) * 0.25F * 3.14159265F;  // constant-power law
  const float amp = patch_.gain * std::clamp(velocity, 0.0F, 1.0F);
  gl_[lane] = amp * std::cos(angle);
  gr_[lane] = amp * std::sin(angle);
  env_.start(lane);
}

void SawVoiceBank::render(float* left, float* right, int frames) noexcept {
  ScopedFlushDenormals noDenormals;
  frames = std::min(frames, maxBlock_);
  const float sr = static_cast<float>(sampleRate_);
  const float periodSeconds = static_cast<float>(kControlPeriod) / sr;
  // One-pole glides for the global parameters (about 20 ms).
  const float glide = 1.0F - std::exp(-periodSeconds / 0.02F);
  SawKernelArgs a{};
  a.groups = lanes_ / kLanes;
  a.acc = acc_.get();
  a.lfoDepth = std::clamp(patch_.lfoDepth, 0.0F, 0.9F);
  a.lfoInc = patch_.lfoHz * periodSeconds;
  a.fenvMul = std::exp2(patch_.filterEnvOctaves) - 1.0F;
  a.fenvDecay =
      std::exp(std::log(1e-3F) * periodSeconds / std::max(1e-3F, patch_.filterEnvDecaySeconds));
  a.env = &env_;
  a.p1 = p1_.get(), a.p2 = p2_.get(), a.inc1 = inc1_.get(), a.inc2 = inc2_.get();
  a.rinc1 = rinc1_.get(), a.rinc2 = rinc2_.get(), a.ic1 = ic1_.get(), a.ic2 = ic2_.get();
  a.gl = gl_.get(), a.gr = gr_.get(), a.keyCut = keyCut_.get(), a.fenv = fenv_.get(),
  a.lfo = lfo_.get();
  for (int done = 0; done < frames; done += kControlPeriod) {
    const int n = std::min(kControlPeriod, frames - done);
    cutoffNow_ += (std::clamp(patch_.cutoffHz, 20.0F, 0.45F * sr) - cutoffNow_) * glide;
    resonanceNow_ += (std::clamp(patch_.resonance, 0.0F, 1.0F) - resonanceNow_) * glide;
    a.frames = n;
    a.cutoffNorm = cutoffNow_ / sr;
    a.k = 2.0F - 1.96F * resonanceNow_;
    std::fill(acc_.get(), acc_.get() + n * 2 * kLanes, 0.0F);
    renderSawGroups(a);
    const float* acc = acc_.get();
    for (int i = 0; i < n; ++i, acc += 2 * kLanes) {
      left[done + i] += sumLanes(load16(acc));
      right[done + i] += sumLanes(load16(acc + kLanes));
    }
  }
}

}  // namespace auralis::dsp
