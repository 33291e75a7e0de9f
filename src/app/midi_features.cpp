#include "app/midi_features.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace auralis::app {

namespace {

// Krumhansl-Kessler probe-tone profiles (C major, C minor): the listener
// ratings that key-finding by correlation is built on.
constexpr std::array<double, 12> kMajor = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                           2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinor = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                           2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
constexpr std::size_t kTempoOnsets = 17;
constexpr int kMinKeyNotes = 6;

double correlation(const std::array<double, 12>& x, const std::array<double, 12>& profile,
                   int tonic) {
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / 12.0;
  const double my = std::accumulate(profile.begin(), profile.end(), 0.0) / 12.0;
  double sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < 12; ++i) {
    const double a = x[static_cast<std::size_t>(i)] - mx;
    const double b = profile[static_cast<std::size_t>((i - tonic + 12) % 12)] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace

void MidiFeatureTracker::noteOn(double seconds, int pitch, int velocity) {
  const double decay = std::exp2(-(seconds - profileAt_) / kKeyHalfLifeSeconds);
  for (auto& w : profile_) w *= decay;
  profileAt_ = seconds;
  profile_[static_cast<std::size_t>(((pitch % 12) + 12) % 12)] += velocity / 127.0;

  if (!phrase_.empty() && seconds - phrase_.back().time > kPhraseGapSeconds) phrase_.clear();
  if (phrase_.empty()) ++phraseId_;
  if (!phrase_.empty()) phrase_.back().duration = seconds - phrase_.back().time;
  phrase_.push_back({pitch, seconds, 0.25});

  // A chord (notes within 30 ms) is one onset for tempo and density.
  if (onsets_.empty() || seconds - onsets_.back() > 0.03) {
    onsets_.push_back(seconds);
    recent_.emplace_back(seconds, velocity);
  } else if (!recent_.empty()) {
    recent_.back().second = std::max(recent_.back().second, velocity);
  }
  while (onsets_.size() > kTempoOnsets) onsets_.pop_front();
  while (!recent_.empty() && seconds - recent_.front().first > kDensityWindowSeconds)
    recent_.pop_front();
  ++notesHeard_;
  lastNote_ = seconds;
}

ensemble::InputFeatures MidiFeatureTracker::features(double seconds) const {
  ensemble::InputFeatures f;
  f.time = seconds;
  // Key: the best of 24 correlations; how far it stands above the runner-up
  // and how many notes back it decide the confidence.
  const double total = std::accumulate(profile_.begin(), profile_.end(), 0.0);
  if (total > 0.0) {
    double best = -2, second = -2;
    int bestKey = -1;
    for (int k = 0; k < 24; ++k) {
      const double r = correlation(profile_, k < 12 ? kMajor : kMinor, k % 12);
      if (r > best) {
        second = best;
        best = r;
        bestKey = k;
      } else if (r > second) {
        second = r;
      }
    }
    const int distinct = static_cast<int>(std::count_if(
        profile_.begin(), profile_.end(), [total](double w) { return w > total * 0.02; }));
    if (distinct >= 3 && notesHeard_ >= kMinKeyNotes) {
      f.key = bestKey;
      f.keyConfidence =
          static_cast<float>(std::clamp(best * (0.6 + 4.0 * (best - second)), 0.0, 1.0));
    }
  }
  // Tempo: the median inter-onset interval folded into 60..180 bpm; the share
  // of intervals that sit near a multiple or half of it is the confidence.
  if (onsets_.size() >= 5) {
    std::vector<double> iois;
    for (std::size_t i = 1; i < onsets_.size(); ++i) iois.push_back(onsets_[i] - onsets_[i - 1]);
    std::vector<double> sorted = iois;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2),
                     sorted.end());
    double beat = sorted[sorted.size() / 2];
    if (beat > 0.05) {
      while (beat < 60.0 / 180.0) beat *= 2.0;
      while (beat > 1.0) beat /= 2.0;
      int fit = 0;
      for (double d : iois) {
        const double ratio = d / beat;
        const double nearest = ratio < 0.75 ? std::round(ratio * 2.0) / 2.0 : std::round(ratio);
        if (nearest > 0 && std::abs(ratio - nearest) < 0.1 * nearest) ++fit;
      }
      f.bpm = 60.0 / beat;
      f.bpmConfidence = static_cast<float>(fit) / static_cast<float>(iois.size());
    }
  }
  // Level and density over the last two seconds.
  double velocity = 0;
  int count = 0;
  for (const auto& [t, v] : recent_) {
    if (seconds - t > kDensityWindowSeconds) continue;
    velocity += v;
    ++count;
  }
  f.level = count > 0 ? static_cast<float>(velocity / count / 127.0) : 0.0F;
  f.onsetDensity = count / kDensityWindowSeconds;
  f.phrase = phrase_;
  f.phraseId = phraseId_;
  f.phraseEnded = !phrase_.empty() && seconds - phrase_.back().time > kPhraseGapSeconds;
  return f;
}

}  // namespace auralis::app
