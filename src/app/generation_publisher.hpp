// GenerationPublisher: turns the ensemble's generation events (chord and
// section changes, every planned note) into `generation_update` messages on
// the event bus. Runs on the ensemble runner's thread, never the audio thread.
#pragma once

#include "control/event_bus.hpp"
#include "ensemble/ensemble.hpp"

namespace auralis::app {

class GenerationPublisher final : public ensemble::GenerationObserver {
 public:
  GenerationPublisher(control::EventBus& bus, double sampleRate)
      : bus_(bus), sampleRate_(sampleRate) {}
  void onEvent(const ensemble::GenerationEvent& event) override;
  /// Publishes `agent_plan`: every agent's notes of the bar just planned, before
  /// it starts (the runner plans 250 ms ahead), so the page can show what is coming.
  void onBarPlanned(std::int64_t bar, std::int64_t startSample, std::int64_t endSample) override;

 private:
  control::EventBus& bus_;
  double sampleRate_;
  nlohmann::json plan_ = nlohmann::json::object();  // agent -> notes of the bar being planned
};

/// The `agent_plan` body for one bar (also used by tests).
nlohmann::json agentPlanJson(std::int64_t bar, std::int64_t startSample, std::int64_t endSample,
                             double sampleRate, nlohmann::json agents);

/// The JSON body of one event (also used by tests and the docs' examples).
nlohmann::json generationEventJson(const ensemble::GenerationEvent& event, double sampleRate);

}  // namespace auralis::app
