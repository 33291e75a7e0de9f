#include "store/recordings_repo.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace auralis::store {

namespace {

constexpr const char* kColumns =
    "id, format, audio_path, bundle_path, status, error, sample_rate, start_sample, frames, "
    "created_at, stopped_at";

RecordingRow readRow(const Statement& st) {
  RecordingRow r;
  r.id = st.columnText(0);
  r.format = st.columnText(1);
  r.audioPath = st.columnText(2);
  r.bundlePath = st.columnText(3);
  r.status = st.columnText(4);
  r.error = st.columnText(5);
  r.sampleRate = st.columnInt(6);
  r.startSample = st.columnInt(7);
  r.frames = st.columnInt(8);
  r.createdAt = st.columnText(9);
  r.stoppedAt = st.columnText(10);
  return r;
}

void bindOptional(Statement& st, int index, const std::string& text) {
  if (text.empty())
    st.bindNull(index);
  else
    st.bind(index, text);
}

}  // namespace

std::string isoNow() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

Status RecordingsRepo::insert(const RecordingRow& row) {
  auto st = db_.prepare(std::string("INSERT INTO recordings (") + kColumns +
                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!st) return st.error();
  auto& s = st.value();
  s.bind(1, row.id).bind(2, row.format).bind(3, row.audioPath);
  bindOptional(s, 4, row.bundlePath);
  s.bind(5, row.status);
  bindOptional(s, 6, row.error);
  s.bind(7, row.sampleRate).bind(8, row.startSample).bind(9, row.frames).bind(10, row.createdAt);
  bindOptional(s, 11, row.stoppedAt);
  return s.run();
}

Status RecordingsRepo::update(const RecordingRow& row) {
  auto st = db_.prepare(
      "UPDATE recordings SET status = ?2, error = ?3, start_sample = ?4, frames = ?5, "
      "stopped_at = ?6 WHERE id = ?1");
  if (!st) return st.error();
  auto& s = st.value();
  s.bind(1, row.id).bind(2, row.status);
  bindOptional(s, 3, row.error);
  s.bind(4, row.startSample).bind(5, row.frames);
  bindOptional(s, 6, row.stoppedAt);
  return s.run();
}

Result<std::optional<RecordingRow>> RecordingsRepo::get(const std::string& id) {
  auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM recordings WHERE id = ?1");
  if (!st) return st.error();
  st.value().bind(1, id);
  auto row = st.value().step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<RecordingRow>{};
  return std::optional<RecordingRow>{readRow(st.value())};
}

Result<std::vector<RecordingRow>> RecordingsRepo::list() {
  auto st = db_.prepare(std::string("SELECT ") + kColumns +
                        " FROM recordings ORDER BY created_at DESC, id DESC");
  if (!st) return st.error();
  std::vector<RecordingRow> out;
  for (;;) {
    auto row = st.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.push_back(readRow(st.value()));
  }
  return out;
}

Status RecordingsRepo::markInterrupted() {
  return db_.exec(
      "UPDATE recordings SET status = 'failed', error = 'interrupted (the server stopped "
      "without finishing it)' WHERE status = 'recording'");
}

}  // namespace auralis::store
