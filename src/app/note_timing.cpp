#include "app/note_timing.hpp"

#include <algorithm>

namespace auralis::app {

namespace {

constexpr const char* kChannelAgents[] = {"harmony", "bass", "melody", "percussion", "response"};
static_assert(std::size(kChannelAgents) == music::kChannelCount);

obs::HistogramSnapshot snapshot(const engine::NoteTimingHistogram& h) {
  obs::HistogramSnapshot s;
  const auto& bounds = engine::NoteTimingHistogram::kBounds;
  s.bounds.assign(bounds.begin(), bounds.end());
  for (std::size_t k = 0; k <= bounds.size(); ++k) s.counts.push_back(h.count(k));
  s.sum = h.sumSeconds();
  return s;
}

}  // namespace

bool NoteLeadMeter::push(const music::NoteEvent& note) {
  const auto ch = static_cast<std::size_t>(note.channel);
  if (ch < lead_.size()) {
    // A note planned after its start (a late plan) has a negative lead: it
    // lands in the first bucket, and its lateness shows on the engine's side.
    const double lead = static_cast<double>(note.startSample - engine_.position()) / rate_;
    lead_[ch].record(std::max(lead, 0.0));
  }
  return next_.push(note);
}

void registerNoteTimingMetrics(obs::Registry& registry, const engine::Engine& engine,
                               const NoteLeadMeter& lead) {
  for (std::size_t ch = 0; ch < std::size(kChannelAgents); ++ch) {
    const obs::Labels labels = {{"agent", kChannelAgents[ch]}};
    registry.histogramFn("auralis_agent_note_lead_seconds",
                         "How far ahead of its start each note was planned (due - planned)", labels,
                         [&lead, ch] { return snapshot(lead.lead(ch)); });
    registry.histogramFn("auralis_agent_note_lateness_seconds",
                         "How late each note sounded (sounded - due)", labels,
                         [&engine, ch] { return snapshot(engine.metrics().noteLateness[ch]); });
  }
}

}  // namespace auralis::app
