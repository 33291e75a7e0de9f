// The recordings index: one row per recording (audio file, optional bundle).
// Thread rules: any non-real-time thread (the connection serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"

namespace auralis::store {

struct RecordingRow {
  std::string id;
  std::string format;      // wav | flac | opus
  std::string audioPath;   // relative to the data directory
  std::string bundlePath;  // relative to the data directory; empty when none
  std::string status;      // recording | stopped | failed
  std::string error;       // why it failed, when it did
  std::int64_t sampleRate = 0;
  std::int64_t startSample = 0;
  std::int64_t frames = 0;
  std::string createdAt;
  std::string stoppedAt;
};

class RecordingsRepo {
 public:
  explicit RecordingsRepo(Database& db) : db_(db) {}

  Status insert(const RecordingRow& row);
  /// Updates status, error, start sample, frames and stop time of `row.id`.
  Status update(const RecordingRow& row);
  Result<std::optional<RecordingRow>> get(const std::string& id);
  /// Newest first.
  Result<std::vector<RecordingRow>> list();
  /// Rows left "recording" by a crash become "failed" (at start).
  Status markInterrupted();

 private:
  Database& db_;
};

/// Now, as ISO 8601 UTC with milliseconds ("2024-05-01T12:00:00.123Z").
std::string isoNow();

}  // namespace auralis::store
