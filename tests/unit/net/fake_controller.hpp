// A Controller for tests: applies patches to an in-memory state.
#pragma once

#include <atomic>
#include <mutex>

#include "control/controller.hpp"

struct FakeController : auralis::control::Controller {
  auralis::control::ControlParams apply(const auralis::control::ControlPatch& patch) override {
    std::lock_guard lock(mutex);
    params = auralis::control::applyPatch(params, patch);
    applies.fetch_add(1);
    return params;
  }
  auralis::control::ControlParams current() const override {
    std::lock_guard lock(mutex);
    return params;
  }
  nlohmann::json engineStatus() const override {
    nlohmann::json j = {{"backend", "clock"}, {"sampleRate", 48000}};
    if (degraded) j["status"] = "degraded", j["reason"] = "audio device lost";
    return j;
  }
  mutable std::mutex mutex;
  auralis::control::ControlParams params;
  std::atomic<int> applies{0};
  bool degraded = false;
};
