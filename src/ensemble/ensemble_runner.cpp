#include "ensemble/ensemble_runner.hpp"
#include "core/thread_name.hpp"

#include <cmath>
#include <exception>

namespace auralis::ensemble {

EnsembleRunner::EnsembleRunner(const EnsembleConfig& config, NoteSink& sink,
                               std::function<std::int64_t()> playhead, RunnerOptions options)
    : ensemble_(config),
      sink_(sink),
      playhead_(std::move(playhead)),
      lookahead_(options.lookaheadSamples > 0
                     ? options.lookaheadSamples
                     : static_cast<std::int64_t>(std::llround(config.sampleRate * 0.25))),
      margin_(static_cast<std::int64_t>(std::llround(config.sampleRate * 0.03))),
      period_(options.period),
      latest_(ensemble_.params()) {}

EnsembleRunner::~EnsembleRunner() {
  stop();
}

void EnsembleRunner::start() {
  if (running_.load(std::memory_order_acquire)) return;
  {
    std::lock_guard lock(mailboxMutex_);
    stopRequested_ = false;
  }
  running_.store(true, std::memory_order_release);
  thread_ = std::thread([this] {
    core::nameThisThread("au-ensemble");
    run();
  });
}

void EnsembleRunner::stop() {
  {
    std::lock_guard lock(mailboxMutex_);
    stopRequested_ = true;
  }
  wakeSignal_.notify_all();
  if (thread_.joinable()) thread_.join();
  running_.store(false, std::memory_order_release);
}

void EnsembleRunner::setParams(const EnsembleParams& params) {
  {
    std::lock_guard lock(mailboxMutex_);
    pending_ = params;
    latest_ = params;
  }
  wakeSignal_.notify_all();  // apply promptly rather than at the next tick
}

EnsembleParams EnsembleRunner::params() const {
  std::lock_guard lock(mailboxMutex_);
  return latest_;
}

void EnsembleRunner::setObserver(GenerationObserver* observer) {
  std::lock_guard lock(mailboxMutex_);
  observer_ = observer;
  observerChanged_ = true;
}

void EnsembleRunner::followHuman(const FollowConfig& config) {
  follower_ = std::make_unique<LiveFollower>(config);
}

void EnsembleRunner::pushInputFeatures(InputFeatures features) {
  if (!follower_) return;
  std::lock_guard lock(mailboxMutex_);
  if (features_.size() >= 256) features_.erase(features_.begin());
  features_.push_back(std::move(features));
}

std::string EnsembleRunner::currentChord() const {
  std::lock_guard lock(mailboxMutex_);
  return chord_;
}

std::string EnsembleRunner::currentSection() const {
  std::lock_guard lock(mailboxMutex_);
  return section_;
}

std::string EnsembleRunner::lastError() const {
  std::lock_guard lock(mailboxMutex_);
  return error_;
}

void EnsembleRunner::wake() {
  // Take the mailbox under the lock (a copy), then plan without it.
  std::optional<EnsembleParams> params;
  std::vector<InputFeatures> features;
  {
    std::lock_guard lock(mailboxMutex_);
    params.swap(pending_);
    features.swap(features_);
    if (observerChanged_) {
      ensemble_.setObserver(observer_);
      observerChanged_ = false;
    }
  }
  if (follower_) {
    // The user's parameters stay the base; the follower lays the human's
    // key, tempo, dynamics and space over them (latched at the next bar).
    if (params)
      base_ = *params;
    else if (wakes_.load(std::memory_order_relaxed) == 0)
      base_ = ensemble_.params();
    for (const InputFeatures& f : features) follower_->update(f);
    if (auto call = follower_->takeCall()) ensemble_.queueAnswer(std::move(*call));
    ensemble_.setParams(follower_->shape(base_));
  } else if (params) {
    ensemble_.setParams(*params);
  }
  const std::int64_t playhead = playhead_();
  if (playhead + margin_ > ensemble_.nextBarSample()) {
    // Fell behind (a stall, or the clock jumped), or the very first bar: start
    // afresh a little after the playhead, so the audio thread, which renders on
    // while this plans, has not passed the bar's first notes when they arrive.
    ensemble_.skipTo(playhead + margin_);
    if (ensemble_.barCount() > 0) late_.fetch_add(1, std::memory_order_relaxed);
  }
  ensemble_.planUntil(playhead + lookahead_, sink_);
  bars_.store(ensemble_.barCount(), std::memory_order_relaxed);
  plannedUntil_.store(ensemble_.nextBarSample(), std::memory_order_relaxed);
  dropped_.store(ensemble_.droppedNotes(), std::memory_order_relaxed);
  answers_.store(ensemble_.answersPlayed(), std::memory_order_relaxed);
  std::string chord = ensemble_.currentChord();
  std::string section = ensemble_.currentSection();
  std::lock_guard lock(mailboxMutex_);
  chord_.swap(chord);
  section_.swap(section);
}

void EnsembleRunner::run() {
  std::unique_lock lock(mailboxMutex_);
  while (!stopRequested_) {
    lock.unlock();
    try {
      wake();
    } catch (const std::exception& e) {
      // A thread boundary: report, keep running (the next wake may succeed).
      std::lock_guard errorLock(mailboxMutex_);
      error_ = e.what();
    }
    wakes_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    if (stopRequested_) break;
    wakeSignal_.wait_for(lock, period_, [this] { return stopRequested_ || pending_.has_value(); });
  }
}

}  // namespace auralis::ensemble
