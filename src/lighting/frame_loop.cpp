#include "lighting/frame_loop.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/monotonic_clock.hpp"
#include "core/thread_name.hpp"
#include "lighting/artnet.hpp"
#include "lighting/sacn.hpp"

namespace auralis::lighting {

namespace {

constexpr std::size_t kHistoryFrames = 96;  // 2.4 s at 40 FPS: the longest output delay
constexpr std::int64_t kNs = 1'000'000'000;

std::int64_t nowNs() {
  return static_cast<std::int64_t>(core::monotonicNanos());
}

void sleepUntil(std::int64_t deadlineNs) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(deadlineNs / kNs);
  ts.tv_nsec = static_cast<long>(deadlineNs % kNs);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

int udpSocket() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return fd;
}

}  // namespace

FrameLoop::FrameLoop(FrameLoopConfig config, SceneRenderer renderer, FeatureSource features)
    : config_(std::move(config)), renderer_(std::move(renderer)), features_(std::move(features)) {
  config_.fps = std::clamp(config_.fps, 1.0, 44.0);
  history_.resize(kHistoryFrames);
  const auto universes = static_cast<std::size_t>(renderer_.patch().universeCount());
  targetState_.resize(config_.targets.size());
  for (auto& t : targetState_) {
    t.sequence.assign(universes, 0);
    t.lastSent.assign(universes, {});
    t.lastSentAt.assign(universes, -1e9);
  }
  cid_ = sacn::randomCid();
}

FrameLoop::~FrameLoop() {
  stop();
}

