#include "ensemble/call_response.hpp"

#include <algorithm>
#include <cmath>

#include "music/scale.hpp"

namespace auralis::ensemble {

namespace {

constexpr int kLow = 60, kHigh = 84;  // the melody's register
constexpr std::size_t kMaxNotes = 8;

/// Into the register by octaves, then into the scale.
int fit(const music::Key& key, int pitch) {
  while (pitch < kLow) pitch += 12;
  while (pitch > kHigh) pitch -= 12;
  int p = music::nearestInScale(key, pitch);
  if (p > kHigh) p = music::stepInScale(key, p, -1);
  if (p < kLow) p = music::stepInScale(key, p, 1);
  return p;
}

/// Scale steps from `from` up to `to` (negative: down); both in the scale.
int stepsBetween(const music::Key& key, int from, int to) {
  int steps = 0;
  for (int p = from; p < to && steps < 64; ++steps) p = music::stepInScale(key, p, 1);
  for (int p = from; p > to && steps > -64; --steps) p = music::stepInScale(key, p, -1);
  return steps;
}

}  // namespace

std::vector<AnswerNote> answerPhrase(const std::vector<PhraseNote>& call, const music::Key& key,
                                     AnswerVariant variant) {
  std::vector<AnswerNote> out;
  if (call.empty()) return out;
  const std::size_t n = std::min(call.size(), kMaxNotes);
  // Rhythm: the call's onsets relative to its first, squeezed into 3.5 beats
  // (the answer ends before the bar does) and quantised to eighths.
  const double t0 = call.front().time;
  const double span = std::max(call[n - 1].time - t0, 1e-3);
  const double scale = n > 1 ? std::min(2.0, 3.5 / span) : 2.0;  // beats per second
  std::vector<double> beats(n);
  for (std::size_t i = 0; i < n; ++i)
    beats[i] = std::min(3.5, std::round((call[i].time - t0) * scale * 2.0) / 2.0);
  // Pitches in scale steps relative to the first note, so the transforms stay diatonic.
  const int first = fit(key, call.front().pitch);
  std::vector<int> pitches(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int p = fit(key, call[i].pitch);
    const int steps = stepsBetween(key, first, p);
    switch (variant) {
      case AnswerVariant::Inverted:
        pitches[i] = music::stepInScale(key, first, -steps);
        break;
      case AnswerVariant::Transposed:
      case AnswerVariant::Retrograde:
      case AnswerVariant::Count:
        pitches[i] = variant == AnswerVariant::Transposed ? music::stepInScale(key, p, 2) : p;
        break;
    }
  }
  // Into the register as a whole (by octaves, keeping the contour); only a
  // note still outside is folded on its own.
  int low = 1000;
  for (const int p : pitches) low = std::min(low, p);
  const int shift = low < kLow ? 12 * ((kLow - low + 11) / 12) : -12 * ((low - kLow) / 12);
  for (int& q : pitches) q = fit(key, q + shift);
  if (variant == AnswerVariant::Retrograde) {
    std::reverse(pitches.begin(), pitches.end());
    // Rhythmic variation: the first half of the answer doubled in pace.
    for (std::size_t i = 0; i < n / 2; ++i) beats[i] = std::floor(beats[i] * 0.5 * 2.0) / 2.0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && beats[i] <= out.back().beat) beats[i] = out.back().beat + 0.5;
    if (beats[i] >= 4.0) break;
    AnswerNote a;
    a.pitch = pitches[i];
    a.beat = beats[i];
    out.push_back(a);
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i].beats = (i + 1 < out.size() ? out[i + 1].beat : 4.0) - out[i].beat;
  return out;
}

}  // namespace auralis::ensemble
