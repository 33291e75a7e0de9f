// Lighting fixture profiles and patches (JSON files an installer writes): the
// profile and patch validators.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_require.hpp"
#include "lighting/fixture.hpp"
#include "lighting/patch.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  if (auto profile = lighting::parseFixtureProfile(j)) {
    fuzz::require(profile.value().footprint() >= 1 && profile.value().footprint() <= 512,
                  "a profile fits a universe");
  }
  if (auto patch = lighting::parsePatch(j)) {
    for (const auto& f : patch.value().fixtures) {
      fuzz::require(f.universe >= 1 && f.universe <= lighting::kMaxUniverses, "universe range");
      fuzz::require(f.address >= 1 && f.address <= lighting::kDmxSlots, "address range");
    }
    (void)patch.value().universeCount();
  }
  return 0;
}