Status FrameLoop::start() {
  if (running_.load()) return Ok{};
  sendSocket_ = udpSocket();
  if (sendSocket_ < 0)
    return makeError("internal", std::string("lighting: no UDP socket: ") + std::strerror(errno));
  if (!config_.pollBind.empty()) {
    auto bind = parseOutputTarget(config_.pollBind, Protocol::ArtNet, true);
    if (bind) {
      pollSocket_ = udpSocket();
      const int one = 1;
      setsockopt(pollSocket_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      const auto& addr = bind.value().address;
      if (::bind(pollSocket_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        stats_.pollBound = true;
        sockaddr_in self{};
        socklen_t len = sizeof self;
        if (getsockname(pollSocket_, reinterpret_cast<sockaddr*>(&self), &len) == 0)
          pollPort_ = ntohs(self.sin_port);
      } else {
        close(pollSocket_);
        pollSocket_ = -1;
      }
    }
  }
  running_ = true;
  thread_ = std::thread([this] {
    core::nameThisThread("au-lighting");
    run();
  });
  return Ok{};
}

void FrameLoop::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
  // Blackout: every universe to zero on every target, twice in case one is lost.
  DmxFrame dark;
  dark.universes = renderer_.patch().universeCount();
  for (int repeat = 0; repeat < 2; ++repeat)
    for (std::size_t i = 0; i < config_.targets.size(); ++i)
      send(dark, config_.targets[i], i, true);
  if (sendSocket_ >= 0) close(sendSocket_);
  if (pollSocket_ >= 0) close(pollSocket_);
  sendSocket_ = pollSocket_ = -1;
}

void FrameLoop::setScene(Scene scene) {
  std::lock_guard lock(sceneMutex_);
  pendingScene_ = std::move(scene);
}

void FrameLoop::send(const DmxFrame& frame, const OutputTarget& target, std::size_t targetIndex,
                     bool force) {
  auto& state = targetState_[targetIndex];
  const double now = static_cast<double>(nowNs()) / static_cast<double>(kNs);
  const auto* addr = reinterpret_cast<const sockaddr*>(&target.address);
  int sent = 0;
  for (int u = 0; u < frame.universes && u < static_cast<int>(state.sequence.size()); ++u) {
    const auto k = static_cast<std::size_t>(u);
    const auto& data = frame.data[k];
    const bool changed = data != state.lastSent[k];
    if (!force && !config_.sendUnchanged && !changed && now - state.lastSentAt[k] < 1.0) continue;
    std::vector<std::uint8_t> packet;
    if (target.protocol == Protocol::ArtNet) {
      // Art-Net sequence 0 means "no sequencing": cycle 1..255.
      state.sequence[k] = static_cast<std::uint8_t>(state.sequence[k] % 255 + 1);
      packet = artnet::encodeDmx(static_cast<std::uint16_t>(u), state.sequence[k], data);
    } else {
      state.sequence[k] = static_cast<std::uint8_t>(state.sequence[k] + 1);
      packet = sacn::encodeData({cid_, "Auralis", 100}, static_cast<std::uint16_t>(u + 1),
                                state.sequence[k], data);
    }
    if (sendto(sendSocket_, packet.data(), packet.size(), MSG_DONTWAIT, addr, sizeof(sockaddr_in)) <
        0) {
      stats_.sendErrors.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats_.packets.fetch_add(1, std::memory_order_relaxed);
      ++sent;
    }
    state.lastSent[k] = data;
    state.lastSentAt[k] = now;
  }
  if (target.protocol == Protocol::ArtNet && sent > 1) {
    const auto sync = artnet::encodeSync();
    if (sendto(sendSocket_, sync.data(), sync.size(), MSG_DONTWAIT, addr, sizeof(sockaddr_in)) < 0)
      stats_.sendErrors.fetch_add(1, std::memory_order_relaxed);
    else
      stats_.packets.fetch_add(1, std::memory_order_relaxed);
  }
}

void FrameLoop::answerPolls() {
  if (pollSocket_ < 0) return;
  std::array<std::uint8_t, 1024> buffer{};
  for (int i = 0; i < 16; ++i) {  // bounded: a poll flood cannot starve the frame
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const auto n = recvfrom(pollSocket_, buffer.data(), buffer.size(), MSG_DONTWAIT,
                            reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) return;
    const auto op = artnet::opCode(std::span(buffer.data(), static_cast<std::size_t>(n)));
    if (!op || *op != artnet::kOpPoll) continue;
    artnet::PollReplyInfo info;
    sockaddr_in self{};
    socklen_t selfLen = sizeof self;
    if (getsockname(pollSocket_, reinterpret_cast<sockaddr*>(&self), &selfLen) == 0) {
      std::memcpy(info.ip.data(), &self.sin_addr.s_addr, 4);
      info.port = ntohs(self.sin_port);
    }
    info.universes = renderer_.patch().universeCount();
    const auto reply = artnet::encodePollReply(info);
    if (sendto(pollSocket_, reply.data(), reply.size(), MSG_DONTWAIT,
               reinterpret_cast<sockaddr*>(&from), len) > 0)
      stats_.pollReplies.fetch_add(1, std::memory_order_relaxed);
  }
}

void FrameLoop::run() {
  if (config_.realtimePriority) {
    sched_param sp{};
    sp.sched_priority = 20;  // below the audio thread's
    stats_.realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
  }
  const auto period = static_cast<std::int64_t>(std::llround(1e9 / config_.fps));
  const auto snapshotEvery = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::llround(config_.fps / config_.snapshotHz)));
  std::int64_t anchor = nowNs();
  std::uint64_t index = 0;
  std::int64_t lastWake = -1;
  while (running_.load(std::memory_order_relaxed)) {
    const std::int64_t deadline = anchor + static_cast<std::int64_t>(index) * period;
    sleepUntil(deadline);
    const std::int64_t woke = nowNs();
    if (woke - deadline > period) {
      // Asleep past a whole frame (a VM stall): start the grid again from now
      // instead of firing a burst of catch-up frames.
      stats_.lateFrames.fetch_add(1, std::memory_order_relaxed);
      anchor = woke;
      index = 0;
    }
    if (lastWake >= 0 && onInterval) onInterval(static_cast<double>(woke - lastWake) / 1e9);
    lastWake = woke;
    {
      std::lock_guard lock(sceneMutex_);
      if (pendingScene_) {
        renderer_.setScene(std::move(*pendingScene_));
        pendingScene_.reset();
      }
    }
    historyHead_ = (historyHead_ + 1) % history_.size();
    renderer_.render(features_ ? features_() : LightingFeatures{}, 1.0 / config_.fps,
                     history_[historyHead_]);
    ++historyCount_;
    if (onFrame) onFrame(history_[historyHead_]);
    for (std::size_t i = 0; i < config_.targets.size(); ++i) {
      const auto& target = config_.targets[i];
      const auto back = std::min<std::uint64_t>(
          {static_cast<std::uint64_t>(std::llround(target.delayMs * config_.fps / 1000.0)),
           historyCount_ - 1, history_.size() - 1});
      const auto slot = (historyHead_ + history_.size() - back) % history_.size();
      send(history_[slot], target, i, false);
    }
    answerPolls();
    stats_.frames.fetch_add(1, std::memory_order_relaxed);
    if (onSnapshot && stats_.frames.load(std::memory_order_relaxed) % snapshotEvery == 0)
      onSnapshot(history_[historyHead_]);
    ++index;
  }
}

}  // namespace auralis::lighting
