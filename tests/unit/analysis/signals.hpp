// Synthetic test signals for the analysis unit tests.
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <random>
#include <vector>

namespace auralis::analysis::testing {

inline constexpr double kRate = 48000.0;

inline std::size_t samplesOf(double seconds) {
  return static_cast<std::size_t>(seconds * kRate);
}

/// A harmonic tone (fundamental plus decaying partials), amplitude `amp`.
inline void addTone(std::vector<float>& x, double startSec, double lengthSec, double hz, double amp,
                    int partials = 4, double decayPerSec = 3.0) {
  const std::size_t start = samplesOf(startSec);
  const std::size_t n = samplesOf(lengthSec);
  for (std::size_t i = 0; i < n && start + i < x.size(); ++i) {
    const double t = static_cast<double>(i) / kRate;
    // 2 ms attack so the onset is sharp but click-free; a 20 ms release so
    // the end is not a click (which is an onset of its own).
    const double release = std::min(1.0, (static_cast<double>(n - i) / kRate) / 0.02);
    const double env = std::min(1.0, t / 0.002) * release * std::exp(-decayPerSec * t);
    double v = 0.0;
    for (int p = 1; p <= partials; ++p) v += std::sin(2.0 * std::numbers::pi * hz * p * t) / p;
    x[start + i] += static_cast<float>(amp * env * v);
  }
}

/// A short noise burst (a drum-like hit) with an exponential decay.
inline void addHit(std::vector<float>& x, double startSec, double amp, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const std::size_t start = samplesOf(startSec);
  const std::size_t n = samplesOf(0.12);
  for (std::size_t i = 0; i < n && start + i < x.size(); ++i) {
    const double t = static_cast<double>(i) / kRate;
    x[start + i] += static_cast<float>(amp * std::exp(-t / 0.03) * u(rng));
  }
}

inline double midiToHz(double midi) {
  return 440.0 * std::pow(2.0, (midi - 69.0) / 12.0);
}

}  // namespace auralis::analysis::testing
