#include "app/classifier_sidechain.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace auralis::app {

namespace {

std::uint32_t pack(analysis::SoundLabel label, float confidence) {
  const auto c = static_cast<std::uint32_t>(std::clamp(confidence, 0.0F, 1.0F) * 65535.0F);
  return static_cast<std::uint32_t>(label) | (c << 8) | (1U << 31);
}

}  // namespace

ClassifierSideChain::ClassifierSideChain(control::EventBus& bus, double sampleRate)
    : bus_(bus),
      sampleRate_(sampleRate),
      input_(std::make_unique<Stream>(sampleRate)),
      master_(std::make_unique<Stream>(sampleRate)) {}

void ClassifierSideChain::registerMetrics(obs::Registry& registry) {
  inference_ =
      &registry.histogram("auralis_classifier_inference_seconds",
                          "Time to summarise features and run the sound classifier, per hop",
                          {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2});
  for (auto [stream, name] :
       {std::pair{input_.get(), "input"}, std::pair{master_.get(), "master"}}) {
    registry.counterFn("auralis_classifier_drops_total",
                       "Audio blocks the sound classifier dropped because it was behind",
                       {{"source", name}},
                       [stream] { return static_cast<double>(stream->drops.load()); });
  }
}

void ClassifierSideChain::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] {
    core::nameThisThread("au-classifier");
    run();
  });
}

void ClassifierSideChain::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
}

void ClassifierSideChain::offer(Source source, std::span<const float> mono,
                                std::int64_t samplePos) noexcept {
  auto& stream = source == Source::Input ? *input_ : *master_;
  Block* slot = stream.ring.pushSlot();
  if (slot == nullptr) {
    stream.drops.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto n = std::min<std::size_t>(mono.size(), engine::kMaxBlockFrames);
  std::memcpy(slot->samples, mono.data(), n * sizeof(float));
  slot->frames = static_cast<std::int32_t>(n);
  slot->samplePos = samplePos;
  stream.ring.commitPush();
}

ClassifierSideChain::Latest ClassifierSideChain::latest(Source source) const noexcept {
  const auto v =
      (source == Source::Input ? *input_ : *master_).latest.load(std::memory_order_relaxed);
  return {static_cast<analysis::SoundLabel>(v & 0xFF),
          static_cast<float>((v >> 8) & 0xFFFF) / 65535.0F, (v >> 31) != 0};
}

void ClassifierSideChain::drain(Stream& stream, const char* name) {
  while (const Block* block = stream.ring.front()) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto features =
        stream.features.push(std::span(block->samples, static_cast<std::size_t>(block->frames)));
    const std::int64_t end = block->samplePos + block->frames;
    stream.ring.pop();
    if (!features) continue;
    const auto c = classifier_.classify(*features);
    if (inference_ != nullptr)
      inference_->observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    stream.latest.store(pack(c.label, c.confidence), std::memory_order_relaxed);
    nlohmann::json probabilities = nlohmann::json::object();
    for (std::size_t k = 0; k < analysis::kSoundLabelCount; ++k)
      probabilities[std::string(analysis::soundLabelName(static_cast<analysis::SoundLabel>(k)))] =
          c.probabilities[k];
    const double t1 = static_cast<double>(end) / sampleRate_;
    bus_.publish("ai_classifier_event", {{"source", name},
                                         {"label", std::string(analysis::soundLabelName(c.label))},
                                         {"confidence", c.confidence},
                                         {"probabilities", std::move(probabilities)},
                                         {"t0", t1 - stream.features.windowSeconds()},
                                         {"t1", t1}});
  }
}

void ClassifierSideChain::run() {
  while (running_.load(std::memory_order_relaxed)) {
    try {
      drain(*input_, "input");
      drain(*master_, "master");
    } catch (const std::exception& e) {
      spdlog::error("classifier side-chain: {}", e.what());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace auralis::app
