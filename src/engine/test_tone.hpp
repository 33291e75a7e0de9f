// TestTone: the engine's built-in test instrument, a sine+saw voice with a
// linear attack/release envelope. Small on purpose; it exists so the engine,
// the backends and the real-time guard can be exercised before and apart from
// the ensemble's instruments.
#pragma once

#include <array>

#include "engine/instrument.hpp"

namespace auralis::engine {

class TestTone final : public Instrument {
 public:
  static constexpr int kVoices = 16;

  void prepare(const RenderSpec& spec) override;
  void noteOn(const NoteStart& note) noexcept override;
  void noteOff(std::uint32_t noteId) noexcept override;
  void allNotesOff() noexcept override;
  void reset() noexcept override;
  void render(float* left, float* right, int frames) noexcept override;
  int activeVoices() const noexcept override;
  std::uint64_t voicesStolen() const noexcept override { return stolen_; }

 private:
  struct Voice {
    std::uint32_t noteId = 0;
    std::uint64_t age = 0;
    double phase = 0.0;
    double increment = 0.0;
    float env = 0.0F;
    float target = 0.0F;   // envelope goal: velocity while held, 0 on release
    float gainL = 0.0F, gainR = 0.0F;
    bool active = false;
  };

  double sampleRate_ = 48000.0;
  float attackStep_ = 0.0F;
  float releaseStep_ = 0.0F;
  std::array<Voice, kVoices> voices_{};
  std::uint64_t clock_ = 0;
  std::uint64_t stolen_ = 0;
};

}  // namespace auralis::engine
