#include "analysis/onset_detector.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::analysis {

void OnsetDetector::prepare(std::size_t bins, float magnitudeScale, const OnsetConfig& config) {
  config_ = config;
  config_.lagHops = std::max(1, config_.lagHops);
  config_.medianHops = std::max(1, config_.medianHops);
  config_.lookaheadHops = std::max(0, config_.lookaheadHops);
  bins_ = bins;
  scale_ = magnitudeScale;
  logHistory_.assign(static_cast<std::size_t>(config_.lagHops + 1) * bins_, 0.0F);
  odf_.assign(static_cast<std::size_t>(config_.medianHops + config_.lookaheadHops + 2), 0.0F);
  scratch_.assign(odf_.size(), 0.0F);
  level_.assign(odf_.size(), 0.0F);
  reset();
}

void OnsetDetector::reset() noexcept {
  std::fill(logHistory_.begin(), logHistory_.end(), 0.0F);
  std::fill(odf_.begin(), odf_.end(), 0.0F);
  std::fill(level_.begin(), level_.end(), 0.0F);
  hop_ = 0;
  lastOnset_ = -1000000;
  lastOdf_ = 0.0F;
}

float OnsetDetector::odfAt(std::int64_t hop) const noexcept {
  if (hop < 0) return 0.0F;
  return odf_[static_cast<std::size_t>(hop) % odf_.size()];
}

OnsetResult OnsetDetector::process(std::span<const float> magnitudes) noexcept {
  const auto rows = static_cast<std::size_t>(config_.lagHops + 1);
  float* now = &logHistory_[(static_cast<std::size_t>(hop_) % rows) * bins_];
  const float* old = &logHistory_[(static_cast<std::size_t>(hop_ + 1) % rows) * bins_];
  const std::size_t n = std::min(bins_, magnitudes.size());
  for (std::size_t k = 0; k < n; ++k)
    now[k] = std::log1p(config_.compression * scale_ * magnitudes[k]);
  double flux = 0.0;
  double level = 0.0;
  for (std::size_t k = 0; k < n; ++k)
    level += static_cast<double>(magnitudes[k]) * static_cast<double>(magnitudes[k]);
  for (std::size_t k = 1; k + 1 < n; ++k) {
    const float ref = std::max(old[k - 1], std::max(old[k], old[k + 1]));
    flux += static_cast<double>(std::max(0.0F, now[k] - ref));
  }
  // Before `lagHops` hops exist the old row is silence; the first frame of a
  // file that starts with a note is still an onset, so no special case.
  lastOdf_ = n > 2 ? static_cast<float>(flux / static_cast<double>(n - 2)) : 0.0F;
  odf_[static_cast<std::size_t>(hop_) % odf_.size()] = lastOdf_;
  level_[static_cast<std::size_t>(hop_) % level_.size()] = static_cast<float>(level);
  ++hop_;

  OnsetResult result;
  const std::int64_t c = hop_ - 1 - config_.lookaheadHops;  // the hop being decided
  if (c < 0) return result;
  const float v = odfAt(c);
  // Local maximum: strictly above the past neighbours, not below the future ones.
  for (std::int64_t h = c - 2; h < c; ++h)
    if (odfAt(h) >= v) return result;
  for (std::int64_t h = c + 1; h <= c + config_.lookaheadHops; ++h)
    if (odfAt(h) > v) return result;
  std::size_t m = 0;
  double sum = 0.0;
  for (std::int64_t h = c - config_.medianHops; h <= c + config_.lookaheadHops; ++h) {
    scratch_[m] = odfAt(h);
    sum += static_cast<double>(scratch_[m++]);
  }
  const auto mean = static_cast<float>(sum / static_cast<double>(m));
  auto mid = scratch_.begin() + static_cast<std::ptrdiff_t>(m / 2);
  std::nth_element(scratch_.begin(), mid, scratch_.begin() + static_cast<std::ptrdiff_t>(m));
  const float threshold = *mid * config_.ratio + mean * config_.meanWeight + config_.delta;
  if (v <= threshold || c - lastOnset_ < config_.minGapHops) return result;
  const auto levelAt = [this](std::int64_t h) {
    return h < 0 ? 0.0F : level_[static_cast<std::size_t>(h) % level_.size()];
  };
  // The newest hop (lookaheadHops after c) shows where the sound went: a long
  // frame still holds most of a note that is ending, so comparing c itself
  // would let its release through.
  if (levelAt(c + config_.lookaheadHops) < config_.minEnergyRatio * levelAt(c - config_.lagHops))
    return result;
  lastOnset_ = c;
  result.onset = true;
  result.hop = c;
  result.strength = v - threshold;
  return result;
}

}  // namespace auralis::analysis
