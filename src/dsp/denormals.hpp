// Denormal protection: decaying filter and reverb states fall into subnormal
// floats, which cost x86 cores 10-100x per operation. Each render entry point
// opens this scope so the flush-to-zero / denormals-are-zero bits are set for the
// duration of the call and restored after (the caller's mode is never changed).
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace auralis::dsp {

class ScopedFlushDenormals {
 public:
  /// Any thread; RT-safe (two register writes).
  ScopedFlushDenormals() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | 0x8040U);  // FTZ (bit 15) | DAZ (bit 6)
#endif
  }
  ~ScopedFlushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(saved_);
#endif
  }
  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

 private:
  unsigned saved_ = 0;
};

}  // namespace auralis::dsp
