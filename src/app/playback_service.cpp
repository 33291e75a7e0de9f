#include "app/playback_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "control/messages.hpp"
#include "core/thread_name.hpp"
#include "store/sources_repo.hpp"

namespace auralis::app {

namespace {

// The worker wakes this often to top the rings up (a 2 s ring, 1.5 s ahead:
// plenty of slack for a disk or a scheduler hiccup).
constexpr auto kTick = std::chrono::milliseconds(10);
// Frames one stream may decode per tick before the others get their turn.
constexpr double kMaxChunkSeconds = 0.25;

double gainToDb(double g) {
  return g > 0.0 ? 20.0 * std::log10(g) : -200.0;
}

}  // namespace

PlaybackService::PlaybackService(engine::Engine& engine, store::Database& db,
                                 std::filesystem::path dataDir, PlaybackConfig config,
                                 control::EventBus* bus)
    : engine_(engine), db_(db), dataDir_(std::move(dataDir)), config_(config), bus_(bus) {}

PlaybackService::~PlaybackService() {
  stop();
}

void PlaybackService::start() {
  {
    std::lock_guard lock(mutex_);
    if (running_) return;
    running_ = true;
  }
  worker_ = std::thread([this] { run(); });
}

void PlaybackService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  engine_.postCommand(engine::SourcePlayer::stopCommand(config_.stopFadeSeconds));
}

Result<nlohmann::json> PlaybackService::apply(const control::PlaybackRequest& r) {
  using control::PlaybackAction;
  Job job{r, {}, 0.0};
  std::optional<store::SourceRow> row;
  if (r.action == PlaybackAction::Play) {
    auto found = store::SourcesRepo(db_).get(r.sourceId);
    if (!found) return found.error();
    if (!found.value()) return makeError(control::kNotFound, "no source " + r.sourceId, "sourceId");
    row = *found.value();
    if (r.position && row->durationSeconds > 0.0 && *r.position > row->durationSeconds)
      return makeError(
          control::codes::kInvalidParam,
          "position is beyond the source's end (" + std::to_string(row->durationSeconds) + " s)",
          "position");
    job.path = (dataDir_ / row->filePath).string();
    if (row->loudnessLufs)
      job.normalizationDb = std::clamp(config_.targetLufs - *row->loudnessLufs,
                                       -config_.maxNormalizeDb, config_.maxNormalizeDb);
  }
  nlohmann::json answer;
  {
    std::lock_guard lock(mutex_);
    auto& s = status_;
    switch (r.action) {
      case PlaybackAction::Play:
        s.sourceId = r.sourceId;
        s.path = job.path;
        s.duration = row->durationSeconds;
        s.position = r.position.value_or(0.0);
        s.normalizationDb = job.normalizationDb;
        s.state = "playing";
        s.error.clear();
        break;
      case PlaybackAction::Seek:
        if (s.state != "playing")
          return makeError(control::codes::kInvalidParam, "nothing is playing: play a source first",
                           "action");
        if (s.duration > 0.0 && *r.position > s.duration)
          return makeError(
              control::codes::kInvalidParam,
              "position is beyond the source's end (" + std::to_string(s.duration) + " s)",
              "position");
        s.position = *r.position;
        job.path = s.path;
        job.request.sourceId = s.sourceId;
        job.normalizationDb = s.normalizationDb;
        break;
      case PlaybackAction::Stop:
        if (s.state == "playing") s.state = "stopped";
        break;
      case PlaybackAction::Gain:
      case PlaybackAction::Loop:
        break;
    }
    if (r.loop) s.loop = *r.loop;
    if (r.gain) {
      s.gain = *r.gain;
      // The level needs no worker: smoothed on the audio thread, in any order.
      engine_.postCommand(engine::SourcePlayer::gainCommand(static_cast<float>(*r.gain)));
    }
    if (r.action != PlaybackAction::Gain) jobs_.push_back(std::move(job));
    answer = stateLocked();
  }
  wake_.notify_all();
  publish();
  return answer;
}

nlohmann::json PlaybackService::state() const {
  std::lock_guard lock(mutex_);
  return stateLocked();
}

nlohmann::json PlaybackService::stateLocked() const {
  const auto& s = status_;
  const auto& player = engine_.sourcePlayer();
  nlohmann::json j = {
      {"state", s.state},
      {"sourceId", s.sourceId.empty() ? nlohmann::json() : nlohmann::json(s.sourceId)},
      {"position", s.position},
      {"duration", s.duration},
      {"playing", s.state == "playing"},
      {"loop", s.loop},
      {"gain", s.gain},
      {"gainDb", std::max(-200.0, gainToDb(s.gain))},
      {"normalizationDb", s.normalizationDb},
      {"underruns", player.underruns()},
      {"underrunFrames", player.underrunFrames()},
      {"bufferSeconds", bufferSeconds()}};
  if (!s.error.empty()) j["error"] = s.error;
  return j;
}

void PlaybackService::publish() {
  if (bus_ != nullptr) bus_->publish("playback", state());
}

