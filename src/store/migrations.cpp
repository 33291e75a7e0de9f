#include "store/migrations.hpp"

namespace auralis::store {

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> list = {
      // 1: recordings index and presets.
      R"sql(
CREATE TABLE recordings (
  id           TEXT PRIMARY KEY,
  format       TEXT NOT NULL,          -- wav | flac | opus
  audio_path   TEXT NOT NULL,          -- relative to the data directory
  bundle_path  TEXT,                   -- relative to the data directory, or NULL
  status       TEXT NOT NULL,          -- recording | stopped | failed
  error        TEXT,
  sample_rate  INTEGER NOT NULL,
  start_sample INTEGER NOT NULL DEFAULT 0,
  frames       INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,          -- ISO 8601 UTC
  stopped_at   TEXT
);
CREATE TABLE presets (
  name        TEXT PRIMARY KEY,
  params      TEXT NOT NULL,           -- ControlParams JSON
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
)sql",
      // 2: the media-source registry (uploads; store/sources_repo.hpp).
      R"sql(
CREATE TABLE sources (
  id          TEXT PRIMARY KEY,
  sha256      TEXT NOT NULL UNIQUE,    -- of the uploaded bytes: identical bytes, one source
  name        TEXT NOT NULL,           -- the file name the client gave
  file_path   TEXT NOT NULL,           -- relative to the data directory
  bytes       INTEGER NOT NULL,
  duration    REAL NOT NULL,           -- seconds
  sample_rate INTEGER NOT NULL,
  channels    INTEGER NOT NULL,
  loudness    REAL,                    -- integrated LUFS (EBU R128); NULL when silent
  has_video   INTEGER NOT NULL DEFAULT 0,
  codec       TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL            -- ISO 8601 UTC
);
)sql",
      // Add the next migration as the next element; do not renumber.
  };
  return list;
}

Status migrate(Database& db) {
  auto version = db.userVersion();
  if (!version) return version.error();
  const auto& list = migrations();
  const int target = static_cast<int>(list.size());
  if (version.value() > target)
    return makeError("store_error", "database " + db.path() + " has schema version " +
                                        std::to_string(version.value()) +
                                        ", newer than this auralis knows (" +
                                        std::to_string(target) + "); upgrade auralis");
  for (int v = version.value(); v < target; ++v) {
    // BEGIN IMMEDIATE takes the write lock up front, so two servers starting on
    // the same directory never interleave migrations.
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r;
    auto r = db.exec(list[static_cast<std::size_t>(v)]);
    if (r) r = db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!r) {
      (void)db.exec("ROLLBACK");
      return makeError(r.error().code,
                       "migration " + std::to_string(v + 1) + ": " + r.error().message);
    }
    if (auto c = db.exec("COMMIT"); !c) return c;
  }
  return Ok{};
}

}  // namespace auralis::store
