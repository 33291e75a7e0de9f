// The song form: a Markov walk over section kinds (intro, verse, chorus,
// bridge, breakdown, build), each instance with its own length and a little
// random colour (register, swing, density), so the texture keeps evolving over
// minutes and the form itself never cycles.
//
// Thread rules: not thread-safe; owned by the Ensemble on the planning thread.
#pragma once

#include <cstdint>

#include "ensemble/bar_context.hpp"
#include "ensemble/rng.hpp"

namespace auralis::ensemble {

class SongForm {
 public:
  explicit SongForm(std::uint64_t seed);

  /// Moves to the next bar; returns true when a new section starts with it.
  bool advance();
  const SectionState& section() const { return section_; }
  int barInSection() const { return barInSection_; }
  /// Energy of the current bar: a build ramps up across its length.
  double energy() const;

 private:
  void enter(int kind);

  Rng rng_;
  SectionState section_;
  int kind_ = -1;
  int barInSection_ = -1;
};

}  // namespace auralis::ensemble
