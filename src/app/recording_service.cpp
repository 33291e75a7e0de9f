#include "app/recording_service.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "io/smf_writer.hpp"
#include "store/recordings_repo.hpp"

namespace fs = std::filesystem;

namespace auralis::app {

namespace {

/// "rec-20240501-120000-3fa9": sortable by time, unique enough, and made only
/// of characters that are safe in a URL path and a file name.
std::string newId() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rd() & 0xffffU));
  return std::string("rec-") + stamp + "-" + suffix;
}

Status writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return makeError("io_error", "cannot write " + path.string());
  return Ok{};
}

}  // namespace

RecordingService::RecordingService(engine::Engine& engine, store::Database& db, std::string dataDir,
                                   control::EventBus* bus, const SessionLog* log, SessionInfo info)
    : engine_(engine),
      repo_(db),
      dataDir_(std::move(dataDir)),
      bus_(bus),
      log_(log),
      info_(std::move(info)) {}

RecordingService::~RecordingService() {
  std::lock_guard lock(mutex_);
  if (active_) {
    finish(*active_);
    active_.reset();
  }
}

nlohmann::json RecordingService::toJson(const store::RecordingRow& row) {
  nlohmann::json j = {{"id", row.id},
                      {"format", row.format},
                      {"status", row.status},
                      {"sampleRate", row.sampleRate},
                      {"startSample", row.startSample},
                      {"frames", row.frames},
                      {"seconds", row.sampleRate > 0 ? static_cast<double>(row.frames) /
                                                           static_cast<double>(row.sampleRate)
                                                     : 0.0},
                      {"createdAt", row.createdAt},
                      {"audio", "/api/v1/recordings/" + row.id + "/audio"},
                      {"bundle", !row.bundlePath.empty()}};
  if (!row.bundlePath.empty()) j["bundlePath"] = row.bundlePath;
  if (!row.stoppedAt.empty()) j["stoppedAt"] = row.stoppedAt;
  if (!row.error.empty()) j["error"] = row.error;
  return j;
}

void RecordingService::reapFailed() {
  if (active_ && active_->recorder->failed()) {
    finish(*active_);
    active_.reset();
  }
}

Result<std::string> RecordingService::start(const RecordingRequest& request) {
  auto format = io::parseRecordFormat(request.format);
  if (!format) return format.error();
  std::lock_guard lock(mutex_);
  reapFailed();
  if (active_)
    return makeError("busy", "recording " + active_->row.id + " is running; stop it first");

  auto active = std::make_unique<Active>();
  auto& row = active->row;
  row.id = newId();
  row.format = io::recordFormatName(format.value());
  row.status = "recording";
  row.sampleRate = static_cast<std::int64_t>(info_.sampleRate);
  row.createdAt = store::isoNow();
  const fs::path root(dataDir_);
  const std::string ext = row.format;
  std::error_code ec;
  fs::create_directories(root / "recordings", ec);
  if (ec)
    return makeError("io_error",
                     "cannot create " + (root / "recordings").string() + ": " + ec.message());
  io::RecorderConfig rc;
  rc.format = format.value();
  rc.sampleRate = static_cast<int>(info_.sampleRate);
  if (request.bundle) {
    row.bundlePath = "recordings/" + row.id + "-bundle";
    active->bundleDir = (root / row.bundlePath).string();
    fs::create_directories(active->bundleDir, ec);
    if (ec)
      return makeError("io_error", "cannot create " + active->bundleDir + ": " + ec.message());
    row.audioPath = row.bundlePath + "/audio." + ext;
    if (request.input) rc.inputPath = (root / (row.bundlePath + "/input." + ext)).string();
  } else {
    row.audioPath = "recordings/" + row.id + "." + ext;
    if (request.input) rc.inputPath = (root / ("recordings/" + row.id + "-input." + ext)).string();
  }
  rc.masterPath = (root / row.audioPath).string();

  const std::string id = row.id;
  auto onError = [this, id](const Error& e) {
    // Recorder thread: tell everyone now; start()/stop()/list() reap it later.
    spdlog::error("recording {} stopped: {}", id, e.message);
    if (bus_ != nullptr)
      // An `error` message (code, message) to everyone following recordings.
      bus_->publish("recording", {{"type", "error"},
                                  {"code", "recording_failed"},
                                  {"message", "recording " + id + " stopped: " + e.message},
                                  {"recordingId", id}});
  };
  auto recorder = io::Recorder::start(engine_, rc, onError);
  if (!recorder) {
    if (!active->bundleDir.empty()) fs::remove_all(active->bundleDir, ec);
    return recorder.error();
  }
  active->recorder = std::move(recorder).value();
  if (auto r = repo_.insert(row); !r) {
    active->recorder->stop();
    return r.error();
  }
  if (!active->bundleDir.empty() && dmx_ != nullptr && dmx_->attached()) {
    // From the position now: the recorder's first block is no later, so every
    // frame kept lies inside the recorded span.
    const auto dmxPath = (fs::path(active->bundleDir) / "dmx.bin").string();
    if (auto r = dmx_->begin(dmxPath, engine_.position()); r) {
      active->dmx = true;
    } else {
      active->dmxError = r.error().message;
      spdlog::warn("recording {}: no DMX frames: {}", id, r.error().message);
    }
  }
  spdlog::info("recording {} started ({}{})", id, row.format, request.bundle ? ", bundle" : "");
  if (bus_ != nullptr) bus_->publish("recording", {{"state", "started"}, {"id", id}});
  active_ = std::move(active);
  return id;
}

