// Reading optional members of parsed configuration files.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace auralis::lighting {

/// The member `key` of `j`, or a null value when `j` is not an object or lacks it
/// (so "missing" and "wrong type" are checked the same way).
inline const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  return j.is_object() && j.contains(key) ? j.at(key) : kNull;
}

/// The string member `key`, `fallback` when absent, nullopt when it is not a string.
inline std::optional<std::string> stringMember(const nlohmann::json& j, const char* key,
                                               std::string fallback) {
  const auto& v = member(j, key);
  if (v.is_null()) return fallback;
  if (!v.is_string()) return std::nullopt;
  return v.get<std::string>();
}

}  // namespace auralis::lighting
