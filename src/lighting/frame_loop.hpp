// The lighting frame loop: its own thread, woken on absolute deadlines at the
// frame rate (40 FPS default, up to 44), renders the scene from the latest
// features and sends every patched universe to every target with non-blocking
// UDP — ArtDmx (+ ArtSync after a multi-universe frame) and sACN data packets.
// It answers ArtPoll with ArtPollReply, holds frames back per output delay, and
// sends a blackout on stop.
//
// Thread rules: start()/stop()/setScene() from the owner (app) thread; the
// callbacks run on the frame thread (keep them cheap); stats from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "lighting/features.hpp"
#include "lighting/output_target.hpp"
#include "lighting/scene.hpp"

namespace auralis::lighting {

struct FrameLoopConfig {
  double fps = 40.0;  // 1..44
  std::vector<OutputTarget> targets;
  /// Where ArtPoll is answered ("127.0.0.1:6454"); empty = not at all. A bind
  /// failure is reported by start() as a warning in stats, never fatal.
  std::string pollBind = "127.0.0.1:6454";
  /// false: an unchanged universe is re-sent only as a keepalive, once a second.
  bool sendUnchanged = true;
  double snapshotHz = 10.0;      // onSnapshot rate (the `dmx` telemetry)
  bool realtimePriority = true;  // ask for SCHED_FIFO; refusal is fine
};

struct FrameLoopStats {
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> packets{0};
  std::atomic<std::uint64_t> sendErrors{0};
  std::atomic<std::uint64_t> lateFrames{0};  // a deadline passed by more than a frame: re-anchored
  std::atomic<std::uint64_t> pollReplies{0};
  std::atomic<bool> realtime{false};
  std::atomic<bool> pollBound{false};
};

class FrameLoop {
 public:
  using FeatureSource = std::function<LightingFeatures()>;

  FrameLoop(FrameLoopConfig config, SceneRenderer renderer, FeatureSource features);
  ~FrameLoop();
  FrameLoop(const FrameLoop&) = delete;
  FrameLoop& operator=(const FrameLoop&) = delete;

  /// Owner thread. Opens the sockets and starts the frame thread.
  Status start();
  /// Owner thread. Sends a blackout to every target and joins the thread.
  void stop();
  /// Any non-real-time thread; takes effect at the next frame without a jump.
  void setScene(Scene scene);

  /// Called on the frame thread with each frame interval in seconds (the jitter histogram).
  std::function<void(double)> onInterval;
  /// Called on the frame thread with every frame as rendered (before any output
  /// delay), right after the feature source was read; must not block. Set before start().
  std::function<void(const DmxFrame&)> onFrame;
  /// Called on the frame thread at snapshotHz with the frame just sent.
  std::function<void(const DmxFrame&)> onSnapshot;

  const FrameLoopStats& stats() const { return stats_; }
  /// The port ArtPoll is answered on (0 when not bound); useful with port 0.
  std::uint16_t pollPort() const { return pollPort_; }
  const FrameLoopConfig& config() const { return config_; }

 private:
  void run();
  void send(const DmxFrame& frame, const OutputTarget& target, std::size_t targetIndex, bool force);
  void answerPolls();

  FrameLoopConfig config_;
  SceneRenderer renderer_;
  FeatureSource features_;
  FrameLoopStats stats_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  int sendSocket_ = -1;
  int pollSocket_ = -1;
  std::uint16_t pollPort_ = 0;
  std::mutex sceneMutex_;
  std::optional<Scene> pendingScene_;
  /// Recent frames, newest at historyHead_, for per-target delays.
  std::vector<DmxFrame> history_;
  std::size_t historyHead_ = 0;
  std::uint64_t historyCount_ = 0;
  struct TargetState {
    std::vector<std::uint8_t> sequence;  // per universe
    std::vector<std::array<std::uint8_t, kDmxSlots>> lastSent;
    std::vector<double> lastSentAt;  // seconds, per universe
  };
  std::vector<TargetState> targetState_;
  std::array<std::uint8_t, 16> cid_{};
};

}  // namespace auralis::lighting
