#include "io/file_input.hpp"
#include "core/thread_name.hpp"

#include <sndfile.h>

#include <chrono>
#include <vector>

namespace auralis::io {

namespace {
constexpr int kChunkFrames = 2048;
}  // namespace

Result<std::unique_ptr<FileInput>> FileInput::open(const std::string& path, double engineRate,
                                                   bool loop) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr)
    return makeError("invalid_param",
                     "cannot read '" + path + "' as audio: " + sf_strerror(nullptr), "input_file");
  if (info.channels < 1 || info.samplerate <= 0) {
    sf_close(file);
    return makeError("invalid_param", "'" + path + "' has no audio channels", "input_file");
  }
  std::unique_ptr<FileInput> input(
      new FileInput(file, info.channels, static_cast<double>(info.samplerate), engineRate, loop));
  input->running_.store(true);
  input->worker_ = std::thread([raw = input.get()] {
    core::nameThisThread("au-file-input");
    raw->run();
  });
  return input;
}

FileInput::FileInput(sf_private_tag* file, int channels, double fileRate, double engineRate,
                     bool loop)
    : file_(file),
      channels_(channels),
      fileRate_(fileRate),
      step_(fileRate / engineRate),
      loop_(loop),
      ring_(static_cast<std::size_t>(engineRate)) {}

FileInput::~FileInput() {
  stop();
  if (file_ != nullptr) sf_close(file_);
}

void FileInput::stop() {
  running_.store(false);
  if (worker_.joinable()) worker_.join();
}

bool FileInput::decodeSome() {
  std::vector<float> chunk(static_cast<std::size_t>(kChunkFrames * channels_));
  sf_count_t got = sf_readf_float(file_, chunk.data(), kChunkFrames);
  if (got <= 0) {
    if (!loop_) return false;
    sf_seek(file_, 0, SEEK_SET);
    got = sf_readf_float(file_, chunk.data(), kChunkFrames);
    if (got <= 0) return false;  // an empty file loops into nothing
  }
  for (sf_count_t f = 0; f < got; ++f) {
    const float* in = chunk.data() + f * channels_;
    const Frame frame{in[0], channels_ > 1 ? in[1] : in[0]};
    if (!primed_) {
      next_ = frame;
      primed_ = true;
      continue;
    }
    prev_ = next_;
    next_ = frame;
    // Emit every engine frame whose position falls in [prev, next).
    while (phase_ < 1.0) {
      const auto t = static_cast<float>(phase_);
      Frame out{prev_.left + t * (next_.left - prev_.left),
                prev_.right + t * (next_.right - prev_.right)};
      while (!ring_.tryPush(out)) {
        if (!running_.load(std::memory_order_relaxed)) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      phase_ += step_;
    }
    phase_ -= 1.0;
  }
  return true;
}

void FileInput::run() {
  while (running_.load(std::memory_order_relaxed)) {
    if (!decodeSome()) break;
  }
  decodedAll_.store(true, std::memory_order_release);
}

void FileInput::read(float* left, float* right, int frames) noexcept {
  int i = 0;
  Frame f;
  for (; i < frames && ring_.tryPop(f); ++i) {
    left[i] = f.left;
    right[i] = f.right;
  }
  played_.fetch_add(static_cast<std::uint64_t>(i), std::memory_order_relaxed);
  if (i < frames) {
    if (decodedAll_.load(std::memory_order_acquire))
      finished_.store(true, std::memory_order_release);
    else
      starved_.fetch_add(static_cast<std::uint64_t>(frames - i), std::memory_order_relaxed);
  }
  for (; i < frames; ++i) left[i] = right[i] = 0.0F;
}

}  // namespace auralis::io
