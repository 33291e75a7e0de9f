#include "app/preset_service.hpp"

#include <cctype>

#include "lighting/scene.hpp"

namespace auralis::app {

namespace {

/// The stored text as {"params":..,"lighting"?:..}: presets saved before scenes
/// were kept hold the bare params object.
nlohmann::json stored(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_object() && j.contains("params") && j["params"].is_object()) return j;
  return {{"params", std::move(j)}};
}

nlohmann::json document(const store::PresetRow& row) {
  auto s = stored(row.params);
  nlohmann::json doc = {{"name", row.name},
                        {"params", std::move(s["params"])},
                        {"createdAt", row.createdAt},
                        {"updatedAt", row.updatedAt}};
  if (s.contains("lighting")) doc["lighting"] = std::move(s["lighting"]);
  return doc;
}

/// {"scene":{..}} checked; the scene itself by `check` (the lighting's parser).
Result<nlohmann::json> checkLighting(
    const nlohmann::json& lighting,
    const std::function<Result<nlohmann::json>(const nlohmann::json&)>& check) {
  if (!lighting.is_object())
    return makeError("invalid_param", "lighting must be an object like {\"scene\":{..}}",
                     "lighting");
  for (const auto& [key, value] : lighting.items())
    if (key != "scene")
      return makeError("unknown_param", "unknown field 'lighting." + key + "'", "lighting." + key);
  if (!lighting.contains("scene"))
    return makeError("invalid_param", "lighting.scene is required", "lighting.scene");
  auto scene = check(lighting["scene"]);
  if (!scene) {
    auto e = scene.error();
    e.field = "lighting." + e.field;
    return e;
  }
  return nlohmann::json{{"scene", scene.value()}};
}

}  // namespace

Status PresetService::validateName(const std::string& name) {
  bool meaningful = false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == ' ' || c == '_' || c == '-' || c == '.'))
      return makeError("invalid_param",
                       "a preset name is 1 to 64 letters, digits, spaces, '_', '-' or '.'", "name");
    if (c != '.' && c != ' ') meaningful = true;
  }
  if (name.empty() || name.size() > 64 || !meaningful)
    return makeError("invalid_param",
                     "a preset name is 1 to 64 letters, digits, spaces, '_', '-' or '.'", "name");
  return Ok{};
}

Result<nlohmann::json> PresetService::saveCurrent(const std::string& name) {
  if (auto v = validateName(name); !v) return v.error();
  nlohmann::json doc = {{"params", control::toJson(controller_.current())}};
  if (scene_.get) doc["lighting"] = {{"scene", scene_.get()}};
  if (auto r = repo_.save(name, doc.dump()); !r) return r.error();
  return get(name);
}

Result<nlohmann::json> PresetService::import(const std::string& name, const nlohmann::json& params,
                                             const nlohmann::json& lighting) {
  if (auto v = validateName(name); !v) return v.error();
  auto patch = control::parseControlParams(params);
  if (!patch) return patch.error();
  // Stored as a whole state: what the patch makes of the defaults.
  const auto full = control::applyPatch(control::ControlParams{}, patch.value());
  nlohmann::json doc = {{"params", control::toJson(full)}};
  if (!lighting.is_null()) {
    // Validated, not applied: the scene's parser without the lighting's state.
    auto checked = checkLighting(lighting, [](const nlohmann::json& scene) {
      auto parsed = lighting::parseScene(scene);
      if (!parsed)
        return Result<nlohmann::json>(
            makeError("invalid_param", "scene: " + parsed.error().message,
                      parsed.error().field.empty() ? "scene" : "scene." + parsed.error().field));
      return Result<nlohmann::json>(lighting::sceneToJson(parsed.value()));
    });
    if (!checked) return checked.error();
    doc["lighting"] = checked.value();
  }
  if (auto r = repo_.save(name, doc.dump()); !r) return r.error();
  return get(name);
}

Result<nlohmann::json> PresetService::get(const std::string& name) {
  auto row = repo_.get(name);
  if (!row) return row.error();
  if (!row.value()) return makeError("not_found", "no preset named '" + name + "'", "name");
  return document(*row.value());
}

Result<nlohmann::json> PresetService::list() {
  auto rows = repo_.list();
  if (!rows) return rows.error();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : rows.value()) out.push_back(document(row));
  return out;
}

Result<nlohmann::json> PresetService::load(const std::string& name) {
  auto row = repo_.get(name);
  if (!row) return row.error();
  if (!row.value()) return makeError("not_found", "no preset named '" + name + "'", "name");
  const auto doc = stored(row.value()->params);
  auto patch = control::parseControlParams(doc["params"]);
  if (!patch)
    return makeError("internal", "preset '" + name + "' is invalid: " + patch.error().message);
  if (doc.contains("lighting") && doc["lighting"].contains("scene") && scene_.set) {
    // The scene first: a scene the lighting refuses leaves the music untouched too.
    if (auto r = scene_.set(doc["lighting"]["scene"]); !r)
      return makeError("internal",
                       "preset '" + name + "' has an invalid scene: " + r.error().message);
  }
  return control::toJson(controller_.apply(patch.value()));
}

Status PresetService::remove(const std::string& name) {
  auto removed = repo_.remove(name);
  if (!removed) return removed.error();
  if (!removed.value()) return makeError("not_found", "no preset named '" + name + "'", "name");
  return Ok{};
}

}  // namespace auralis::app
