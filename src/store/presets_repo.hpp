// Presets: named snapshots of every control parameter, stored as JSON text
// (the ControlParams wire form, so a preset is exactly what /api/v1/control
// would accept). Thread rules: any non-real-time thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"

namespace auralis::store {

struct PresetRow {
  std::string name;
  std::string params;  // JSON object text
  std::string createdAt;
  std::string updatedAt;
};

class PresetsRepo {
 public:
  explicit PresetsRepo(Database& db) : db_(db) {}

  /// Inserts or replaces (keeping the creation time).
  Status save(const std::string& name, const std::string& paramsJson);
  Result<std::optional<PresetRow>> get(const std::string& name);
  /// By name.
  Result<std::vector<PresetRow>> list();
  /// False when there was no such preset.
  Result<bool> remove(const std::string& name);

 private:
  Database& db_;
};

}  // namespace auralis::store
