// FileInput: an audio file played as if it were the live input (rehearsal,
// tests). A worker thread decodes it with libsndfile, mixes it to stereo,
// resamples it to the engine's rate (linear interpolation: this is a
// rehearsal input, not a mastering path) and keeps a one-second SPSC ring
// full; the audio thread pulls a block at a time through engine::InputSource,
// so the file is paced by the audio clock exactly like a sound card's input.
//
// Thread rules: open()/start()/stop() on the control thread; read() on the
// audio thread only (wait-free, no allocation); counters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "core/spsc_ring.hpp"
#include "engine/input_source.hpp"

struct sf_private_tag;

namespace auralis::io {

class FileInput final : public engine::InputSource {
 public:
  /// Control thread. Opens the file (error "invalid_param", field "input_file",
  /// when it cannot be read as audio) and starts the decoding worker.
  static Result<std::unique_ptr<FileInput>> open(const std::string& path, double engineRate,
                                                 bool loop);
  ~FileInput() override;
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  /// Audio thread. Silence once the file has ended (no loop) or when the
  /// worker is late (counted in starvedFrames()).
  void read(float* left, float* right, int frames) noexcept override;

  /// Control thread. Joins the worker (idempotent; the destructor calls it).
  void stop();

  /// Any thread.
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  std::uint64_t starvedFrames() const noexcept { return starved_.load(std::memory_order_relaxed); }
  std::uint64_t framesPlayed() const noexcept { return played_.load(std::memory_order_relaxed); }
  double fileRate() const noexcept { return fileRate_; }

 private:
  struct Frame {
    float left = 0.0F, right = 0.0F;
  };
  FileInput(sf_private_tag* file, int channels, double fileRate, double engineRate, bool loop);
  void run();
  bool decodeSome();  // false at the end of a non-looping file

  sf_private_tag* file_;
  int channels_;
  double fileRate_;
  double step_;  // file frames per engine frame
  bool loop_;
  SpscRing<Frame> ring_;
  // Resampler state: the two file frames around the read position.
  Frame prev_{}, next_{};
  double phase_ = 0.0;
  bool primed_ = false;
  std::thread worker_;
  std::atomic<bool> running_{false};
  std::atomic<bool> decodedAll_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::uint64_t> starved_{0};
  std::atomic<std::uint64_t> played_{0};
};

}  // namespace auralis::io
