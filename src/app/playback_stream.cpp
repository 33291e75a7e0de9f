#include "app/playback_stream.hpp"

#include <samplerate.h>

#include <algorithm>
#include <cmath>

namespace auralis::app {

Result<std::unique_ptr<PlaybackStream>> PlaybackStream::open(const std::string& path,
                                                             double startSeconds, double engineRate,
                                                             bool loop) {
  auto decoder = io::MediaDecoder::open(path);
  if (!decoder) return decoder.error();
  std::unique_ptr<PlaybackStream> s(new PlaybackStream());
  s->decoder_ = std::move(decoder.value());
  const auto& info = s->decoder_->info();
  if (info.sampleRate <= 0 || info.channels <= 0)
    return makeError("not_decodable", "the source has no usable audio stream");
  s->engineRate_ = engineRate;
  s->duration_ = info.durationSeconds;
  s->loop_ = loop;
  s->ratio_ = engineRate / static_cast<double>(info.sampleRate);
  if (std::fabs(s->ratio_ - 1.0) > 1e-9) {
    int err = 0;
    s->src_ = src_new(SRC_SINC_MEDIUM_QUALITY, 2, &err);
    if (s->src_ == nullptr)
      return makeError("internal", std::string("resampler: ") + src_strerror(err));
  }
  if (startSeconds > 0.0) {
    if (auto sought = s->decoder_->seek(startSeconds); !sought) return sought.error();
  }
  s->marks_.emplace_back(0, startSeconds);
  return s;
}

PlaybackStream::~PlaybackStream() {
  if (src_ != nullptr) src_delete(src_);
}

Status PlaybackStream::decodeChunk() {
  auto got = decoder_->read(decoded_);
  if (!got) return got.error();
  const std::size_t frames = got.value();
  const bool atEnd = frames == 0;
  if (atEnd && loop_ && produced_ + (pending_.size() / 2 - pendingAt_) > 0) {
    // Wrap: the next frame written is the source's first again.
    if (auto s = decoder_->seek(0.0); !s) return s.error();
    marks_.emplace_back(produced_ + (pending_.size() / 2 - pendingAt_), 0.0);
    if (marks_.size() > 64) marks_.erase(marks_.begin(), marks_.begin() + 32);
    return Ok{};
  }
  if (atEnd && (src_ == nullptr || flushed_)) {
    finished_ = true;
    return Ok{};
  }
  // Stereo: a mono source on both sides, the first two channels of anything wider.
  const int ch = decoder_->info().channels;
  stereo_.resize(2 * frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const float* f = &decoded_[i * static_cast<std::size_t>(ch)];
    stereo_[2 * i] = f[0];
    stereo_[2 * i + 1] = ch > 1 ? f[1] : f[0];
  }
  if (pendingAt_ > 0) {
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(2 * pendingAt_));
    pendingAt_ = 0;
  }
  if (src_ == nullptr) {
    pending_.insert(pending_.end(), stereo_.begin(), stereo_.end());
    return Ok{};
  }
  // libsamplerate consumes all input in one call when the output has room.
  const std::size_t room =
      static_cast<std::size_t>(std::ceil(static_cast<double>(frames) * ratio_)) + 256;
  const std::size_t base = pending_.size();
  pending_.resize(base + 2 * room);
  SRC_DATA d{};
  d.data_in = stereo_.data();
  d.input_frames = static_cast<long>(frames);
  d.data_out = pending_.data() + base;
  d.output_frames = static_cast<long>(room);
  d.src_ratio = ratio_;
  d.end_of_input = atEnd ? 1 : 0;
  const int err = src_process(src_, &d);
  pending_.resize(base + 2 * static_cast<std::size_t>(d.output_frames_gen));
  if (err != 0) return makeError("internal", std::string("resampler: ") + src_strerror(err));
  if (atEnd) flushed_ = true;
  return Ok{};
}

Status PlaybackStream::fill(engine::PlaybackRing& ring, std::size_t aheadFrames,
                            std::size_t maxFrames) {
  std::size_t added = 0;
  while (added < maxFrames && ring.readable() < aheadFrames && ring.writable() > 0) {
    const std::size_t pendingFrames = pending_.size() / 2 - pendingAt_;
    if (pendingFrames > 0) {
      const std::size_t n = ring.write(pending_.data() + 2 * pendingAt_, pendingFrames);
      pendingAt_ += n;
      produced_ += n;
      added += n;
      if (n == 0) break;
      continue;
    }
    if (finished_) {
      if (!ring.ended()) ring.markEnded();
      break;
    }
    if (auto s = decodeChunk(); !s) return s;
  }
  if (finished_ && pending_.size() / 2 == pendingAt_ && !ring.ended()) ring.markEnded();
  return Ok{};
}

void PlaybackStream::setLoop(bool loop, engine::PlaybackRing& ring) {
  if (loop == loop_) return;
  loop_ = loop;
  if (loop && finished_) {
    // The end was reached but not yet heard: carry on from the start.
    finished_ = false;
    if (flushed_ && src_ != nullptr) src_reset(src_);  // it saw end_of_input
    flushed_ = false;
    if (decoder_->seek(0.0)) {
      marks_.emplace_back(produced_ + (pending_.size() / 2 - pendingAt_), 0.0);
      ring.unmarkEnded();
    } else {
      finished_ = true;
    }
  }
}

double PlaybackStream::positionSeconds(std::uint64_t consumed) const {
  std::pair<std::uint64_t, double> at = marks_.front();
  for (const auto& m : marks_)
    if (m.first <= consumed) at = m;
  double pos = at.second + static_cast<double>(consumed - at.first) / engineRate_;
  if (duration_ > 0.0) pos = std::min(pos, duration_);
  return pos;
}

}  // namespace auralis::app
