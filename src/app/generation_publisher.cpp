#include "app/generation_publisher.hpp"

namespace auralis::app {

namespace {
const char* kindName(ensemble::GenerationEvent::Kind k) {
  using K = ensemble::GenerationEvent::Kind;
  switch (k) {
    case K::Chord: return "chord";
    case K::Section: return "section";
    case K::Note: return "note";
    case K::Tempo: return "tempo";
    case K::Key: return "key";
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
  bus_.publish("generation_update", generationEventJson(event, sampleRate_));
}

}  // namespace auralis::app
