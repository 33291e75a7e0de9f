#include "store/presets_repo.hpp"

#include "store/recordings_repo.hpp"

namespace auralis::store {

Status PresetsRepo::save(const std::string& name, const std::string& paramsJson) {
  auto st = db_.prepare(
      "INSERT INTO presets (name, params, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) "
      "ON CONFLICT(name) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at");
  if (!st) return st.error();
  st.value().bind(1, name).bind(2, paramsJson).bind(3, isoNow());
  return st.value().run();
}

Result<std::optional<PresetRow>> PresetsRepo::get(const std::string& name) {
  auto st = db_.prepare("SELECT name, params, created_at, updated_at FROM presets WHERE name = ?1");
  if (!st) return st.error();
  st.value().bind(1, name);
  auto row = st.value().step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<PresetRow>{};
  const auto& s = st.value();
  return std::optional<PresetRow>{
      PresetRow{s.columnText(0), s.columnText(1), s.columnText(2), s.columnText(3)}};
}

Result<std::vector<PresetRow>> PresetsRepo::list() {
  auto st = db_.prepare("SELECT name, params, created_at, updated_at FROM presets ORDER BY name");
  if (!st) return st.error();
  std::vector<PresetRow> out;
  for (;;) {
    auto row = st.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    const auto& s = st.value();
    out.push_back({s.columnText(0), s.columnText(1), s.columnText(2), s.columnText(3)});
  }
  return out;
}

Result<bool> PresetsRepo::remove(const std::string& name) {
  auto st = db_.prepare("DELETE FROM presets WHERE name = ?1");
  if (!st) return st.error();
  st.value().bind(1, name);
  if (auto r = st.value().run(); !r) return r.error();
  return db_.changes() > 0;
}

}  // namespace auralis::store
