#include "app/live_input.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace auralis::app {

Result<std::unique_ptr<LiveInput>> LiveInput::create(const Config& config, engine::Engine& engine) {
  std::unique_ptr<LiveInput> live(new LiveInput(engine));
  const std::string path = config.getString("audio.input_file");
  if (!path.empty()) {
    auto file = io::FileInput::open(path, engine.sampleRate(), config.getBool("audio.input_loop"));
    if (!file) {
      auto e = file.error();
      e.field = "audio.input_file";
      return e;
    }
    live->file_ = std::move(file.value());
    engine.setInputSource(live->file_.get());
    spdlog::info("input: playing {} ({:.0f} Hz) as the live input{}", path, live->file_->fileRate(),
                 config.getBool("audio.input_loop") ? ", looping" : "");
  }
  const bool respond = config.getBool("live.respond_to_onsets");
  engine.postCommand({engine::CommandType::RespondToOnsets, 0, 0, 0, respond ? 1.0F : 0.0F});
  return live;
}

LiveInput::~LiveInput() {
  if (!file_) return;
  engine_.setInputSource(nullptr);
  // The audio thread loads the source once per block: once the position has
  // moved on twice, no block can still be reading the file.
  const auto start = engine_.position();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  int advances = 0;
  for (auto last = start; advances < 2 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (const auto now = engine_.position(); now != last) {
      last = now;
      ++advances;
    }
  }
  file_->stop();
}

void LiveInput::registerMetrics(obs::Registry& r) const {
  const auto& m = engine_.metrics();
  r.histogramFn("auralis_response_latency_samples",
                "Input onset to the first output sample of its answer, in samples", {}, [&m] {
                  obs::HistogramSnapshot s;
                  using H = engine::ResponseLatencyHistogram;
                  for (auto b : H::kBounds) s.bounds.push_back(static_cast<double>(b));
                  for (std::size_t k = 0; k <= H::kBounds.size(); ++k)
                    s.counts.push_back(m.responseLatency.count(k));
                  s.sum = static_cast<double>(m.responseLatency.sum());
                  return s;
                });
  r.counterFn("auralis_input_onsets_total", "Onsets the audio-thread detector found in the input",
              {}, [&m] { return static_cast<double>(m.inputOnsets.load()); });
  r.counterFn("auralis_responses_total", "Answers started on the Response channel", {},
              [&m] { return static_cast<double>(m.responsesStarted.load()); });
  const io::FileInput* file = file_.get();
  r.counterFn("auralis_input_starved_frames_total",
              "Input-file frames the decoder did not deliver in time", {},
              [file] { return file ? static_cast<double>(file->starvedFrames()) : 0.0; });
}

}  // namespace auralis::app
