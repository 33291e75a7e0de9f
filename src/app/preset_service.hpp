// PresetService: named snapshots of every control parameter (the ControlParams
// wire form, exactly what /api/v1/control accepts), stored in SQLite.
// Loading goes through Controller::apply like any other control change, so the
// musical parameters land at the next bar (a musical transition) and the mix
// glides (smoothed). Export is the stored document; import validates it with
// the same code as every control surface before storing it.
//
// With lighting attached a preset also keeps the lighting scene: the stored
// document is {"params":{..},"lighting":{"scene":{..}}}; a preset saved before
// (the bare params object) still loads and simply leaves the scene alone.
//
// Thread rules: any non-real-time thread.
#pragma once

#include <functional>
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
  /// Imports `params` (validated like a control message) and, when not null,
  /// `lighting` ({"scene":{..}}, validated like PUT /api/v1/lighting/scene) as `name`.
  Result<nlohmann::json> import(const std::string& name, const nlohmann::json& params,
                                const nlohmann::json& lighting = nullptr);
  /// {"name","params","lighting"?,"createdAt","updatedAt"}, or not_found.
  Result<nlohmann::json> get(const std::string& name);
  /// Every preset, by name.
  Result<nlohmann::json> list();
  /// Main thread, before use. Where the scene is read and changed (LightingWiring).
  struct SceneAccess {
    std::function<nlohmann::json()> get;
    std::function<Result<nlohmann::json>(const nlohmann::json&)> set;
  };
  void setSceneAccess(SceneAccess access) { scene_ = std::move(access); }

  /// Applies the preset (and its scene); the applied state (control::toJson).
  Result<nlohmann::json> load(const std::string& name);
  /// not_found when there was none.
  Status remove(const std::string& name);

  /// Names: 1..64 characters of letters, digits, space, '_', '-', '.'; not only dots/spaces.
  static Status validateName(const std::string& name);

 private:
  store::PresetsRepo repo_;
  control::Controller& controller_;
  SceneAccess scene_;
};

}  // namespace auralis::app
