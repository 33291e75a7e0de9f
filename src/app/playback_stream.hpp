// PlaybackStream: one uploaded source read ahead of the playhead for one
// SourcePlayer slot. Decodes with io::MediaDecoder, takes the first two
// channels (a mono file on both), resamples to the engine's rate with
// libsamplerate (here, on the worker, never on the audio thread) and writes
// stereo frames into the slot's ring; at the end of the file it wraps to the
// start (loop) or marks the ring ended.
//
// Thread rules: the playback worker only (it allocates, decodes and reads files).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "engine/playback_ring.hpp"
#include "io/media_decoder.hpp"

struct SRC_STATE_tag;

namespace auralis::app {

class PlaybackStream {
 public:
  /// Opens `path` at `startSeconds`, to be played at `engineRate`.
  static Result<std::unique_ptr<PlaybackStream>> open(const std::string& path, double startSeconds,
                                                      double engineRate, bool loop);
  ~PlaybackStream();
  PlaybackStream(const PlaybackStream&) = delete;
  PlaybackStream& operator=(const PlaybackStream&) = delete;

  /// Decodes until `ring` holds `aheadFrames` (or is full), at most `maxFrames`
  /// new frames per call so one stream cannot hold up the others. At the end of
  /// the source: wraps when looping, else marks the ring ended.
  Status fill(engine::PlaybackRing& ring, std::size_t aheadFrames, std::size_t maxFrames);
  /// Looping on or off from now on; a ring already marked ended is reopened.
  void setLoop(bool loop, engine::PlaybackRing& ring);
  bool loop() const { return loop_; }
  /// The source position (seconds) of the ring's `consumed` frame.
  double positionSeconds(std::uint64_t consumed) const;
  /// True once every frame of a non-looping source is in the ring.
  bool finished() const { return finished_; }
  double durationSeconds() const { return duration_; }

 private:
  PlaybackStream() = default;
  Status decodeChunk();  // appends to pending_, or handles the end of the file

  std::unique_ptr<io::MediaDecoder> decoder_;
  SRC_STATE_tag* src_ = nullptr;  // null when the rates match
  double ratio_ = 1.0;            // engine frames per source frame
  double engineRate_ = 48000.0;
  double duration_ = 0.0;
  bool loop_ = false;
  bool finished_ = false;
  bool flushed_ = false;  // the resampler's tail has been drained at the end
  std::vector<float> decoded_, stereo_;
  std::vector<float> pending_;  // resampled stereo frames not yet in the ring
  std::size_t pendingAt_ = 0;   // frames of pending_ already written
  std::uint64_t produced_ = 0;  // frames handed to the ring since open
  // (ring frame, source seconds) anchors: the start, then every loop wrap.
  std::vector<std::pair<std::uint64_t, double>> marks_;
};

}  // namespace auralis::app
