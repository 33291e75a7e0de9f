// SmfWriter: a Standard MIDI File (format 1) of a performance: track 0 holds
// the tempo map and markers, then one track per agent. Notes are placed in
// ticks, or in engine samples converted through the tempo map, so a recorder
// can pass what the engine played without doing the arithmetic.
//
// Typical use (the recorder):
//   io::SmfWriter smf(480);
//   smf.setTempoAtSample(0, 90.0, 48000.0);
//   const int bass = smf.addTrack("bass", 1, 33);
//   smf.addNoteAtSample(bass, startSample, lengthSamples, 38, 100, 48000.0);
//   smf.write("take.mid");
//
// Thread rules: not thread-safe; one owner thread (never the audio thread: it
// allocates). Events may be added in any order; write() sorts them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace auralis::io {

class SmfWriter {
 public:
  /// `ticksPerQuarter` in [24, 32767] (clamped).
  explicit SmfWriter(int ticksPerQuarter = 480);

  /// Adds a track named `name` whose notes go out on MIDI `channel` (0..15) with
  /// `program` (0..127, a General MIDI program change at tick 0; -1: none).
  /// Returns its index for addNote (1, 2, ...; track 0 is the tempo track).
  int addTrack(const std::string& name, int channel, int program = -1);

  /// Tempo change at `tick` (bpm clamped to [1, 1000]). Without any, 120 bpm.
  void setTempo(std::int64_t tick, double bpm);
  /// Tempo change at an engine sample; changes must be added in time order.
  void setTempoAtSample(std::int64_t sample, double bpm, double sampleRate);
  /// A marker (section, chord) on the tempo track.
  void addMarker(std::int64_t tick, const std::string& text);

  /// A note on `track` (from addTrack); out-of-range values are clamped,
  /// an unknown track is ignored (returns false).
  bool addNote(int track, std::int64_t startTick, std::int64_t lengthTicks, int pitch,
               int velocity);
  /// The same, timed in engine samples (converted with the tempo map as it is now).
  bool addNoteAtSample(int track, std::int64_t startSample, std::int64_t lengthSamples, int pitch,
                       int velocity, double sampleRate);

  /// Ticks at an engine sample, through the tempo map.
  std::int64_t sampleToTick(std::int64_t sample, double sampleRate) const;

  /// The file's bytes.
  std::vector<std::uint8_t> bytes() const;
  /// Writes the file (replacing it); an error names the path.
  Status write(const std::filesystem::path& path) const;

  int ticksPerQuarter() const { return division_; }
  int trackCount() const { return static_cast<int>(tracks_.size()) + 1; }

 private:
  struct Event {
    std::int64_t tick;
    int rank;  // at one tick: note-offs (0) before everything else (1)
    std::uint64_t order;
    std::vector<std::uint8_t> data;  // status byte onwards (or FF meta)
  };
  struct Track {
    std::string name;
    int channel;
    std::vector<Event> events;
  };
  struct Tempo {
    std::int64_t tick;
    double bpm;
  };
  void add(std::vector<Event>& to, std::int64_t tick, int rank, std::vector<std::uint8_t> data);
  static std::vector<std::uint8_t> trackChunk(std::vector<Event> events);

  int division_;
  std::vector<Tempo> tempos_;
  std::vector<Event> conductor_;
  std::vector<Track> tracks_;
  std::uint64_t order_ = 0;
};

}  // namespace auralis::io
