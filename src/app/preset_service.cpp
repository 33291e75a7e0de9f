#include "app/preset_service.hpp"

#include <cctype>

namespace auralis::app {

namespace {

nlohmann::json document(const store::PresetRow& row) {
  return {{"name", row.name},
          {"params", nlohmann::json::parse(row.params, nullptr, false)},
          {"createdAt", row.createdAt},
          {"updatedAt", row.updatedAt}};
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
  if (auto r = repo_.save(name, control::toJson(controller_.current()).dump()); !r)
    return r.error();
  return get(name);
}

Result<nlohmann::json> PresetService::import(const std::string& name,
                                             const nlohmann::json& params) {
  if (auto v = validateName(name); !v) return v.error();
  auto patch = control::parseControlParams(params);
  if (!patch) return patch.error();
  // Stored as a whole state: what the patch makes of the defaults.
  const auto full = control::applyPatch(control::ControlParams{}, patch.value());
  if (auto r = repo_.save(name, control::toJson(full).dump()); !r) return r.error();
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
  const auto params = nlohmann::json::parse(row.value()->params, nullptr, false);
  auto patch = control::parseControlParams(params);
  if (!patch)
    return makeError("internal", "preset '" + name + "' is invalid: " + patch.error().message);
  return control::toJson(controller_.apply(patch.value()));
}

Status PresetService::remove(const std::string& name) {
  auto removed = repo_.remove(name);
  if (!removed) return removed.error();
  if (!removed.value()) return makeError("not_found", "no preset named '" + name + "'", "name");
  return Ok{};
}

}  // namespace auralis::app
