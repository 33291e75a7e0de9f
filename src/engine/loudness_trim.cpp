#include "engine/loudness_trim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace auralis::engine {

namespace {
double energyOf(double lufs) noexcept {
  return std::pow(10.0, lufs / 10.0);
}
double lufsOf(double energy) noexcept {
  return energy > 0.0 ? 10.0 * std::log10(energy) : -std::numeric_limits<double>::infinity();
}
}  // namespace

LoudnessTrimLaw::LoudnessTrimLaw(const LoudnessTrimConfig& config) noexcept : config_(config) {}

double LoudnessTrimLaw::programLufs() const noexcept {
  return lufsOf(programEnergy_);
}

double LoudnessTrimLaw::update(const LoudnessReading& r) noexcept {
  const double dt = std::max(0.0, r.seconds);
  const double programMomentary = r.momentaryLufs - trimDb_;
  gated_ = !std::isfinite(r.momentaryLufs) || r.momentaryLufs < config_.absoluteGateLufs ||
           (heardSeconds_ > 0.0 && programMomentary < programLufs() - config_.relativeGateLu);
  if (gated_ || dt <= 0.0) return trimDb_;

  heardSeconds_ += dt;
  const double weight = std::min(1.0, std::max(dt / config_.averageSeconds, dt / heardSeconds_));
  programEnergy_ += weight * (energyOf(programMomentary) - programEnergy_);

  // What the output still misses once the program estimate is matched: the
  // limiter's share, mostly. Measured on the short-term loudness (3 s) so
  // that it integrates a steady figure, and only once the estimate has settled.
  if (std::isfinite(r.shortTermLufs) && heardSeconds_ >= 3.0) {
    const double miss = config_.targetLufs - r.shortTermLufs;
    correctionDb_ = std::clamp(correctionDb_ + config_.correctionPerSecond * miss * dt,
                               -config_.maxCorrectionDb, config_.maxCorrectionDb);
  }

  const double desired = config_.targetLufs - programLufs() + correctionDb_;
  const double maxStep = config_.maxRateDbPerSecond * dt;
  trimDb_ += std::clamp(desired - trimDb_, -maxStep, maxStep);
  trimDb_ = std::clamp(trimDb_, -config_.maxTrimDb, config_.maxTrimDb);
  return trimDb_;
}

}  // namespace auralis::engine
