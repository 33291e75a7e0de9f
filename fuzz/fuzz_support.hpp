// Helpers shared by the fuzz targets: a Controller that only remembers, and a
// hard stop for a broken invariant (libFuzzer records the input as a crash).
//
// Thread rules: one fuzzing thread.
#pragma once

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "control/controller.hpp"

namespace auralis::fuzz {

/// Applies patches to plain state, as the app's LiveController does minus the engine.
class FakeController final : public control::Controller {
 public:
  control::ControlParams apply(const control::ControlPatch& patch) override {
    params_ = control::applyPatch(params_, patch);
    return params_;
  }
  control::ControlParams current() const override { return params_; }
  nlohmann::json engineStatus() const override { return {{"status", "ok"}}; }

 private:
  control::ControlParams params_;
};

/// Aborts with `what` when `ok` is false: an invariant the parser promises broke.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace auralis::fuzz
