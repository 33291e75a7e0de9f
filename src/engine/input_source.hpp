// InputSource: where the engine's live input comes from when the backend has
// none (the clock backend, or a rehearsal file played as if it were live).
// The engine pulls one block at a time on the audio thread, so a file is paced
// by the audio clock, exactly like a sound card's input.
#pragma once

namespace auralis::engine {

class InputSource {
 public:
  virtual ~InputSource() = default;
  /// Audio thread; noexcept, no allocation, no waiting. Fills `frames` of each
  /// channel; a source that has nothing ready writes silence (and counts it).
  virtual void read(float* left, float* right, int frames) noexcept = 0;
};

}  // namespace auralis::engine
