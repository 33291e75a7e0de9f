// The media-source registry: one row per distinct uploaded file (by SHA-256),
// with what decoding measured (duration, rate, channels, EBU R128 loudness),
// so playback can open and normalize a source without probing it again.
//
// Thread rules: any non-real-time thread (the connection serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"

namespace auralis::store {

struct SourceRow {
  std::string id;
  std::string sha256;
  std::string name;
  std::string filePath;  // relative to the data directory
  std::int64_t bytes = 0;
  double durationSeconds = 0.0;
  std::int64_t sampleRate = 0;
  std::int64_t channels = 0;
  std::optional<double> loudnessLufs;  // none for silence (below the -70 LUFS gate)
  bool hasVideo = false;
  std::string codec;
  std::string createdAt;
};

class SourcesRepo {
 public:
  explicit SourcesRepo(Database& db) : db_(db) {}

  /// Adds `row`. Error `duplicate` when a row with its sha256 (or id) exists.
  Status insert(const SourceRow& row);
  Result<std::optional<SourceRow>> get(const std::string& id);
  Result<std::optional<SourceRow>> findBySha256(const std::string& sha256);
  /// Newest first.
  Result<std::vector<SourceRow>> list();
  /// True when a row was removed.
  Result<bool> remove(const std::string& id);

 private:
  Result<std::optional<SourceRow>> one(const std::string& where, const std::string& value);
  Database& db_;
};

}  // namespace auralis::store
