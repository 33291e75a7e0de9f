// The patch: which fixture sits at which DMX universe and address.
//
// Patch file (JSON, docs/lighting.md):
//   {"profiles": [<extra fixture profiles>],
//    "fixtures": [{"name": "front-left", "profile": "rgbw_strobe", "universe": 1,
//                  "address": 1, "group": "front"}]}
// Universes are numbered from 1 (sACN's numbering; Art-Net sends universe N as
// Port-Address N-1). Addresses are 1-512; a fixture may not run past slot 512 or
// overlap another fixture.
//
// Thread rules: plain values; parse on any non-real-time thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "lighting/fixture.hpp"

namespace auralis::lighting {

inline constexpr int kDmxSlots = 512;
inline constexpr int kMaxUniverses = 64;

struct PatchedFixture {
  std::string name;
  FixtureProfile profile;
  int universe = 1;  // 1..kMaxUniverses
  int address = 1;   // first slot, 1..512
  std::string group = "all";
};

struct Patch {
  std::vector<PatchedFixture> fixtures;
  /// The highest universe any fixture uses (the number of universes sent).
  int universeCount() const;
};

/// Parses and validates a patch (bounds, overlaps, unknown profiles).
Result<Patch> parsePatch(const nlohmann::json& j);

/// `universes` universes, each filled with 85 "rgbw_strobe" fixtures in group
/// "all": what plays when no patch file is configured.
Patch defaultPatch(int universes);

}  // namespace auralis::lighting
