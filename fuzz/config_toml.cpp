// The TOML configuration file: toml++'s parser and the key schema's validation,
// through Config::loadTomlText (what loadToml does with the file's bytes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/config.hpp"
#include "fuzz_require.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  app::Config config;
  const auto status =
      config.loadTomlText(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  if (!status) {
    fuzz::require(!status.error().code.empty(), "a refusal has a code");
    return 0;
  }
  // Whatever was accepted must read back within the schema's ranges.
  for (const auto& key : app::configSchema()) {
    switch (key.type) {
      case app::ConfigKey::Type::Int: {
        const auto v = config.getInt(key.name);
        if (key.choices.empty() && key.max > key.min)
          fuzz::require(static_cast<double>(v) >= key.min && static_cast<double>(v) <= key.max,
                        "an accepted integer is in range");
        break;
      }
      case app::ConfigKey::Type::Double: {
        const double v = config.getDouble(key.name);
        if (key.max > key.min) fuzz::require(v >= key.min && v <= key.max, "a double in range");
        break;
      }
      case app::ConfigKey::Type::Bool:
        (void)config.getBool(key.name);
        break;
      case app::ConfigKey::Type::String:
      case app::ConfigKey::Type::Choice:
        (void)config.getString(key.name);
        break;
    }
  }
  return 0;
}
