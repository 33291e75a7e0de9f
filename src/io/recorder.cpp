#include "io/recorder.hpp"
#include "core/thread_name.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace auralis::io {

namespace {

/// Longest stretch of silence written for one gap: a stalled side-chain must
/// not turn into gigabytes of zeros.
constexpr std::int64_t kMaxGapSeconds = 10;

void discardStale(engine::Tap& tap) {
  while (tap.front() != nullptr) tap.pop();
}

}  // namespace

Recorder::Recorder(engine::Engine& engine, RecorderConfig config, ErrorHandler onError)
    : engine_(engine), config_(std::move(config)), onError_(std::move(onError)) {}

Result<std::unique_ptr<Recorder>> Recorder::start(engine::Engine& engine, RecorderConfig config,
                                                  ErrorHandler onError) {
  std::unique_ptr<Recorder> r(new Recorder(engine, std::move(config), std::move(onError)));
  auto master = RecorderFile::open(r->config_.format, r->config_.masterPath, r->config_.sampleRate);
  if (!master) return master.error();
  r->master_.file = std::move(master).value();
  if (!r->config_.inputPath.empty()) {
    auto input = RecorderFile::open(r->config_.format, r->config_.inputPath, r->config_.sampleRate);
    if (!input) return input.error();
    r->input_.file = std::move(input).value();
  }
  // We are the taps' only consumer: leftovers of an earlier recording go.
  discardStale(engine.tap(engine::TapId::MasterRecord));
  if (r->input_.file) discardStale(engine.tap(engine::TapId::InputRecord));
  r->firstPosition_ = engine.position();
  engine.tap(engine::TapId::MasterRecord).setEnabled(true);
  if (r->input_.file) engine.tap(engine::TapId::InputRecord).setEnabled(true);
  r->thread_ = std::thread([p = r.get()] {
    core::nameThisThread("au-recorder");
    p->run();
  });
  return r;
}

Recorder::~Recorder() {
  stop();
}

void Recorder::stop() {
  stopRequested_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
}

Error Recorder::error() const {
  std::lock_guard lock(errorMutex_);
  return error_;
}

void Recorder::fail(const Error& error) {
  {
    std::lock_guard lock(errorMutex_);
    error_ = error;
  }
  failed_.store(true, std::memory_order_release);
  engine_.tap(engine::TapId::MasterRecord).setEnabled(false);
  engine_.tap(engine::TapId::InputRecord).setEnabled(false);
  if (master_.file) master_.file->close();
  if (input_.file) input_.file->close();
  if (onError_) onError_(error);
}

bool Recorder::drain(Track& track, bool master) {
  auto& tap = engine_.tap(track.tap);
  static const std::vector<float> kSilence(engine::kMaxBlockFrames * 2, 0.0F);
  while (const engine::TapBlock* block = tap.front()) {
    if (block->samplePos < firstPosition_) {  // enabled late in a block of the last recording
      tap.pop();
      continue;
    }
    if (track.expected < 0) {
      track.expected = block->samplePos;
      if (master) startSample_.store(block->samplePos, std::memory_order_release);
    }
    // A dropped block (the tap was full): write silence so later audio keeps its time.
    std::int64_t gap = std::min(block->samplePos - track.expected,
                                kMaxGapSeconds * static_cast<std::int64_t>(config_.sampleRate));
    while (gap > 0) {
      const int n = static_cast<int>(std::min<std::int64_t>(gap, engine::kMaxBlockFrames));
      if (auto r = track.file->write(kSilence.data(), n); !r) {
        tap.pop();
        fail(r.error());
        return false;
      }
      gap -= n;
      if (master) {
        gapFrames_.fetch_add(n, std::memory_order_relaxed);
        frames_.fetch_add(n, std::memory_order_relaxed);
      }
    }
    auto r = track.file->write(block->samples, block->frames);
    track.expected = block->samplePos + block->frames;
    const int frames = block->frames;
    tap.pop();
    if (!r) {
      fail(r.error());
      return false;
    }
    if (master) frames_.fetch_add(frames, std::memory_order_relaxed);
  }
  return true;
}

void Recorder::run() {
  for (;;) {
    const bool stopping = stopRequested_.load(std::memory_order_acquire);
    if (stopping) {
      // Take the blocks rendered up to now, then stop listening.
      engine_.tap(engine::TapId::MasterRecord).setEnabled(false);
      engine_.tap(engine::TapId::InputRecord).setEnabled(false);
    }
    if (!drain(master_, true)) return;
    if (input_.file && !drain(input_, false)) return;
    if (stopping) break;
    // Blocks arrive every few ms and the ring holds over a second: a short nap is enough.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  master_.file->close();
  if (input_.file) input_.file->close();
}

}  // namespace auralis::io
