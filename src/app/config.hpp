// Configuration: one schema, three sources. Values come from the built-in
// defaults, then a TOML file, then AURALIS_* environment variables, then
// command-line flags; a later source wins. Every source goes through the same
// validation, so an unknown key or an out-of-range value is refused the same
// way wherever it came from, naming the key and what is allowed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace auralis::app {

using ConfigValue = std::variant<std::int64_t, double, bool, std::string>;

struct ConfigKey {
  enum class Type { Int, Double, Bool, String, Choice };
  std::string name;  // dotted, e.g. "audio.block"
  Type type;
  ConfigValue defaultValue;
  double min = 0, max = 0;              // Int and Double
  std::vector<std::string> choices;     // Choice (and allowed Int values when non-empty)
  std::string help;
};

/// Every key Auralis understands, in documentation order.
const std::vector<ConfigKey>& configSchema();

class Config {
 public:
  Config();  // the defaults

  /// Sets a key from text (environment variables and flags). Validates.
  Status setFromText(const std::string& key, const std::string& text, const std::string& source);
  /// Reads a TOML file. Refuses unknown keys and bad values, naming the key.
  Status loadToml(const std::string& path);
  /// Reads TOML text (`origin` names it in messages): what loadToml does after
  /// reading the file, so the parser can be tested and fuzzed without files.
  Status loadTomlText(std::string_view text, const std::string& origin);
  /// Applies AURALIS_<SECTION>_<KEY> variables from the environment.
  Status loadEnvironment(char** environ);

  std::int64_t getInt(const std::string& key) const;
  double getDouble(const std::string& key) const;
  bool getBool(const std::string& key) const;
  std::string getString(const std::string& key) const;

  /// "audio.block" -> "AURALIS_AUDIO_BLOCK".
  static std::string envName(const std::string& key);
  /// A human-readable table of every key, default and range (for --help and docs).
  static std::string describe();

 private:
  Status set(const ConfigKey& key, const ConfigValue& value, const std::string& source);
  std::map<std::string, ConfigValue> values_;
};

}  // namespace auralis::app
