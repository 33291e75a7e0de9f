#include "analysis/tempo_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::analysis {

namespace {
bool near(double a, double b, double tolerance) {
  return a > 0.0 && b > 0.0 && std::abs(a - b) <= tolerance * b;
}
}  // namespace

void TempoTracker::prepare(double hopsPerSecond, const TempoConfig& config) {
  config_ = config;
  hopsPerSecond_ = hopsPerSecond;
  length_ = static_cast<std::size_t>(std::ceil(config.historySeconds * hopsPerSecond));
  updateHops_ = std::max<std::int64_t>(1, std::llround(config.updateSeconds * hopsPerSecond));
  history_.assign(length_, 0.0F);
  linear_.assign(length_, 0.0F);
  // Lags up to four periods of the slowest tempo, capped by the history.
  const double maxLag = 60.0 * hopsPerSecond / config.minBpm;
  acf_.assign(std::min(length_, static_cast<std::size_t>(std::ceil(4.0 * maxLag)) + 2), 0.0);
  reset();
}

void TempoTracker::reset() noexcept {
  std::fill(history_.begin(), history_.end(), 0.0F);
  hop_ = 0;
  bpm_ = reported_ = candidate_ = confidence_ = 0.0;
  nextBeat_ = lastBeat_ = -1.0;
}

float TempoTracker::historyAt(std::int64_t hop) const noexcept {
  if (hop < 0 || hop >= hop_ || hop_ - hop > static_cast<std::int64_t>(length_)) return 0.0F;
  return history_[static_cast<std::size_t>(hop) % length_];
}

double TempoTracker::acfAt(double lag) const noexcept {
  const auto i = static_cast<std::size_t>(lag);
  if (i + 1 >= acf_.size()) return 0.0;
  const double f = lag - static_cast<double>(i);
  return acf_[i] * (1.0 - f) + acf_[i + 1] * f;
}

void TempoTracker::estimateTempo() noexcept {
  const auto n =
      static_cast<std::size_t>(std::min<std::int64_t>(hop_, static_cast<std::int64_t>(length_)));
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    linear_[i] = historyAt(hop_ - static_cast<std::int64_t>(n) + static_cast<std::int64_t>(i));
    mean += static_cast<double>(linear_[i]);
  }
  mean /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i)
    linear_[i] = static_cast<float>(static_cast<double>(linear_[i]) - mean);
  for (std::size_t lag = 0; lag < acf_.size(); ++lag) {
    double sum = 0.0;
    for (std::size_t i = lag; i < n; ++i)
      sum += static_cast<double>(linear_[i]) * static_cast<double>(linear_[i - lag]);
    // Unbiased: longer lags overlap fewer samples.
    acf_[lag] = lag < n ? sum / static_cast<double>(n - lag) : 0.0;
  }
  if (!(acf_[0] > 1e-12)) return;

  double best = -1e300;
  double bestBpm = 0.0;
  double total = 0.0;
  int count = 0;
  for (double b = config_.minBpm; b <= config_.maxBpm; b += 0.1) {
    const double lag = 60.0 * hopsPerSecond_ / b;
    double score = 0.0;
    for (int m = 1; m <= 4; ++m) score += acfAt(lag * m) / m;
    const double octaves = std::log2(b / config_.priorBpm) / config_.priorOctaves;
    score *= std::exp(-0.5 * octaves * octaves);
    total += std::max(0.0, score);
    ++count;
    if (score > best) {
      best = score;
      bestBpm = b;
    }
  }
  if (!(best > 0.0)) return;
  // Confidence: how far the winner stands above the average candidate.
  const double average = total / count;
  confidence_ = std::clamp(1.0 - average / best, 0.0, 1.0);

  if (bpm_ == 0.0 || near(bestBpm, bpm_, 0.04)) {
    bpm_ = bpm_ == 0.0 ? bestBpm : 0.7 * bpm_ + 0.3 * bestBpm;
    candidate_ = 0.0;
  } else if (near(bestBpm, candidate_, 0.04)) {
    bpm_ = bestBpm;  // confirmed twice: switch
    candidate_ = 0.0;
  } else {
    candidate_ = bestBpm;
  }
}

double TempoTracker::estimatePhase(double period) const noexcept {
  // Score each candidate position of the latest beat by the odf under a comb
  // of teeth one period apart, reaching back over the history.
  const double now = static_cast<double>(hop_ - 1);
  const int teeth = std::max(1, static_cast<int>(static_cast<double>(std::min<std::int64_t>(
                                                     hop_, static_cast<std::int64_t>(length_))) /
                                                 period) -
                                    1);
  double best = -1.0;
  double bestOffset = 0.0;
  for (double offset = 0.0; offset < period; offset += 1.0) {
    double score = 0.0;
    for (int t = 0; t < teeth; ++t) {
      const auto h = static_cast<std::int64_t>(std::lround(now - offset - t * period));
      // Recent beats count more: the tempo may drift.
      score += static_cast<double>(historyAt(h)) * (1.0 - 0.5 * t / teeth);
    }
    if (score > best) {
      best = score;
      bestOffset = offset;
    }
  }
  return now - bestOffset;
}

TempoUpdate TempoTracker::push(float odf) noexcept {
  TempoUpdate out;
  history_[static_cast<std::size_t>(hop_) % length_] = odf;
  ++hop_;
  const auto minHistory = static_cast<std::int64_t>(3.0 * hopsPerSecond_);
  if (hop_ >= minHistory && hop_ % updateHops_ == 0) {
    estimateTempo();
    if (bpm_ > 0.0) {
      const double period = 60.0 * hopsPerSecond_ / bpm_;
      const double phase = estimatePhase(period);
      double predicted = phase + period;
      if (nextBeat_ >= 0.0) {
        // PLL: move the prediction halfway to the measured phase (modulo a period).
        double error = std::remainder(predicted - nextBeat_, period);
        predicted = nextBeat_ + 0.5 * error;
      }
      while (predicted <= static_cast<double>(hop_ - 1)) predicted += period;
      nextBeat_ = predicted;
    }
    if (bpm_ > 0.0 && !near(bpm_, reported_, 0.01)) {
      reported_ = bpm_;
      out.tempoChanged = true;
    }
  }
  const double now = static_cast<double>(hop_ - 1);
  if (nextBeat_ >= 0.0 && bpm_ > 0.0 && now >= nextBeat_) {
    out.beat = true;
    out.beatHop = nextBeat_;
    lastBeat_ = nextBeat_;
    nextBeat_ += 60.0 * hopsPerSecond_ / bpm_;
  }
  return out;
}

double TempoTracker::beatPhase() const noexcept {
  if (bpm_ <= 0.0 || lastBeat_ < 0.0) return 0.0;
  const double period = 60.0 * hopsPerSecond_ / bpm_;
  const double p = (static_cast<double>(hop_ - 1) - lastBeat_) / period;
  return std::clamp(p - std::floor(p), 0.0, 1.0);
}

}  // namespace auralis::analysis
