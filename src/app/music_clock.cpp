#include "app/music_clock.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "music/chord.hpp"

namespace auralis::app {

namespace {

constexpr std::size_t kMaxPending = 4096;

/// The root pitch class and quality of a chord name such as "Dm7 (i7)" or "F#maj7".
std::pair<int, bool> parseChordName(const std::string& text) {
  static constexpr int kNatural[7] = {9, 11, 0, 2, 4, 5, 7};  // A..G
  if (text.empty() || text[0] < 'A' || text[0] > 'G') return {-1, false};
  int root = kNatural[text[0] - 'A'];
  std::size_t i = 1;
  if (i < text.size() && text[i] == '#')
    root += 1, ++i;
  else if (i < text.size() && text[i] == 'b')
    root += 11, ++i;
  const bool minor = i < text.size() && text[i] == 'm' && text.compare(i, 3, "maj") != 0;
  return {root % 12, minor};
}

}  // namespace

MusicClock::MusicClock(control::EventBus& bus, double sampleRate, int beatsPerBar)
    : subscription_(bus.subscribe({"generation_update"}, 2048)),
      sampleRate_(sampleRate),
      beatsPerBar_(beatsPerBar) {}

void MusicClock::take(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  const auto event = j.value("event", std::string());
  const auto sample = j.value("sample", std::int64_t{0});
  if (event == "tempo") {
    bpm_ = j.value("bpm", bpm_);
  } else if (event == "chord") {
    // Chord changes sit on the beat grid: anchor the grid there.
    anchorSample_ = sample;
    anchorBeat_ =
        static_cast<double>(j.value("bar", std::int64_t{0}) * beatsPerBar_) + j.value("beat", 0.0);
    const auto [root, minor] = parseChordName(j.value("text", std::string()));
    if (pending_.size() < kMaxPending) pending_.push_back({sample, root, minor, false, false});
  } else if (event == "note" && j.value("agent", std::string()) == "percussion") {
    if (pending_.size() < kMaxPending) pending_.push_back({sample, -1, false, true, false});
  } else if (event == "section") {
    if (pending_.size() < kMaxPending) pending_.push_back({sample, -1, false, false, true});
  }
}

HeardMusic MusicClock::at(std::int64_t heardSample, double bpm) {
  if (bpm_ <= 0.0) bpm_ = bpm;
  control::Event e;
  while (subscription_->tryPop(e))
    if (e.text) take(*e.text);
  now_.kick = false;
  // Events are planned in time order per agent, not globally: scan them all.
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->sample > heardSample) {
      ++it;
      continue;
    }
    if (it->kick) now_.kick = true;
    if (it->section) now_.section = ++sectionCount_;
    if (it->root >= 0) {
      now_.chordRoot = it->root;
      now_.chordMinor = it->minor;
    }
    it = pending_.erase(it);
  }
  if (bpm_ > 0.0 && anchorSample_ >= 0) {
    const double samplesPerBeat = sampleRate_ * 60.0 / bpm_;
    const double beat =
        anchorBeat_ + static_cast<double>(heardSample - anchorSample_) / samplesPerBeat;
    now_.beatIndex = static_cast<std::int64_t>(std::floor(beat));
    now_.beatPhase = beat - std::floor(beat);
  }
  return now_;
}

}  // namespace auralis::app
