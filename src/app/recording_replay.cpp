// `auralis render --replay BUNDLE --out FILE`: re-renders a session bundle
// offline. A fresh engine, prepared as the server's was, gets every logged note
// (in the order the live engine got them) ahead of its sample, and every
// engine command the live engine applied (engine_commands.jsonl) posted just
// before the block it landed on — so each lands on the same block, the
// loudness trims included, and the render is bit-identical. Blocks are the live
// backend's size, so every split falls where it fell live. Bundles without the
// command log (older ones) fall back to the logged control states and a local
// loudness loop: close, not exact. The frames the live recording covered,
// [startSample, startSample + frames), are written to FILE.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/live_controller.hpp"
#include "app/loudness_control.hpp"
#include "app/recording_session_log.hpp"
#include "io/audio_file_writer.hpp"

namespace fs = std::filesystem;

namespace auralis::app {

namespace {

Result<nlohmann::json> readJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return makeError("io_error", "cannot read " + path.string());
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return makeError("io_error", path.string() + " is not valid JSON");
  return j;
}

/// Each line of a JSON-lines file, parsed.
Result<std::vector<nlohmann::json>> readJsonLines(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return makeError("io_error", "cannot read " + path.string());
  std::vector<nlohmann::json> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded())
      return makeError("io_error", path.string() + ":" + std::to_string(n) + ": not JSON");
    out.push_back(std::move(j));
  }
  return out;
}

Result<control::ControlParams> paramsFrom(const nlohmann::json& j) {
  auto patch = control::parseControlParams(j);
  if (!patch) return patch.error();
  return control::applyPatch(control::ControlParams{}, patch.value());
}

/// For each note, the block before which a replay must not post it: the block a
/// NoteLate record says it landed on live (records come in the notes' order), else
/// no limit.
std::vector<std::int64_t> lateNoteBlocks(const std::vector<music::NoteEvent>& notes,
                                         const std::vector<engine::AppliedCommand>& log) {
  std::vector<std::int64_t> hold(notes.size(), std::numeric_limits<std::int64_t>::min());
  std::size_t next = 0;
  for (const auto& entry : log) {
    const auto& c = entry.command;
    if (c.type != engine::CommandType::NoteLate) continue;
    const auto start = entry.blockStart - static_cast<std::int64_t>(c.value);
    for (std::size_t i = next; i < notes.size(); ++i) {
      const auto& note = notes[i];
      if (note.startSample == start && note.pitch == c.param &&
          static_cast<std::uint8_t>(note.channel) == c.channel &&
          static_cast<std::uint8_t>(note.instrument) == c.instrument) {
        hold[i] = entry.blockStart;
        next = i + 1;
        break;
      }
    }
  }
  // A note after a held one reached the live engine no earlier.
  for (std::size_t i = 1; i < hold.size(); ++i) hold[i] = std::max(hold[i], hold[i - 1]);
  return hold;
}

int fail(const Error& e, int code = 1) {
  std::cerr << "auralis: " << e.message << "\n";
  return code;
}

}  // namespace

