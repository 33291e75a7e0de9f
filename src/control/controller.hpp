// Controller: the one interface every control surface drives. The app implements
// it (it owns the engine, the ensemble and their queues); surfaces only validate
// input into a ControlPatch and call apply().
#pragma once

#include <nlohmann/json.hpp>

#include "control/params.hpp"

namespace auralis::control {

class Controller {
 public:
  virtual ~Controller() = default;
  /// Applies a validated patch; returns the full applied parameter state. Any thread.
  virtual ControlParams apply(const ControlPatch& patch) = 0;
  /// The parameter state now. Any thread.
  virtual ControlParams current() const = 0;
  /// Engine/health facts for status and /health (JSON object). A "status" member
  /// of "ok" or "degraded" (with "reason") drives /health. Any thread.
  virtual nlohmann::json engineStatus() const = 0;
};

}  // namespace auralis::control
