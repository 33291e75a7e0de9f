// EnsembleRunner: the live wrapper. Owns the ensemble thread, which wakes at
// ~20 Hz, reads the playhead, and plans every bar that starts before
// playhead + lookahead. Control threads hand it parameters through a small
// mutex-protected mailbox; the planning thread only ever holds that mutex for
// a copy, so it never waits on a control thread for long.
//
// Thread rules: every public method may be called from any thread, except that
// start()/stop() must not race each other (one owner starts and stops it). The
// playhead function and the observer are called on the runner thread; the sink
// is pushed from the runner thread only (it may be an SPSC ring's producer end).
// An observer replaced by setObserver() may still be called until the next wake
// completes; keep it alive until then (or until stop()).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ensemble/ensemble.hpp"
#include "ensemble/live_follower.hpp"

namespace auralis::ensemble {

struct RunnerOptions {
  /// Samples planned beyond the playhead; 0 means 250 ms worth.
  std::int64_t lookaheadSamples = 0;
  /// Time between wakes (about 20 Hz).
  std::chrono::milliseconds period{50};
};

class EnsembleRunner {
 public:
  /// `sink` and `playhead` must outlive the runner.
  EnsembleRunner(const EnsembleConfig& config, NoteSink& sink,
                 std::function<std::int64_t()> playhead, RunnerOptions options = {});
  ~EnsembleRunner();  // stops and joins
  EnsembleRunner(const EnsembleRunner&) = delete;
  EnsembleRunner& operator=(const EnsembleRunner&) = delete;

  /// Starts the thread (no-op if running). Owner thread.
  void start();
  /// Stops and joins the thread (no-op if stopped). Owner thread; never from the observer.
  void stop();
  bool running() const { return running_.load(std::memory_order_acquire); }

  /// Queues parameters for the next wake; they land at the next bar. Any thread.
  void setParams(const EnsembleParams& params);
  /// The parameters most recently set. Any thread.
  EnsembleParams params() const;
  /// Observer for generation events, called on the runner thread (nullptr = none).
  /// Any thread; takes effect at the next wake.
  void setObserver(GenerationObserver* observer);

  /// Plays with a human: from now on every wake feeds the queued InputFeatures
  /// to a LiveFollower and plans with its shape of the user's parameters;
  /// finished phrases are answered by the melody. Call before start().
  void followHuman(const FollowConfig& config);
  /// Queues one snapshot of the human's playing for the next wake (the oldest
  /// are dropped beyond 256). Any thread; ignored unless followHuman() was called.
  void pushInputFeatures(InputFeatures features);
  /// Phrases the melody has answered. Any thread.
  std::uint64_t answersPlayed() const { return answers_.load(std::memory_order_relaxed); }

  /// Snapshots refreshed after each wake. Any thread.
  std::string currentChord() const;
  std::string currentSection() const;
  std::int64_t barCount() const { return bars_.load(std::memory_order_relaxed); }
  /// Where planning has reached on the sample clock (start of the next bar to plan).
  std::int64_t plannedUntil() const { return plannedUntil_.load(std::memory_order_relaxed); }
  std::uint64_t wakes() const { return wakes_.load(std::memory_order_relaxed); }
  std::uint64_t droppedNotes() const { return dropped_.load(std::memory_order_relaxed); }
  /// Times the playhead had passed the plan and bars were skipped to catch up.
  std::uint64_t lateWakes() const { return late_.load(std::memory_order_relaxed); }
  /// The last exception the planning thread caught (empty if none).
  std::string lastError() const;

 private:
  void run();
  void wake();

  Ensemble ensemble_;
  NoteSink& sink_;
  std::function<std::int64_t()> playhead_;
  std::int64_t lookahead_;
  std::int64_t margin_;  // a fresh start lands this far after the playhead (30 ms)
  std::chrono::milliseconds period_;

  mutable std::mutex mailboxMutex_;  // guards the fields below up to the marker
  std::optional<EnsembleParams> pending_;
  EnsembleParams latest_;
  GenerationObserver* observer_ = nullptr;
  bool observerChanged_ = false;
  std::string chord_;
  std::string section_;
  std::string error_;
  bool stopRequested_ = false;
  std::vector<InputFeatures> features_;
  std::condition_variable wakeSignal_;
  // (end of mailbox)

  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<std::int64_t> bars_{0};
  std::atomic<std::int64_t> plannedUntil_{0};
  std::atomic<std::uint64_t> wakes_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> late_{0};
  std::atomic<std::uint64_t> answers_{0};
  std::unique_ptr<LiveFollower> follower_;  // ensemble thread after start()
  EnsembleParams base_;                     // the user's parameters (ensemble thread)
};

}  // namespace auralis::ensemble
