// The one clock the threads share for stamps: CLOCK_MONOTONIC in nanoseconds.
// Read through the vDSO, so no system call: safe on the audio thread.
#pragma once

#include <time.h>

#include <cstdint>

namespace auralis::core {

inline std::uint64_t monotonicNanos() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace auralis::core
