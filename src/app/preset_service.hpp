// PresetService: named snapshots of every control parameter (the ControlParams
// wire form, exactly what /api/v1/control accepts), stored in SQLite.
// Loading goes through Controller::apply like any other control change, so the
// musical parameters land at the next bar (a musical transition) and the mix
// glides (smoothed). Export is the stored document; import validates it with
// the same code as every control surface before storing it.
//
// Thread rules: any non-real-time thread.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "control/controller.hpp"
#include "core/result.hpp"
#include "store/presets_repo.hpp"

namespace auralis::app {

class PresetService {
 public:
  PresetService(store::Database& db, control::Controller& controller)
      : repo_(db), controller_(controller) {}

  /// Saves the current state as `name` (replacing one of that name). The preset document.
  Result<nlohmann::json> saveCurrent(const std::string& name);
  /// Imports `params` (validated like a control message) as `name`.
  Result<nlohmann::json> import(const std::string& name, const nlohmann::json& params);
  /// {"name","params","createdAt","updatedAt"}, or not_found.
  Result<nlohmann::json> get(const std::string& name);
  /// Every preset, by name.
  Result<nlohmann::json> list();
  /// Applies the preset; the applied state (control::toJson).
  Result<nlohmann::json> load(const std::string& name);
  /// not_found when there was none.
  Status remove(const std::string& name);

  /// Names: 1..64 characters of letters, digits, space, '_', '-', '.'; not only dots/spaces.
  static Status validateName(const std::string& name);

 private:
  store::PresetsRepo repo_;
  control::Controller& controller_;
};

}  // namespace auralis::app
