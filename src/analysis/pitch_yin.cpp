#include "analysis/pitch_yin.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace auralis::analysis {

namespace {
constexpr float kSubharmonicDip = 0.35F;  // d' of a period worth preferring to its multiple
}  // namespace

void PitchYin::prepare(double sampleRate, const PitchConfig& config) {
  if (config.frameSize < 64 || config.frameSize % 2 != 0 || !(config.minHz > 0.0) ||
      !(config.maxHz > config.minHz))
    throw std::invalid_argument("PitchYin: bad configuration");
  config_ = config;
  sampleRate_ = sampleRate;
  const std::size_t w = config.frameSize / 2;
  maxLag_ = std::min(w - 1, static_cast<std::size_t>(std::ceil(sampleRate / config.minHz)));
  minLag_ =
      std::max<std::size_t>(2, static_cast<std::size_t>(std::floor(sampleRate / config.maxHz)));
  fft_ = std::make_unique<RealFft>(config.frameSize);
  buffer_.assign(config.frameSize, 0.0F);
  whole_.assign(fft_->bins(), {});
  half_.assign(fft_->bins(), {});
  corr_.assign(config.frameSize, 0.0F);
  prefix_.assign(config.frameSize + 1, 0.0);
  cmnd_.assign(maxLag_ + 2, 1.0F);
}

PitchEstimate PitchYin::estimate(std::span<const float> frame) noexcept {
  PitchEstimate out;
  const std::size_t n = config_.frameSize;
  const std::size_t w = n / 2;
  if (frame.size() < n) return out;

  prefix_[0] = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    prefix_[i + 1] = prefix_[i] + static_cast<double>(frame[i]) * static_cast<double>(frame[i]);
  const double rms = std::sqrt(prefix_[n] / static_cast<double>(n));
  if (!(rms > std::pow(10.0, static_cast<double>(config_.silenceDb) / 20.0))) return out;

  // r(t) = sum_{j<W} x_j x_{j+t}: the circular cross-correlation of the
  // zero-padded first half with the whole frame has no wrap-around for t <= N-W.
  fft_->forward(frame.first(n), whole_);
  std::copy_n(frame.begin(), w, buffer_.begin());
  std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(w), buffer_.end(), 0.0F);
  fft_->forward(buffer_, half_);
  for (std::size_t k = 0; k < whole_.size(); ++k) half_[k] = std::conj(half_[k]) * whole_[k];
  fft_->inverse(half_, corr_);
  const double invN = 1.0 / static_cast<double>(n);

  const double e0 = prefix_[w];
  double running = 0.0;
  cmnd_[0] = 1.0F;
  for (std::size_t t = 1; t <= maxLag_ + 1 && t + w <= n; ++t) {
    const double et = prefix_[t + w] - prefix_[t];
    const double d = std::max(0.0, e0 + et - 2.0 * static_cast<double>(corr_[t]) * invN);
    running += d;
    cmnd_[t] = running > 0.0 ? static_cast<float>(d * static_cast<double>(t) / running) : 1.0F;
  }

  std::size_t best = 0;
  for (std::size_t t = minLag_; t <= maxLag_; ++t) {
    if (cmnd_[t] < config_.threshold) {
      while (t + 1 <= maxLag_ && cmnd_[t + 1] < cmnd_[t]) ++t;
      best = t;
      break;
    }
  }
  if (best == 0) return out;
  // A strong harmonic can keep d' just above the threshold at the true period
  // and let a multiple of it (an octave or a twelfth below) win. If a clear
  // dip sits at best/3 or best/2, that shorter period is the note.
  for (const std::size_t divisor : {std::size_t{3}, std::size_t{2}}) {
    const std::size_t centre = best / divisor;
    if (centre < minLag_ + 2) continue;
    std::size_t m = centre - 2;
    for (std::size_t t = centre - 1; t <= centre + 2 && t <= maxLag_; ++t)
      if (cmnd_[t] < cmnd_[m]) m = t;
    if (cmnd_[m] < kSubharmonicDip && m > minLag_ && cmnd_[m] <= cmnd_[m - 1] &&
        cmnd_[m] <= cmnd_[m + 1]) {
      best = m;
      break;
    }
  }

  // Parabolic interpolation of the dip for a sub-sample period.
  double period = static_cast<double>(best);
  if (best > 1 && best + 1 < cmnd_.size()) {
    const double a = cmnd_[best - 1];
    const double b = cmnd_[best];
    const double c = cmnd_[best + 1];
    const double denom = a - 2.0 * b + c;
    if (denom > 1e-12) period += std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
  }
  out.voiced = true;
  out.hz = static_cast<float>(sampleRate_ / period);
  out.confidence = std::clamp(1.0F - cmnd_[best], 0.0F, 1.0F);
  return out;
}

}  // namespace auralis::analysis
