// Percussion: kick, snare, hihat and swell on a 16th grid. Parts enter as
// intensity rises (hats from 0.25, snare from 0.4, 16th hats from 0.6, ghost
// snares from 0.75) so density follows intensity audibly; timing is humanized
// by a few ms, off-beats swing by the section's amount, velocities breathe.
// A swell rises through the last bar of a section into the next one.
// Pitches are the GM drum map (36 kick, 38 snare, 42/46 hats, 49 swell), so a
// GM kit plays them unchanged.
//
// Thread rules: not thread-safe; owned by the Ensemble on the planning thread.
#pragma once

#include <cstdint>

#include "ensemble/bar_context.hpp"
#include "ensemble/rng.hpp"

namespace auralis::ensemble {

class PercussionAgent {
 public:
  explicit PercussionAgent(std::uint64_t seed);
  void plan(const BarContext& ctx, float level, NoteList& out);

  static constexpr std::uint8_t kKickPitch = 36;
  static constexpr std::uint8_t kSnarePitch = 38;
  static constexpr std::uint8_t kClosedHatPitch = 42;
  static constexpr std::uint8_t kOpenHatPitch = 46;
  static constexpr std::uint8_t kSwellPitch = 49;

 private:
  Rng rng_;
};

}  // namespace auralis::ensemble
