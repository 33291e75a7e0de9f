#include "ensemble/song_form.hpp"

#include <array>

#include "music/progression.hpp"

namespace auralis::ensemble {
namespace {

enum Kind { kIntro, kVerse, kChorus, kBridge, kBreakdown, kBuild, kKindCount };

struct Profile {
  std::string_view name;
  double energy;
  double density;
  int registerShift;
  int padVoices;
  bool melody;
  bool drums;
  bool snare;
  std::array<int, 2> lengths;  // bars, picked at random
};

constexpr std::array<Profile, kKindCount> kProfiles = {{
    {"intro", -0.25, 0.6, -2, 3, false, true, false, {4, 8}},
    {"verse", -0.05, 0.9, 0, 4, true, true, true, {8, 16}},
    {"chorus", 0.15, 1.15, 4, 5, true, true, true, {8, 16}},
    {"bridge", 0.0, 0.8, -3, 4, true, true, false, {8, 8}},
    {"breakdown", -0.3, 0.5, 2, 3, true, false, false, {4, 8}},
    {"build", 0.05, 1.0, 0, 4, false, true, true, {4, 8}},
}};

// Rows: from; columns: to (intro, verse, chorus, bridge, breakdown, build).
constexpr std::array<std::array<double, kKindCount>, kKindCount> kNext = {{
    {0, 8, 0, 0, 1, 1},
    {0, 2, 6, 2, 1, 1},
    {0, 4, 1, 2, 2, 1},
    {0, 1, 4, 0, 1, 4},
    {0, 3, 0, 1, 0, 6},
    {0, 2, 8, 0, 0, 0},
}};

}  // namespace

SongForm::SongForm(std::uint64_t seed) : rng_(seed, 101) {}

void SongForm::enter(int kind) {
  kind_ = kind;
  const Profile& p = kProfiles[static_cast<std::size_t>(kind)];
  section_.name = p.name;
  section_.energy = p.energy;
  // Each instance gets its own colour so a second chorus is not a copy.
  section_.density = p.density * rng_.uniform(0.9, 1.1);
  section_.registerShift = p.registerShift + rng_.range(-2, 2);
  section_.padVoices = std::clamp(p.padVoices + rng_.range(-1, 1), 3, 5);
  section_.melody = p.melody;
  section_.drums = p.drums;
  section_.snare = p.snare;
  section_.swing = rng_.chance(0.5) ? rng_.uniform(0.0, 0.12) : 0.0;
  section_.lengthBars = p.lengths[static_cast<std::size_t>(rng_.range(0, 1))];
  barInSection_ = 0;
}

bool SongForm::advance() {
  if (kind_ < 0) {
    enter(kIntro);
    return true;
  }
  if (++barInSection_ < section_.lengthBars) return false;
  const auto& row = kNext[static_cast<std::size_t>(kind_)];
  const int next = music::chooseWeighted(row, rng_.uniform());
  enter(next < 0 ? kVerse : next);
  return true;
}

double SongForm::energy() const {
  if (kind_ == kBuild && section_.lengthBars > 1) {
    const double t = static_cast<double>(barInSection_) / (section_.lengthBars - 1);
    return -0.15 + 0.35 * t;
  }
  return section_.energy;
}

}  // namespace auralis::ensemble
