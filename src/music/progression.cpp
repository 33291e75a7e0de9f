#include "music/progression.hpp"

#include <algorithm>
#include <cmath>

#include "music/scale.hpp"

namespace auralis::music {
namespace {

using Table = std::array<DegreeWeights, 7>;

// Rows: from degree I..VII; columns: to degree I..VII. Self-transitions are
// kept low so the harmony moves; cadential pulls (V->I, ii->V, IV->V) high.
constexpr Table kMajorTable = {{
    {1, 4, 2, 6, 6, 5, 1},  // I
    {1, 0, 1, 2, 8, 1, 2},  // ii
    {1, 1, 0, 4, 1, 6, 0},  // iii
    {5, 2, 1, 1, 6, 2, 1},  // IV
    {9, 1, 1, 2, 1, 4, 1},  // V
    {2, 5, 2, 6, 4, 0, 0},  // vi
    {8, 0, 2, 0, 2, 1, 0},  // vii°
}};
constexpr Table kMinorTable = {{
    {1, 2, 4, 6, 5, 6, 5},  // i
    {1, 0, 1, 1, 8, 1, 2},  // ii°
    {2, 1, 0, 5, 1, 5, 3},  // III
    {5, 1, 1, 1, 6, 3, 3},  // iv
    {9, 0, 1, 2, 1, 4, 1},  // v / V
    {4, 2, 3, 5, 4, 0, 5},  // VI
    {6, 0, 5, 1, 2, 3, 0},  // VII / vii°
}};

// A copy of a family table with one column boosted: the mode's colour chord.
constexpr Table boosted(const Table& base, int column, double factor) {
  Table t = base;
  for (auto& row : t) row[static_cast<std::size_t>(column)] *= factor;
  return t;
}

constexpr Table kDorianTable = boosted(kMinorTable, 3, 2.0);      // major IV
constexpr Table kPhrygianTable = boosted(kMinorTable, 1, 6.0);    // bII
constexpr Table kLydianTable = boosted(kMajorTable, 1, 2.5);      // major II
constexpr Table kMixolydianTable = boosted(kMajorTable, 6, 6.0);  // bVII
constexpr Table kLocrianTable = boosted(kMinorTable, 5, 1.5);
constexpr Table kHarmonicTable = boosted(kMinorTable, 4, 1.5);  // the major V
constexpr Table kMelodicTable = boosted(kMinorTable, 3, 1.5);   // the major IV

const Table& tableFor(Mode mode) {
  switch (mode) {
    case Mode::Major:
    case Mode::MajorPentatonic:
      return kMajorTable;
    case Mode::NaturalMinor:
    case Mode::MinorPentatonic:
      return kMinorTable;
    case Mode::HarmonicMinor:
      return kHarmonicTable;
    case Mode::MelodicMinor:
      return kMelodicTable;
    case Mode::Dorian:
      return kDorianTable;
    case Mode::Phrygian:
      return kPhrygianTable;
    case Mode::Lydian:
      return kLydianTable;
    case Mode::Mixolydian:
      return kMixolydianTable;
    case Mode::Locrian:
      return kLocrianTable;
  }
  return kMajorTable;
}

constexpr std::array<double, 7> kTension = {0.0, 0.55, 0.3, 0.45, 0.85, 0.2, 0.9};

}  // namespace

const DegreeWeights& transitionRow(Mode mode, int from) {
  return tableFor(mode)[static_cast<std::size_t>(((from % 7) + 7) % 7)];
}

double degreeTension(int degree) {
  return kTension[static_cast<std::size_t>(((degree % 7) + 7) % 7)];
}

DegreeWeights nextDegreeWeights(const Key& key, int from, double intensity) {
  DegreeWeights w = transitionRow(key.mode, from);
  const auto scale = harmonyScale(key);
  const double shaping = 3.0 * (std::clamp(intensity, 0.0, 1.0) - 0.5);
  for (std::size_t d = 0; d < w.size(); ++d) {
    if (!inScale(key, scale[d])) {
      w[d] = 0.0;
      continue;
    }
    w[d] *= std::exp(shaping * (kTension[d] - 0.4));
  }
  return w;
}

int chooseWeighted(std::span<const double> weights, double u) {
  double total = 0.0;
  for (double w : weights) total += w;
  if (total <= 0.0) return -1;
  double target = u * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    if (target < weights[i]) return static_cast<int>(i);
    target -= weights[i];
  }
  // Rounding left a sliver: the last non-zero weight takes it.
  for (std::size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0.0) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace auralis::music
