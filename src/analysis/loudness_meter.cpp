#include "analysis/loudness_meter.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>

namespace auralis::analysis {

struct LoudnessMeter::State {
  ebur128_state* st = nullptr;
};

namespace {

// HISTOGRAM: integrated loudness from a fixed-size histogram of block
// loudness instead of a list of every block, so a server measuring for days
// keeps constant memory (libebur128 documents a < 0.1 LU difference).
constexpr int kMode = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK |
                      EBUR128_MODE_HISTOGRAM;

ebur128_state* createRaw(double sampleRate, int channels) {
  if (channels < 1 || channels > 8)
    throw std::invalid_argument("LoudnessMeter: channels must be 1..8");
  if (!(sampleRate >= 8000.0 && sampleRate <= 384000.0))
    throw std::invalid_argument("LoudnessMeter: sample rate must be 8000..384000 Hz");
  ebur128_state* state = ebur128_init(static_cast<unsigned>(channels),
                                      static_cast<unsigned long>(std::lround(sampleRate)), kMode);
  if (state == nullptr) throw std::bad_alloc();
  return state;
}

// libebur128 reports silence as -HUGE_VAL already; an error code (which only a
// misuse could cause) reads as "nothing measured" rather than as a loudness.
double orSilence(int error, double value) {
  return error == EBUR128_SUCCESS ? value : -std::numeric_limits<double>::infinity();
}

}  // namespace

void LoudnessMeter::Deleter::operator()(State* state) const noexcept {
  ebur128_destroy(&state->st);
  delete state;
}

LoudnessMeter::State* LoudnessMeter::create(double sampleRate, int channels) {
  ebur128_state* raw = createRaw(sampleRate, channels);
  try {
    return new State{raw};
  } catch (...) {
    ebur128_destroy(&raw);
    throw;
  }
}

LoudnessMeter::LoudnessMeter(double sampleRate, int channels)
    : state_(create(sampleRate, channels)), sampleRate_(sampleRate), channels_(channels) {}

LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;

void LoudnessMeter::addInterleaved(const float* samples, std::size_t frames) {
  if (frames == 0) return;
  if (ebur128_add_frames_float(state_->st, samples, frames) != EBUR128_SUCCESS)
    throw std::bad_alloc();  // the only failure libebur128 reports here
}

double LoudnessMeter::integratedLufs() const {
  double v = 0.0;
  const int e = ebur128_loudness_global(state_->st, &v);
  return orSilence(e, v);
}

double LoudnessMeter::shortTermLufs() const {
  double v = 0.0;
  const int e = ebur128_loudness_shortterm(state_->st, &v);
  return orSilence(e, v);
}

double LoudnessMeter::momentaryLufs() const {
  double v = 0.0;
  const int e = ebur128_loudness_momentary(state_->st, &v);
  return orSilence(e, v);
}

double LoudnessMeter::truePeakDbtp() const {
  double peak = 0.0;
  for (int c = 0; c < channels_; ++c) {
    double v = 0.0;
    if (ebur128_true_peak(state_->st, static_cast<unsigned>(c), &v) == EBUR128_SUCCESS)
      peak = std::max(peak, v);
  }
  return peak > 0.0 ? 20.0 * std::log10(peak) : -std::numeric_limits<double>::infinity();
}

void LoudnessMeter::reset() {
  state_.reset(create(sampleRate_, channels_));
}

}  // namespace auralis::analysis
