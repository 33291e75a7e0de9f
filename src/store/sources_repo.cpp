#include "store/sources_repo.hpp"

#include <sqlite3.h>

namespace auralis::store {
namespace {

constexpr const char* kColumns =
    "id, sha256, name, file_path, bytes, duration, sample_rate, channels, loudness, has_video, "
    "codec, created_at";

SourceRow readRow(const Statement& st) {
  SourceRow r;
  r.id = st.columnText(0);
  r.sha256 = st.columnText(1);
  r.name = st.columnText(2);
  r.filePath = st.columnText(3);
  r.bytes = st.columnInt(4);
  r.durationSeconds = st.columnDouble(5);
  r.sampleRate = st.columnInt(6);
  r.channels = st.columnInt(7);
  if (!st.columnIsNull(8)) r.loudnessLufs = st.columnDouble(8);
  r.hasVideo = st.columnInt(9) != 0;
  r.codec = st.columnText(10);
  r.createdAt = st.columnText(11);
  return r;
}

}  // namespace

Status SourcesRepo::insert(const SourceRow& row) {
  auto st = db_.prepare(std::string("INSERT INTO sources (") + kColumns +
                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!st) return st.error();
  auto& s = st.value();
  s.bind(1, row.id).bind(2, row.sha256).bind(3, row.name).bind(4, row.filePath);
  s.bind(5, row.bytes).bind(6, row.durationSeconds).bind(7, row.sampleRate).bind(8, row.channels);
  if (row.loudnessLufs)
    s.bind(9, *row.loudnessLufs);
  else
    s.bindNull(9);
  s.bind(10, std::int64_t{row.hasVideo ? 1 : 0}).bind(11, row.codec).bind(12, row.createdAt);
  auto r = s.run();
  if (!r && sqlite3_extended_errcode(db_.handle()) == SQLITE_CONSTRAINT_UNIQUE)
    return makeError("duplicate", "a source with these bytes is already registered");
  if (!r && sqlite3_extended_errcode(db_.handle()) == SQLITE_CONSTRAINT_PRIMARYKEY)
    return makeError("duplicate", "a source with id " + row.id + " is already registered");
  return r;
}

Result<std::optional<SourceRow>> SourcesRepo::one(const std::string& where,
                                                  const std::string& value) {
  auto st =
      db_.prepare(std::string("SELECT ") + kColumns + " FROM sources WHERE " + where + " = ?1");
  if (!st) return st.error();
  st.value().bind(1, value);
  auto row = st.value().step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<SourceRow>{};
  return std::optional<SourceRow>{readRow(st.value())};
}

Result<std::optional<SourceRow>> SourcesRepo::get(const std::string& id) {
  return one("id", id);
}

Result<std::optional<SourceRow>> SourcesRepo::findBySha256(const std::string& sha256) {
  return one("sha256", sha256);
}

Result<std::vector<SourceRow>> SourcesRepo::list() {
  auto st = db_.prepare(std::string("SELECT ") + kColumns +
                        " FROM sources ORDER BY created_at DESC, id DESC");
  if (!st) return st.error();
  std::vector<SourceRow> rows;
  for (;;) {
    auto more = st.value().step();
    if (!more) return more.error();
    if (!more.value()) break;
    rows.push_back(readRow(st.value()));
  }
  return rows;
}

Result<bool> SourcesRepo::remove(const std::string& id) {
  auto st = db_.prepare("DELETE FROM sources WHERE id = ?1");
  if (!st) return st.error();
  st.value().bind(1, id);
  if (auto r = st.value().run(); !r) return r.error();
  return db_.changes() > 0;
}

}  // namespace auralis::store
