// A hard stop for a broken invariant in a fuzz target: libFuzzer records the
// input as a crash. Depends on nothing, so every target can use it.
//
// Thread rules: one fuzzing thread.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace auralis::fuzz {

/// Aborts with `what` when `ok` is false: an invariant the parser promises broke.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace auralis::fuzz