void PlaybackService::run() {
  core::nameThisThread("au-playback");
  auto lastPublish = std::chrono::steady_clock::now();
  for (;;) {
    std::deque<Job> jobs;
    // Nothing playing or fading: nothing to read ahead or report until a job comes
    // (a 10 ms tick with no source at all cost 100 wake-ups a second).
    bool idle = current_ < 0;
    for (int i = 0; i < engine::SourcePlayer::kSlots && idle; ++i)
      idle = !engine_.sourcePlayer().busy(i);
    {
      std::unique_lock lock(mutex_);
      const auto ready = [this] { return !running_ || !jobs_.empty(); };
      if (idle)
        wake_.wait(lock, ready);
      else
        wake_.wait_for(lock, kTick, ready);
      if (!running_) break;
      jobs.swap(jobs_);
    }
    while (!jobs.empty()) {
      try {
        if (!execute(jobs.front())) break;  // every slot still fading: next tick
      } catch (const std::exception& e) {
        spdlog::error("playback: {}", e.what());
      }
      jobs.pop_front();
    }
    if (!jobs.empty()) {
      std::lock_guard lock(mutex_);
      jobs_.insert(jobs_.begin(), jobs.begin(), jobs.end());
    }
    try {
      tick();
    } catch (const std::exception& e) {
      spdlog::error("playback: {}", e.what());
    }
    const auto now = std::chrono::steady_clock::now();
    if (current_ >= 0 && now - lastPublish > std::chrono::seconds(1)) {
      lastPublish = now;
      publish();
    }
  }
}

bool PlaybackService::execute(const Job& job) {
  using control::PlaybackAction;
  auto& player = engine_.sourcePlayer();
  switch (job.request.action) {
    case PlaybackAction::Play:
    case PlaybackAction::Seek: {
      int slot = -1;
      for (int i = 0; i < engine::SourcePlayer::kSlots && slot < 0; ++i)
        if (!player.busy(i)) slot = i;
      if (slot < 0) return false;
      streams_[static_cast<std::size_t>(slot)].reset();  // a finished stream's decoder
      const bool seek = job.request.action == PlaybackAction::Seek;
      const float fade = job.request.crossfade
                             ? static_cast<float>(*job.request.crossfade)
                             : (seek ? config_.seekFadeSeconds : config_.playFadeSeconds);
      const double position = job.request.position.value_or(0.0);
      bool loop = false;
      {
        std::lock_guard lock(mutex_);
        loop = status_.loop;
      }
      auto stream = PlaybackStream::open(job.path, position, player.sampleRate(), loop);
      if (!stream) {
        spdlog::warn("playback: {}: {}", job.request.sourceId, stream.error().message);
        std::lock_guard lock(mutex_);
        status_.state = "error";
        status_.error = stream.error().message;
        return true;
      }
      const auto gain = static_cast<float>(std::pow(10.0, job.normalizationDb / 20.0));
      const auto generation = player.arm(slot, gain);
      auto& ring = player.ring(slot);
      const auto ahead = static_cast<std::size_t>(config_.aheadSeconds * player.sampleRate());
      if (auto s = stream.value()->fill(ring, ahead, ahead); !s) {
        player.disarm(slot);
        std::lock_guard lock(mutex_);
        status_.state = "error";
        status_.error = s.error().message;
        return true;
      }
      if (!engine_.postCommand(engine::SourcePlayer::startCommand(slot, generation, fade))) {
        player.disarm(slot);  // the queue is full: the audio thread never saw it
        spdlog::warn("playback: engine command queue full; start dropped");
        return true;
      }
      streams_[static_cast<std::size_t>(slot)] = std::move(stream.value());
      current_ = slot;
      return true;
    }
    case PlaybackAction::Stop: {
      const float fade = job.request.crossfade ? static_cast<float>(*job.request.crossfade)
                                               : config_.stopFadeSeconds;
      engine_.postCommand(engine::SourcePlayer::stopCommand(fade));
      current_ = -1;
      bufferSeconds_.store(0.0, std::memory_order_relaxed);
      return true;
    }
    case PlaybackAction::Loop:
      if (current_ >= 0 && streams_[static_cast<std::size_t>(current_)])
        streams_[static_cast<std::size_t>(current_)]->setLoop(*job.request.loop,
                                                              player.ring(current_));
      return true;
    case PlaybackAction::Gain:
      return true;
  }
  return true;
}

void PlaybackService::tick() {
  auto& player = engine_.sourcePlayer();
  const auto ahead = static_cast<std::size_t>(config_.aheadSeconds * player.sampleRate());
  const auto chunk = static_cast<std::size_t>(kMaxChunkSeconds * player.sampleRate());
  for (int i = 0; i < engine::SourcePlayer::kSlots; ++i) {
    auto& stream = streams_[static_cast<std::size_t>(i)];
    if (!stream || !player.busy(i)) continue;  // idle slots are left for the next play
    if (auto s = stream->fill(player.ring(i), ahead, chunk); !s) {
      spdlog::warn("playback: reading ahead failed: {}", s.error().message);
      player.ring(i).markEnded();
    }
  }
  if (current_ < 0) return;
  auto& stream = streams_[static_cast<std::size_t>(current_)];
  const auto& ring = player.ring(current_);
  const double position = stream ? stream->positionSeconds(ring.consumed()) : 0.0;
  bufferSeconds_.store(static_cast<double>(ring.readable()) / player.sampleRate(),
                       std::memory_order_relaxed);
  bool ended = false;
  {
    std::lock_guard lock(mutex_);
    status_.position = position;
    if (!player.busy(current_) && status_.state == "playing" && jobs_.empty()) {
      // The audio thread let the slot go without a stop: the source played to its end.
      status_.state = "ended";
      ended = true;
    }
  }
  if (ended) {
    current_ = -1;
    bufferSeconds_.store(0.0, std::memory_order_relaxed);
    publish();
  }
}

}  // namespace auralis::app
