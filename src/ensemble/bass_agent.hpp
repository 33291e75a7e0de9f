// Bass: roots, fifths and approach notes locked to the harmony. The pattern
// thickens with intensity x section density (held roots -> root/fifth ->
// a moving eighth-note line), and the last note before a chord change may be
// an approach (chromatic or diatonic step into the next root), marked passing.
//
// Thread rules: not thread-safe; owned by the Ensemble on the planning thread.
#pragma once

#include <cstdint>

#include "ensemble/bar_context.hpp"
#include "ensemble/rng.hpp"

namespace auralis::ensemble {

class BassAgent {
 public:
  explicit BassAgent(std::uint64_t seed);
  void plan(const BarContext& ctx, music::InstrumentKind kind, float level, NoteList& out);

  static constexpr int kLow = 28;
  static constexpr int kHigh = 52;
  /// GM program for InstrumentKind::GeneralMidi (Electric Bass, finger).
  static constexpr std::uint8_t kGmProgram = 33;

 private:
  int rootNear(int pitchClass) const;

  Rng rng_;
  int previous_ = 40;
};

}  // namespace auralis::ensemble
