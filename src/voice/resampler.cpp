#include "voice/resampler.hpp"

#include <samplerate.h>

#include <algorithm>
#include <cmath>

namespace auralis::voice {

Resampler::~Resampler() {
  if (state_ != nullptr) src_delete(state_);
}

Status Resampler::prepare(double inputRate, double outputRate) {
  if (!(inputRate >= 8000.0 && inputRate <= 384000.0) || !(outputRate > 0.0))
    return makeError("invalid_param", "resampler: input rate must be in [8000, 384000] Hz");
  if (state_ != nullptr) src_delete(state_);
  int err = 0;
  // SINC_FASTEST: still band-limited (~97 dB), a fraction of the cost of the best mode.
  state_ = src_new(SRC_SINC_FASTEST, 1, &err);
  if (state_ == nullptr)
    return makeError("internal", std::string("libsamplerate: ") + src_strerror(err));
  ratio_ = outputRate / inputRate;
  return Ok{};
}

void Resampler::process(const float* in, int frames, std::vector<float>& out) {
  if (state_ == nullptr || frames <= 0) return;
  const auto capacity = static_cast<std::size_t>(std::ceil(frames * ratio_)) + 16;
  if (scratch_.size() < capacity) scratch_.resize(capacity);
  SRC_DATA d{};
  d.data_in = in;
  d.input_frames = frames;
  d.data_out = scratch_.data();
  d.output_frames = static_cast<long>(scratch_.size());
  d.src_ratio = ratio_;
  d.end_of_input = 0;
  // The converter may hold back a few input frames; they come out on the next call.
  while (d.input_frames > 0) {
    if (src_process(state_, &d) != 0) return;
    out.insert(out.end(), scratch_.begin(), scratch_.begin() + d.output_frames_gen);
    if (d.input_frames_used == 0 && d.output_frames_gen == 0) break;
    d.data_in += d.input_frames_used * 1;
    d.input_frames -= d.input_frames_used;
  }
}

void Resampler::reset() {
  if (state_ != nullptr) src_reset(state_);
}

}  // namespace auralis::voice
