// Fixture profiles: what each DMX channel of a light does.
//
// The profile format (docs/lighting.md) is a JSON object:
//   {"name": "RGBW par", "channels": ["dimmer", "red", "green", "blue", "white", "strobe"]}
// Each entry is a channel role; a fixture occupies one DMX slot per entry, from its
// patched address on. Roles a scene does not drive stay at their default.
//
// Thread rules: plain values; parse on any non-real-time thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace auralis::lighting {

/// What a DMX channel controls. Fine channels carry the low byte of a 16-bit value.
enum class ChannelRole : std::uint8_t {
  Dimmer,
  Red,
  Green,
  Blue,
  White,
  Amber,
  Strobe,
  Pan,
  PanFine,
  Tilt,
  TiltFine,
  Unused,  // a slot the profile skips (always 0)
};

/// The role's name in profiles ("dimmer", "pan_fine", ...).
std::string_view roleName(ChannelRole role);

struct FixtureProfile {
  std::string name;
  std::vector<ChannelRole> channels;

  /// Number of DMX slots the fixture occupies.
  int footprint() const { return static_cast<int>(channels.size()); }
  bool has(ChannelRole role) const;
};

/// Parses a profile object. Errors name the field ("channels[3]") and list the roles.
Result<FixtureProfile> parseFixtureProfile(const nlohmann::json& j);

/// Profiles every installation has without a file: "dimmer", "rgb", "rgbw",
/// "rgbw_strobe" (dimmer, RGBW, strobe) and "moving_head" (pan/tilt 16-bit, dimmer, RGB, strobe).
const std::vector<FixtureProfile>& builtinProfiles();

}  // namespace auralis::lighting