store::RecordingRow RecordingService::finish(Active& active) {
  auto& rec = *active.recorder;
  if (active.dmx) {
    // Before the recorder stops: every frame written was heard before its last block.
    active.dmxSummary = dmx_->end();
    active.dmx = false;
    if (!active.dmxSummary.error.empty()) active.dmxError = active.dmxSummary.error;
  }
  rec.stop();
  store::RecordingRow row = active.row;
  row.startSample = std::max<std::int64_t>(rec.startSample(), 0);
  row.frames = rec.frames();
  row.stoppedAt = store::isoNow();
  if (rec.failed()) {
    row.status = "failed";
    row.error = rec.error().message;
  } else {
    row.status = "stopped";
  }
  if (!active.bundleDir.empty()) {
    if (auto r = writeBundle(active, row); !r) {
      spdlog::error("recording {}: bundle incomplete: {}", row.id, r.error().message);
      if (row.error.empty()) row.error = "bundle incomplete: " + r.error().message;
    }
  }
  if (auto r = repo_.update(row); !r)
    spdlog::error("recording {}: cannot update the index: {}", row.id, r.error().message);
  spdlog::info("recording {} {}: {} frames", row.id, row.status, row.frames);
  if (bus_ != nullptr)
    bus_->publish("recording", {{"state", row.status}, {"id", row.id}, {"frames", row.frames}});
  active.row = row;
  return row;
}

