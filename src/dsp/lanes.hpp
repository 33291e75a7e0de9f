// Lane vectors: 16 voices processed side by side (structure of arrays).
//
// Every voice bank keeps its per-voice state in 64-byte-aligned float arrays and
// walks them 16 lanes at a time with GCC vector extensions. The compiler lowers a
// 16-float vector to one AVX-512 register, two AVX2 registers or four SSE2
// registers, so the same source serves every x86-64 (the hot kernels are built
// per ISA with target_clones, see kAuralisLaneClones). Helpers are always-inline
// so no vector crosses a call boundary (that would tie the ABI to one ISA).
#pragma once

#include <cstdint>

// Vectors never cross a non-inlined call (see above), so GCC's notes about the
// vector-argument ABI across ISAs do not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace auralis::dsp {

inline constexpr int kLanes = 16;
inline constexpr int kLaneAlign = 64;

using F16 = float __attribute__((vector_size(64)));
using I16 = std::int32_t __attribute__((vector_size(64)));
using U16 = std::uint32_t __attribute__((vector_size(64)));

#define AURALIS_LANE_INLINE inline __attribute__((always_inline))

/// One kernel per ISA, chosen once by the loader (GCC ifunc). Neither clone
/// target enables FMA, so every clone rounds the same way: output is
/// bit-identical whichever ISA the machine picks.
// Sanitizer builds go without: an ifunc resolver runs before the sanitizer
// runtime is initialised and crashes it.
#if defined(__x86_64__) && !defined(__clang__) && !defined(AURALIS_NO_MULTIVERSIONING)
#define AURALIS_LANE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AURALIS_LANE_CLONES
#endif

AURALIS_LANE_INLINE F16 splat(float v) noexcept {
  return F16{} + v;
}
AURALIS_LANE_INLINE F16 load16(const float* p) noexcept {
  return *reinterpret_cast<const F16*>(__builtin_assume_aligned(p, kLaneAlign));
}
AURALIS_LANE_INLINE void store16(float* p, F16 v) noexcept {
  *reinterpret_cast<F16*>(__builtin_assume_aligned(p, kLaneAlign)) = v;
}
AURALIS_LANE_INLINE I16 load16i(const std::int32_t* p) noexcept {
  return *reinterpret_cast<const I16*>(__builtin_assume_aligned(p, kLaneAlign));
}
AURALIS_LANE_INLINE void store16i(std::int32_t* p, I16 v) noexcept {
  *reinterpret_cast<I16*>(__builtin_assume_aligned(p, kLaneAlign)) = v;
}
AURALIS_LANE_INLINE F16 vmin(F16 a, F16 b) noexcept {
  return a < b ? a : b;
}
AURALIS_LANE_INLINE F16 vmax(F16 a, F16 b) noexcept {
  return a > b ? a : b;
}
/// Lane-wise mask (all ones / zero) as 1.0F / 0.0F.
AURALIS_LANE_INLINE F16 maskToOne(I16 m) noexcept {
  return m ? splat(1.0F) : splat(0.0F);
}

/// x - trunc(x): the fractional part, same sign as x. |x| must stay below 2^31.
AURALIS_LANE_INLINE F16 fracTrunc(F16 x) noexcept {
  return x - __builtin_convertvector(__builtin_convertvector(x, I16), F16);
}

/// sin(2*pi*x) for any |x| < 2^31 cycles: reduce to [-0.5, 0.5], fold to the
/// quarter wave, then an odd polynomial (max error about 1e-6).
AURALIS_LANE_INLINE F16 sin2pi(F16 x) noexcept {
  F16 r = fracTrunc(x);
  r = r > 0.5F ? r - 1.0F : r;
  r = r < -0.5F ? r + 1.0F : r;
  // sin(pi - y) = sin(y): fold |r| > 0.25 back into the first quarter.
  r = r > 0.25F ? 0.5F - r : r;
  r = r < -0.25F ? -0.5F - r : r;
  const F16 y = r * 6.28318530717958647F;
  const F16 y2 = y * y;
  // Taylor to y^11; on |y| <= pi/2 the remainder is below 6e-8.
  F16 p = splat(-2.5052108385441720e-8F);
  p = p * y2 + 2.7557319223985891e-6F;
  p = p * y2 - 1.9841269841269841e-4F;
  p = p * y2 + 8.3333333333333333e-3F;
  p = p * y2 - 1.6666666666666667e-1F;
  p = p * y2 + 1.0F;
  return p * y;
}

/// tan(x) for 0 <= x <= 1.5 as sin/cos polynomials (relative error < 1e-5):
/// the bilinear-transform prewarp of the filters, computed per lane at control rate.
AURALIS_LANE_INLINE F16 tanLanes(F16 x) noexcept {
  const F16 x2 = x * x;
  F16 s = splat(1.6059043836821613e-10F);
  s = s * x2 - 2.5052108385441720e-8F;
  s = s * x2 + 2.7557319223985891e-6F;
  s = s * x2 - 1.9841269841269841e-4F;
  s = s * x2 + 8.3333333333333333e-3F;
  s = s * x2 - 1.6666666666666667e-1F;
  s = (s * x2 + 1.0F) * x;
  F16 c = splat(-1.1470745597729725e-11F);
  c = c * x2 + 2.0876756987868099e-9F;
  c = c * x2 - 2.7557319223985891e-7F;
  c = c * x2 + 2.4801587301587302e-5F;
  c = c * x2 - 1.3888888888888889e-3F;
  c = c * x2 + 4.1666666666666667e-2F;
  c = c * x2 - 0.5F;
  c = c * x2 + 1.0F;
  return s / c;
}

/// True when any lane of the mask is set.
AURALIS_LANE_INLINE bool anyLane(I16 m) noexcept {
  for (int i = 0; i < kLanes; ++i)
    if (m[i] != 0) return true;
  return false;
}

/// Horizontal sum, in a fixed order so results never depend on the ISA.
AURALIS_LANE_INLINE float sumLanes(F16 v) noexcept {
  float s = 0.0F;
  for (int i = 0; i < kLanes; ++i) s += v[i];
  return s;
}

/// White noise per lane: xorshift32, one independent generator per lane.
AURALIS_LANE_INLINE F16 noiseLanes(U16& state) noexcept {
  U16 x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state = x;
  return __builtin_convertvector(reinterpret_cast<I16>(x), F16) * 4.6566128730773926e-10F;
}

}  // namespace auralis::dsp
