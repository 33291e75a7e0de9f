// Helpers shared by the fuzz targets that drive control surfaces: a Controller
// that only remembers, and fuzz::require (fuzz_require.hpp).
//
// Thread rules: one fuzzing thread.
#pragma once

#include <nlohmann/json.hpp>

#include "control/controller.hpp"
#include "fuzz_require.hpp"

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

}  // namespace auralis::fuzz
