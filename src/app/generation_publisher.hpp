// GenerationPublisher: turns the ensemble's generation events (chord and
// section changes, every planned note) into `generation_update` messages on
// the event bus. Runs on the ensemble runner's thread, never the audio thread.
#pragma once

#include "control/event_bus.hpp"
#include "ensemble/ensemble.hpp"

namespace auralis::app {

class GenerationPublisher final : public ensemble::GenerationObserver {
 public:
  GenerationPublisher(control::EventBus& bus, double sampleRate) : bus_(bus), sampleRate_(sampleRate) {}
  void onEvent(const ensemble::GenerationEvent& event) override;

 private:
  control::EventBus& bus_;
  double sampleRate_;
};

/// The JSON body of one event (also used by tests and the docs' examples).
nlohmann::json generationEventJson(const ensemble::GenerationEvent& event, double sampleRate);

}  // namespace auralis::app
