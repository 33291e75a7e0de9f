// The ensemble's own random numbers: xoshiro256** seeded through splitmix64.
// Written here (not <random>) because the standard distributions are
// implementation-defined: the same seed must give the same music on every
// compiler and library, or a saved seed would not replay.
//
// Thread rules: not thread-safe; each agent owns one. No allocation.
#pragma once

#include <cstdint>

namespace auralis::ensemble {

class Rng {
 public:
  /// Seeds from `seed` and a `stream` number, so agents sharing a seed draw
  /// independent sequences. Any thread.
  explicit Rng(std::uint64_t seed = 1, std::uint64_t stream = 0) noexcept {
    std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1));
    for (auto& word : s_) word = splitmix64(x);
  }

  /// Next 64 random bits.
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1): the top 53 bits as a double's mantissa.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [lo, hi] (inclusive); the tiny modulo bias of a 64-bit
  /// draw is irrelevant for music.
  int range(int lo, int hi) noexcept {
    if (hi <= lo) return lo;
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(next() % span);
  }

  /// True with probability p.
  bool chance(double p) noexcept { return uniform() < p; }

  /// Roughly normal, mean 0, standard deviation ~1 (sum of four uniforms), for
  /// humanizing: bounded to about +-3.5, so no wild outliers.
  double bell() noexcept {
    return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.7320508;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4]{};
};

}  // namespace auralis::ensemble
