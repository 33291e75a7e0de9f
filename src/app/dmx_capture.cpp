#include "app/dmx_capture.hpp"
#include "core/thread_name.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>

namespace auralis::app {

namespace {

template <typename T>
void putLe(std::uint8_t* out, T value) {
  auto v = static_cast<std::uint64_t>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

DmxCapture::~DmxCapture() {
  end();
}

void DmxCapture::attach(double sampleRate, double fps) {
  sampleRate_ = sampleRate;
  fps_ = fps;
  if (!ring_) ring_ = std::make_unique<SpscRing<Slot>>(kQueueFrames);
}

void DmxCapture::offer(std::int64_t heardSample, const lighting::DmxFrame& frame) noexcept {
  if (!ring_ || !capturing_.load(std::memory_order_acquire)) return;
  Slot* slot = ring_->pushSlot();
  if (slot == nullptr) {
    drops_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const int universes = std::clamp(frame.universes, 0, lighting::kMaxUniverses);
  slot->sample = heardSample;
  slot->session = session_.load(std::memory_order_relaxed);
  slot->universes = universes;
  // Only the patched universes: a 4-universe rig copies 2 KiB, not 32.
  std::memcpy(slot->data.data(), frame.data.data(),
              static_cast<std::size_t>(universes) * static_cast<std::size_t>(lighting::kDmxSlots));
  ring_->commitPush();
}

Status DmxCapture::begin(const std::string& path, std::int64_t fromSample) {
  if (!ring_) return makeError("internal", "lighting is off: no DMX frames to capture");
  end();
  // Frames queued after the previous capture ended belong to nobody: the writer
  // is joined, so this thread is the queue's only consumer now.
  while (ring_->front() != nullptr) ring_->pop();
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr)
    return makeError("io_error", "cannot create " + path + ": " + std::strerror(errno));
  std::array<std::uint8_t, kHeaderBytes> header{};
  std::memcpy(header.data(), "AURALDMX", 8);
  putLe<std::uint16_t>(&header[8], 1);
  putLe<std::uint16_t>(&header[10], lighting::kDmxSlots);
  putLe<std::uint32_t>(&header[12], static_cast<std::uint32_t>(std::lround(sampleRate_)));
  putLe<std::uint32_t>(&header[16], static_cast<std::uint32_t>(std::lround(fps_ * 1000.0)));
  if (std::fwrite(header.data(), 1, header.size(), file_) != header.size()) {
    std::fclose(file_);
    file_ = nullptr;
    return makeError("io_error", "cannot write " + path);
  }
  fromSample_ = fromSample;
  frames_ = 0;
  error_.clear();
  drops_.store(0, std::memory_order_relaxed);
  session_.fetch_add(1, std::memory_order_relaxed);
  stop_.store(false, std::memory_order_relaxed);
  writer_ = std::thread([this] {
    core::nameThisThread("au-dmx-capture");
    writeLoop();
  });
  capturing_.store(true, std::memory_order_release);
  return Ok{};
}

DmxCapture::Summary DmxCapture::end() {
  if (!writer_.joinable()) return {};
  capturing_.store(false, std::memory_order_release);
  stop_.store(true, std::memory_order_release);
  writer_.join();
  if (file_ != nullptr && std::fclose(file_) != 0 && error_.empty())
    error_ = "cannot finish dmx.bin";
  file_ = nullptr;
  return {frames_, drops_.load(std::memory_order_relaxed), error_};
}

void DmxCapture::writeSlot(const Slot& slot) {
  if (slot.session != session_.load(std::memory_order_relaxed) || slot.sample < fromSample_ ||
      !error_.empty())
    return;
  std::array<std::uint8_t, 10> head{};
  putLe<std::int64_t>(head.data(), slot.sample);
  putLe<std::uint16_t>(&head[8], static_cast<std::uint16_t>(slot.universes));
  const auto bytes =
      static_cast<std::size_t>(slot.universes) * static_cast<std::size_t>(lighting::kDmxSlots);
  if (std::fwrite(head.data(), 1, head.size(), file_) != head.size() ||
      std::fwrite(slot.data.data(), 1, bytes, file_) != bytes) {
    // Disk full: the frames written so far stay readable; the rest are not kept.
    error_ = std::string("dmx.bin: ") + std::strerror(errno);
    return;
  }
  ++frames_;
}

void DmxCapture::writeLoop() {
  for (;;) {
    // Read the flag first: after it is seen, everything pushed before end() is in the queue.
    const bool last = stop_.load(std::memory_order_acquire);
    while (const Slot* slot = ring_->front()) {
      writeSlot(*slot);
      ring_->pop();
    }
    if (last) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace auralis::app
