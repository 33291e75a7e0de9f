#include "app/recording_session_log.hpp"

namespace auralis::app {

SessionLog::SessionLog(ensemble::NoteSink& next, std::size_t maxNotes, engine::Engine* engine)
    : next_(next), maxNotes_(maxNotes), engine_(engine) {
  if (engine_ != nullptr) engine_->setCommandLog(true);
}

void SessionLog::drainEngineCommands() const {
  if (engine_ == nullptr) return;
  engine::AppliedCommand c;
  while (engine_->popAppliedCommand(c)) {
    if (engineCommands_.size() < maxNotes_)
      engineCommands_.push_back(c);
    else
      overflowed_ = true;
  }
}

std::vector<engine::AppliedCommand> SessionLog::engineCommands() const {
  std::lock_guard lock(mutex_);
  drainEngineCommands();
  return engineCommands_;
}

std::uint64_t SessionLog::engineCommandDrops() const {
  return engine_ != nullptr ? engine_->commandLogDrops() : 0;
}

bool SessionLog::push(const music::NoteEvent& note) {
  if (!next_.push(note)) return false;
  std::lock_guard lock(mutex_);
  drainEngineCommands();
  if (notes_.size() < maxNotes_)
    notes_.push_back(note);
  else
    overflowed_ = true;
  return true;
}

void SessionLog::onApplied(const control::ControlParams& params, std::int64_t sample) {
  std::lock_guard lock(mutex_);
  states_.push_back({sample, params});
}

std::vector<music::NoteEvent> SessionLog::notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

std::vector<LoggedState> SessionLog::states() const {
  std::lock_guard lock(mutex_);
  return states_;
}

bool SessionLog::complete() const {
  std::lock_guard lock(mutex_);
  return !overflowed_;
}

nlohmann::json engineCommandToJson(const engine::AppliedCommand& c) {
  return {{"block", c.blockStart},
          {"type", static_cast<int>(c.command.type)},
          {"ch", static_cast<int>(c.command.channel)},
          {"inst", static_cast<int>(c.command.instrument)},
          {"param", static_cast<int>(c.command.param)},
          {"value", c.command.value}};
}

engine::AppliedCommand engineCommandFromJson(const nlohmann::json& j) {
  engine::AppliedCommand c;
  c.blockStart = j.at("block").get<std::int64_t>();
  c.command.type = static_cast<engine::CommandType>(j.at("type").get<int>());
  c.command.channel = static_cast<std::uint8_t>(j.at("ch").get<int>());
  c.command.instrument = static_cast<std::uint8_t>(j.at("inst").get<int>());
  c.command.param = static_cast<std::uint8_t>(j.at("param").get<int>());
  c.command.value = j.at("value").get<float>();
  return c;
}

nlohmann::json noteToJson(const music::NoteEvent& n) {
  // nlohmann writes floats with the shortest text that reads back to the same value.
  return {{"t", n.startSample},
          {"len", n.lengthSamples},
          {"ch", static_cast<int>(n.channel)},
          {"inst", static_cast<int>(n.instrument)},
          {"pitch", static_cast<int>(n.pitch)},
          {"program", static_cast<int>(n.program)},
          {"vel", n.velocity},
          {"pan", n.pan}};
}

music::NoteEvent noteFromJson(const nlohmann::json& j) {
  // A bundle is outside input: a field out of its range is refused by name, not cast.
  const auto inRange = [&j](const char* key, int lo, int hi) {
    const int v = j.at(key).get<int>();
    if (v < lo || v > hi)
      throw nlohmann::json::out_of_range::create(406,
                                                 std::string("note field '") + key + "' is " +
                                                     std::to_string(v) + ", not " +
                                                     std::to_string(lo) + ".." + std::to_string(hi),
                                                 &j);
    return v;
  };
  music::NoteEvent n;
  n.startSample = j.at("t").get<std::int64_t>();
  n.lengthSamples = j.at("len").get<std::int32_t>();
  n.channel = static_cast<music::Channel>(inRange("ch", 0, music::kChannelCount - 1));
  n.instrument =
      static_cast<music::InstrumentKind>(inRange("inst", 0, music::kInstrumentKindCount - 1));
  n.pitch = static_cast<std::uint8_t>(inRange("pitch", 0, 127));
  n.program = static_cast<std::uint8_t>(inRange("program", 0, 127));
  n.velocity = j.at("vel").get<float>();
  n.pan = j.at("pan").get<float>();
  return n;
}

}  // namespace auralis::app
