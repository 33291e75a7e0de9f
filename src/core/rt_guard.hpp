// The thread-local "inside the audio callback" flag. Backends open an
// AudioCallbackScope around every call into the engine; the test build's
// allocation hooks (tests/rt/alloc_guard.cpp) read the flag and fail any test
// in which the audio thread allocates or frees.
#pragma once

namespace auralis::rt {

namespace detail {
// constinit: no dynamic initialisation, so reading it from inside malloc is safe.
inline constinit thread_local bool tInAudioCallback = false;
}  // namespace detail

/// True on the current thread while it runs the audio callback.
inline bool inAudioCallback() noexcept { return detail::tInAudioCallback; }

/// RAII: marks the current thread as running the audio callback. Nestable.
class AudioCallbackScope {
 public:
  AudioCallbackScope() noexcept : previous_(detail::tInAudioCallback) {
    detail::tInAudioCallback = true;
  }
  ~AudioCallbackScope() { detail::tInAudioCallback = previous_; }
  AudioCallbackScope(const AudioCallbackScope&) = delete;
  AudioCallbackScope& operator=(const AudioCallbackScope&) = delete;

 private:
  bool previous_;
};

/// RAII: lifts the flag for a deliberate, reviewed exception (none in the
/// engine today; tests use it to prove the guard itself).
class AllowAllocationScope {
 public:
  AllowAllocationScope() noexcept : previous_(detail::tInAudioCallback) {
    detail::tInAudioCallback = false;
  }
  ~AllowAllocationScope() { detail::tInAudioCallback = previous_; }
  AllowAllocationScope(const AllowAllocationScope&) = delete;
  AllowAllocationScope& operator=(const AllowAllocationScope&) = delete;

 private:
  bool previous_;
};

}  // namespace auralis::rt