int runReplay(const Config& config, const RenderOptions& options) {
  const fs::path dir(options.replay);
  if (!fs::is_directory(dir))
    return fail(makeError("invalid_param", "--replay: " + options.replay + " is not a directory"),
                2);
  auto manifest = readJson(dir / "manifest.json");
  if (!manifest) return fail(manifest.error());
  const auto& m = manifest.value();
  auto notesJson = readJsonLines(dir / m.value("notes", "notes.jsonl"));
  if (!notesJson) return fail(notesJson.error());
  auto statesJson = readJsonLines(dir / m.value("commands", "commands.jsonl"));
  if (!statesJson) return fail(statesJson.error());
  if (!m.value("replayable", false))
    spdlog::warn(
        "bundle {} is marked not replayable (live input, gaps or a full log): the "
        "render will differ from the recording",
        dir.string());

  std::vector<music::NoteEvent> notes;
  std::vector<LoggedState> states;
  std::vector<engine::AppliedCommand> engineCommands;
  const std::string engineCommandsFile = m.value("engineCommands", std::string());
  const bool exact = !engineCommandsFile.empty();
  if (exact) {
    auto lines = readJsonLines(dir / engineCommandsFile);
    if (!lines) return fail(lines.error());
    try {
      for (const auto& j : lines.value()) engineCommands.push_back(engineCommandFromJson(j));
    } catch (const nlohmann::json::exception& e) {
      return fail(
          makeError("io_error", "bundle " + dir.string() + ": bad engine command: " + e.what()));
    }
  }
  control::ControlParams start;
  double rate = 0;
  int block = 0;
  std::int64_t startSample = 0, frames = 0;
  engine::EngineConfig ec;
  try {
    rate = m.at("sampleRate").get<double>();
    block = m.at("blockFrames").get<int>();
    startSample = m.at("startSample").get<std::int64_t>();
    frames = m.at("frames").get<std::int64_t>();
    ec = engine::ensembleEngineConfig(rate, m.at("engineMaxBlock").get<int>());
    ec.master.ceilingDb = m.at("ceilingDb").get<double>();
    auto s = paramsFrom(m.at("startParams"));
    if (!s) return fail(s.error());
    start = s.value();
    for (const auto& j : notesJson.value()) notes.push_back(noteFromJson(j));
    for (const auto& j : statesJson.value()) {
      auto p = paramsFrom(j.at("params"));
      if (!p) return fail(p.error());
      states.push_back({j.at("t").get<std::int64_t>(), p.value()});
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(makeError("io_error", "bundle " + dir.string() + " is incomplete: " + e.what()));
  }
  frames = std::min(frames, static_cast<std::int64_t>(std::llround(options.seconds * rate)));
  if (block < 1 || block > ec.maxBlockFrames || rate <= 0)
    return fail(makeError("io_error", "bundle " + dir.string() + ": bad block size or rate"));

  engine::Engine engine;
  engine.prepare(ec);
  if (!exact) postMixCommands(engine, start);
  // The live loudness loop, run as `render` runs it: its trims land a block after each
  // decision here, a few blocks later live (its own thread), so with it the replay is
  // close, not bit-identical (docs/operations.md, "Session bundles").
  auto loudness = loudnessTrimConfig(config);
  loudness.targetLufs = m.value("loudnessLufs", loudness.targetLufs);
  LoudnessFollower follower(rate, loudness);
  auto& loudnessTap = engine.tap(engine::TapId::MasterLoudness);
  loudnessTap.setEnabled(!exact);
  io::AudioFileWriter writer;
  if (auto r = writer.open(options.out, static_cast<int>(rate)); !r) return fail(r.error(), 2);

  // Notes go in a little ahead of their time, as the live ensemble sent them; one
  // that reached the live engine late is held back to the block it landed on, and
  // the notes after it with it, so the engine sees them in the live order.
  const auto lookahead = static_cast<std::int64_t>(0.25 * rate);
  const auto holdUntil = lateNoteBlocks(notes, engineCommands);
  std::size_t nextNote = 0, nextState = 0, nextCommand = 0;
  std::vector<float> left(static_cast<std::size_t>(block)), right(left.size()),
      interleaved(2 * left.size());
  float* out[2] = {left.data(), right.data()};
  const std::int64_t end = startSample + frames;
  std::uint64_t refused = 0;
  while (engine.position() < end) {
    const std::int64_t pos = engine.position();
    const int n = block;  // the live backend's block, even past the end: same splits
    if (exact) {
      for (; nextCommand < engineCommands.size() && engineCommands[nextCommand].blockStart <= pos;
           ++nextCommand) {
        const auto& c = engineCommands[nextCommand].command;
        if (c.type != engine::CommandType::NoteLate && !engine.postCommand(c)) ++refused;
      }
    } else {
      while (const auto* tapped = loudnessTap.front()) {
        float trim = 0.0F;
        if (follower.feed(*tapped, trim)) engine.postCommand(loudnessTrimCommand(trim));
        loudnessTap.pop();
      }
      while (nextState < states.size() && states[nextState].sample <= pos)
        postMixCommands(engine, states[nextState++].params);
    }
    while (nextNote < notes.size() && notes[nextNote].startSample < pos + n + lookahead &&
           holdUntil[nextNote] <= pos)
      if (!engine.postNote(notes[nextNote++])) ++refused;
    engine.process(nullptr, 0, out, n);
    // Keep only the frames the recording covers.
    const std::int64_t from = std::max(pos, startSample), to = std::min(pos + n, end);
    if (to > from) {
      const auto offset = static_cast<std::size_t>(from - pos);
      const auto count = static_cast<std::size_t>(to - from);
      for (std::size_t i = 0; i < count; ++i) {
        interleaved[2 * i] = left[offset + i];
        interleaved[2 * i + 1] = right[offset + i];
      }
      if (auto r = writer.write(interleaved.data(), static_cast<long>(count)); !r)
        return fail(r.error());
    }
  }
  writer.close();
  if (refused > 0)
    spdlog::warn("replay: {} notes or commands did not fit the engine's queues", refused);
  spdlog::info("replayed {} notes and {} {}; wrote {:.2f} s from sample {} to {}", notes.size(),
               exact ? engineCommands.size() : states.size(),
               exact ? "engine commands (exact)" : "control changes (approximate)",
               static_cast<double>(frames) / rate, startSample, options.out);
  return 0;
}

}  // namespace auralis::app
