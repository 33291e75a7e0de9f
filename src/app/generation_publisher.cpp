#include "app/generation_publisher.hpp"

namespace auralis::app {

namespace {
const char* kindName(ensemble::GenerationEvent::Kind k) {
  using K = ensemble::GenerationEvent::Kind;
  switch (k) {
    case K::Chord:
      return "chord";
    case K::Section:
      return "section";
    case K::Note:
      return "note";
    case K::Tempo:
      return "tempo";
    case K::Key:
      return "key";
  }
  return "note";
}
}  // namespace

nlohmann::json generationEventJson(const ensemble::GenerationEvent& e, double sampleRate) {
  nlohmann::json j = {
      {"event", kindName(e.kind)},
      {"sample", e.sample},
      {"time", static_cast<double>(e.sample) / sampleRate},
      {"bar", e.bar},
      {"beat", e.beat},
      {"key", e.key.name()},
  };
  using K = ensemble::GenerationEvent::Kind;
  if (e.kind == K::Note) {
    j["agent"] = std::string(ensemble::agentName(e.agent));
    j["pitch"] = e.note.pitch;
    j["velocity"] = e.note.velocity;
    j["duration"] = static_cast<double>(e.note.lengthSamples) / sampleRate;
    j["passing"] = e.passing;
  } else {
    j["text"] = e.text;
    if (e.kind == K::Tempo) j["bpm"] = e.value;
    if (e.kind == K::Section) j["intensity"] = e.value;
  }
  return j;
}

void GenerationPublisher::onEvent(const ensemble::GenerationEvent& event) {
  auto j = generationEventJson(event, sampleRate_);
  if (event.kind == ensemble::GenerationEvent::Kind::Note) {
    plan_[j["agent"].get<std::string>()].push_back({{"beat", event.beat},
                                                    {"sample", event.sample},
                                                    {"pitch", event.note.pitch},
                                                    {"velocity", event.note.velocity},
                                                    {"duration", j["duration"]}});
  }
  bus_.publish("generation_update", std::move(j));
}

nlohmann::json agentPlanJson(std::int64_t bar, std::int64_t startSample, std::int64_t endSample,
                             double sampleRate, nlohmann::json agents) {
  // Every agent appears, an agent with nothing planned (resting, disabled) as [].
  for (int a = 0; a < ensemble::kAgentCount; ++a) {
    const std::string name(ensemble::agentName(static_cast<ensemble::Agent>(a)));
    if (!agents.contains(name)) agents[name] = nlohmann::json::array();
  }
  return {{"bar", bar},
          {"sample", startSample},
          {"time", static_cast<double>(startSample) / sampleRate},
          {"endSample", endSample},
          {"seconds", static_cast<double>(endSample - startSample) / sampleRate},
          {"agents", std::move(agents)}};
}

void GenerationPublisher::onBarPlanned(std::int64_t bar, std::int64_t startSample,
                                       std::int64_t endSample) {
  bus_.publish("agent_plan",
               agentPlanJson(bar, startSample, endSample, sampleRate_, std::move(plan_)));
  plan_ = nlohmann::json::object();
}

}  // namespace auralis::app
