#include "io/smf_writer.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace auralis::io {

namespace {

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

/// MIDI variable-length quantity: 7 bits per byte, most significant first.
void putVarLen(std::vector<std::uint8_t>& out, std::uint32_t v) {
  std::uint8_t stack[5];
  int n = 0;
  do {
    stack[n++] = static_cast<std::uint8_t>(v & 0x7F);
    v >>= 7;
  } while (v != 0 && n < 5);
  while (n > 1) out.push_back(static_cast<std::uint8_t>(stack[--n] | 0x80));
  out.push_back(stack[0]);
}

std::vector<std::uint8_t> meta(std::uint8_t type, const std::string& text) {
  std::vector<std::uint8_t> d = {0xFF, type};
  putVarLen(d, static_cast<std::uint32_t>(text.size()));
  d.insert(d.end(), text.begin(), text.end());
  return d;
}

std::uint8_t clamp7(int v) {
  return static_cast<std::uint8_t>(std::clamp(v, 0, 127));
}

}  // namespace

SmfWriter::SmfWriter(int ticksPerQuarter) : division_(std::clamp(ticksPerQuarter, 24, 32767)) {}

int SmfWriter::addTrack(const std::string& name, int channel, int program) {
  Track t{name, std::clamp(channel, 0, 15), {}};
  add(t.events, 0, 1, meta(0x03, name));
  if (program >= 0)
    add(t.events, 0, 1, {static_cast<std::uint8_t>(0xC0 | t.channel), clamp7(program)});
  tracks_.push_back(std::move(t));
  return static_cast<int>(tracks_.size());
}

void SmfWriter::setTempo(std::int64_t tick, double bpm) {
  tick = std::max<std::int64_t>(tick, 0);
  bpm = std::clamp(std::isfinite(bpm) ? bpm : 120.0, 1.0, 1000.0);
  auto it = std::find_if(tempos_.begin(), tempos_.end(),
                         [tick](const Tempo& t) { return t.tick >= tick; });
  if (it != tempos_.end() && it->tick == tick)
    it->bpm = bpm;
  else
    tempos_.insert(it, Tempo{tick, bpm});
}

void SmfWriter::setTempoAtSample(std::int64_t sample, double bpm, double sampleRate) {
  setTempo(sampleToTick(sample, sampleRate), bpm);
}

void SmfWriter::addMarker(std::int64_t tick, const std::string& text) {
  add(conductor_, std::max<std::int64_t>(tick, 0), 1, meta(0x06, text));
}

bool SmfWriter::addNote(int track, std::int64_t startTick, std::int64_t lengthTicks, int pitch,
                        int velocity) {
  if (track < 1 || track > static_cast<int>(tracks_.size())) return false;
  Track& t = tracks_[static_cast<std::size_t>(track - 1)];
  const auto ch = static_cast<std::uint8_t>(t.channel);
  startTick = std::max<std::int64_t>(startTick, 0);
  const std::int64_t end = startTick + std::max<std::int64_t>(lengthTicks, 1);
  // Velocity 0 would be read as a note-off; the softest audible note is 1.
  add(t.events, startTick, 1,
      {static_cast<std::uint8_t>(0x90 | ch), clamp7(pitch),
       static_cast<std::uint8_t>(std::clamp(velocity, 1, 127))});
  add(t.events, end, 0, {static_cast<std::uint8_t>(0x80 | ch), clamp7(pitch), 64});
  return true;
}

bool SmfWriter::addNoteAtSample(int track, std::int64_t startSample, std::int64_t lengthSamples,
                                int pitch, int velocity, double sampleRate) {
  const std::int64_t start = sampleToTick(startSample, sampleRate);
  const std::int64_t end =
      sampleToTick(startSample + std::max<std::int64_t>(lengthSamples, 0), sampleRate);
  return addNote(track, start, end - start, pitch, velocity);
}

std::int64_t SmfWriter::sampleToTick(std::int64_t sample, double sampleRate) const {
  if (sample <= 0 || !(sampleRate > 0)) return 0;
  double seconds = static_cast<double>(sample) / sampleRate;
  double tick = 0.0;
  double bpm = tempos_.empty() || tempos_.front().tick > 0 ? 120.0 : tempos_.front().bpm;
  for (const auto& t : tempos_) {
    if (static_cast<double>(t.tick) <= tick) {
      bpm = t.bpm;
      continue;
    }
    const double segment = (static_cast<double>(t.tick) - tick) * 60.0 / (bpm * division_);
    if (seconds <= segment) break;
    seconds -= segment;
    tick = static_cast<double>(t.tick);
    bpm = t.bpm;
  }
  return static_cast<std::int64_t>(std::llround(tick + seconds * bpm * division_ / 60.0));
}

void SmfWriter::add(std::vector<Event>& to, std::int64_t tick, int rank,
                    std::vector<std::uint8_t> data) {
  to.push_back(Event{tick, rank, order_++, std::move(data)});
}

std::vector<std::uint8_t> SmfWriter::trackChunk(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.tick != b.tick) return a.tick < b.tick;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.order < b.order;
  });
  std::vector<std::uint8_t> body;
  std::int64_t at = 0;
  for (const auto& e : events) {
    putVarLen(body, static_cast<std::uint32_t>(std::min<std::int64_t>(e.tick - at, 0x0FFFFFFF)));
    body.insert(body.end(), e.data.begin(), e.data.end());
    at = e.tick;
  }
  body.insert(body.end(), {0x00, 0xFF, 0x2F, 0x00});  // end of track
  std::vector<std::uint8_t> chunk = {'M', 'T', 'r', 'k'};
  put32(chunk, static_cast<std::uint32_t>(body.size()));
  chunk.insert(chunk.end(), body.begin(), body.end());
  return chunk;
}

std::vector<std::uint8_t> SmfWriter::bytes() const {
  std::vector<std::uint8_t> out = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1};
  const auto tracks = static_cast<std::uint16_t>(trackCount());
  out.push_back(static_cast<std::uint8_t>(tracks >> 8));
  out.push_back(static_cast<std::uint8_t>(tracks & 0xFF));
  out.push_back(static_cast<std::uint8_t>(division_ >> 8));
  out.push_back(static_cast<std::uint8_t>(division_ & 0xFF));
  std::vector<Event> conductor = conductor_;
  std::uint64_t order = order_;
  auto tempos = tempos_;
  if (tempos.empty() || tempos.front().tick > 0) tempos.insert(tempos.begin(), Tempo{0, 120.0});
  for (const auto& t : tempos) {
    const auto usPerQuarter = static_cast<std::uint32_t>(std::llround(60'000'000.0 / t.bpm));
    conductor.push_back(Event{
        t.tick,
        1,
        order++,
        {0xFF, 0x51, 0x03, static_cast<std::uint8_t>(usPerQuarter >> 16),
         static_cast<std::uint8_t>(usPerQuarter >> 8), static_cast<std::uint8_t>(usPerQuarter)}});
  }
  auto chunk = trackChunk(std::move(conductor));
  out.insert(out.end(), chunk.begin(), chunk.end());
  for (const auto& t : tracks_) {
    chunk = trackChunk(t.events);
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
  return out;
}

Status SmfWriter::write(const std::filesystem::path& path) const {
  const auto data = bytes();
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return makeError("io_error", "cannot write " + path.string());
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  f.close();
  if (!f) return makeError("io_error", "cannot write " + path.string());
  return Ok{};
}

}  // namespace auralis::io
