#include "voice/transcript.hpp"

#include <algorithm>

#include "voice/command_grammar.hpp"

namespace auralis::voice {
namespace {

std::string joinWords(const std::vector<std::string>& w, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to && i < w.size(); ++i) s += (s.empty() ? "" : " ") + w[i];
  return s;
}

}  // namespace

void StableText::reset() {
  committed_.clear();
  previous_.clear();
}

void StableText::update(const std::string& hypothesis, bool final, TranscriptEvent& event,
                        bool commitEarly) {
  const auto now = words(hypothesis);
  // The hypothesis as shown: the committed prefix, then whatever this one has beyond it.
  std::vector<std::string> shown = committed_;
  for (std::size_t i = committed_.size(); i < now.size(); ++i) shown.push_back(now[i]);
  if (final) {
    committed_ = shown;
  } else if (commitEarly) {
    // Agreement of this hypothesis and the previous one extends the committed prefix; the
    // last word stays tentative because it may still be growing ("fif" -> "fifty").
    std::size_t agree = committed_.size();
    while (agree < now.size() && agree < previous_.size() && now[agree] == previous_[agree])
      ++agree;
    if (agree > committed_.size() && agree == now.size()) --agree;
    for (std::size_t i = committed_.size(); i < agree; ++i) committed_.push_back(shown[i]);
    previous_ = now;
  }
  event.committed = joinWords(committed_, 0, committed_.size());
  event.tentative = joinWords(shown, committed_.size(), shown.size());
  event.text = joinWords(shown, 0, shown.size());
}

bool PhantomFilter::isPhantom(const TranscriptEvent& event, int speechFrames) {
  constexpr int kMinSpeechFrames = 12;   // 120 ms of speech-like frames
  constexpr double kRepeatWindow = 4.0;  // seconds
  constexpr int kShortUtterance = 60;    // 600 ms
  bool drop = speechFrames < kMinSpeechFrames;
  while (!recent_.empty() && event.t1 - recent_.front().t1 > kRepeatWindow) recent_.pop_front();
  if (!drop && speechFrames < kShortUtterance && event.confidence < 0.5) {
    drop = std::any_of(recent_.begin(), recent_.end(),
                       [&](const Recent& r) { return r.text == event.text; });
  }
  recent_.push_back({event.text, event.t1});
  if (drop) ++dropped_;
  return drop;
}

}  // namespace auralis::voice