Status RecordingService::writeBundle(const Active& active, const store::RecordingRow& row) {
  const fs::path dir(active.bundleDir);
  const auto notes = log_ != nullptr ? log_->notes() : std::vector<music::NoteEvent>{};
  const auto states = log_ != nullptr ? log_->states() : std::vector<LoggedState>{};
  const auto engineCommands =
      log_ != nullptr ? log_->engineCommands() : std::vector<engine::AppliedCommand>{};
  const bool exactCommands =
      log_ != nullptr && log_->logsEngineCommands() && log_->engineCommandDrops() == 0;
  // Late notes are in the engine command log (NoteLate), so a replay plays them
  // just as late; the count is kept for the reader.
  const auto lateNotes = engine_.metrics().lateNotes.load(std::memory_order_relaxed);
  const bool complete = log_ != nullptr && log_->complete() && exactCommands;
  nlohmann::json manifest = {
      {"format", "auralis-session-bundle"},
      {"version", 1},
      {"id", row.id},
      {"audio", "audio." + row.format},
      {"audioFormat", row.format},
      {"seed", info_.seed},
      {"sampleRate", info_.sampleRate},
      {"blockFrames", info_.blockFrames},
      {"engineMaxBlock", info_.engineMaxBlock},
      {"ceilingDb", info_.ceilingDb},
      {"loudnessLufs", info_.loudnessLufs},
      {"backend", info_.backend},
      {"startParams", info_.startParams},
      {"startSample", row.startSample},
      {"frames", row.frames},
      {"gapFrames", active.recorder->gapFrames()},
      {"status", row.status},
      {"liveInput", info_.liveInput},
      {"lateNotes", lateNotes},
      // Replay needs the whole log since the server started, no gaps in the
      // recording, and no live input.
      {"replayable", complete && !info_.liveInput && active.recorder->gapFrames() == 0},
      {"notes", "notes.jsonl"},
      {"commands", "commands.jsonl"},
      // Every engine command with the block it landed on: replay applies each on
      // the same block, so the render matches the recording bit for bit.
      {"engineCommands", exactCommands ? "engine_commands.jsonl" : ""},
      {"createdAt", row.createdAt},
      {"stoppedAt", row.stoppedAt},
  };
  // The lighting frames (dmx.bin, app/dmx_capture.hpp); null when lighting was off.
  if (dmx_ != nullptr && dmx_->attached()) {
    manifest["dmx"] = {{"file", "dmx.bin"},
                       {"frames", active.dmxSummary.frames},
                       {"drops", active.dmxSummary.drops}};
    if (!active.dmxError.empty()) manifest["dmx"]["error"] = active.dmxError;
  } else {
    manifest["dmx"] = nullptr;
  }
  std::string noteText;
  noteText.reserve(notes.size() * 96);
  for (const auto& n : notes) noteText += noteToJson(n).dump() + "\n";
  std::string commandText;
  for (const auto& s : states)
    commandText +=
        nlohmann::json{{"t", s.sample}, {"params", control::toJson(s.params)}}.dump() + "\n";
  // The recorded span as a Standard MIDI File: one track per agent, time 0 = first recorded frame.
  io::SmfWriter smf;
  const double rate = info_.sampleRate;
  smf.setTempoAtSample(0, info_.startParams.value("bpm", 90.0), rate);
  for (const auto& s : states)
    if (s.sample > row.startSample)
      smf.setTempoAtSample(s.sample - row.startSample, s.params.bpm, rate);
  static constexpr const char* kTracks[] = {"harmony", "bass", "melody", "percussion", "response"};
  int tracks[5];
  for (int i = 0; i < 5; ++i) tracks[i] = smf.addTrack(kTracks[i], i == 3 ? 9 : i);
  const std::int64_t end = row.startSample + row.frames;
  for (const auto& n : notes) {
    if (n.startSample < row.startSample || n.startSample >= end) continue;
    const auto ch = std::min<std::size_t>(static_cast<std::size_t>(n.channel), 4);
    smf.addNoteAtSample(tracks[ch], n.startSample - row.startSample, n.lengthSamples, n.pitch,
                        static_cast<int>(n.velocity * 127.0F + 0.5F), rate);
  }
  if (auto r = smf.write(dir / "notes.mid"); !r) return r;
  if (auto r = writeText(dir / "notes.jsonl", noteText); !r) return r;
  if (auto r = writeText(dir / "commands.jsonl", commandText); !r) return r;
  if (exactCommands) {
    std::string engineText;
    engineText.reserve(engineCommands.size() * 80);
    for (const auto& c : engineCommands) engineText += engineCommandToJson(c).dump() + "\n";
    if (auto r = writeText(dir / "engine_commands.jsonl", engineText); !r) return r;
  }
  return writeText(dir / "manifest.json", manifest.dump(2) + "\n");
}

Result<nlohmann::json> RecordingService::stop(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (active_ && active_->row.id == id) {
    auto row = finish(*active_);
    active_.reset();
    return toJson(row);
  }
  reapFailed();
  auto row = repo_.get(id);
  if (!row) return row.error();
  if (!row.value()) return makeError("not_found", "no recording " + id, "id");
  return makeError("not_recording", "recording " + id + " is " + row.value()->status);
}

Result<nlohmann::json> RecordingService::list() {
  std::lock_guard lock(mutex_);
  reapFailed();
  auto rows = repo_.list();
  if (!rows) return rows.error();
  nlohmann::json out = nlohmann::json::array();
  for (auto& row : rows.value()) {
    if (active_ && active_->row.id == row.id) row.frames = active_->recorder->frames();
    out.push_back(toJson(row));
  }
  return out;
}

Result<nlohmann::json> RecordingService::get(const std::string& id) {
  std::lock_guard lock(mutex_);
  reapFailed();
  auto row = repo_.get(id);
  if (!row) return row.error();
  if (!row.value()) return makeError("not_found", "no recording " + id, "id");
  auto r = *row.value();
  if (active_ && active_->row.id == id) r.frames = active_->recorder->frames();
  return toJson(r);
}

Result<std::string> RecordingService::audioFile(const std::string& id) {
  auto row = repo_.get(id);
  if (!row) return row.error();
  if (!row.value()) return makeError("not_found", "no recording " + id, "id");
  return (fs::path(dataDir_) / row.value()->audioPath).string();
}

}  // namespace auralis::app
