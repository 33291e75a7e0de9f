#include "app/metrics_wiring.hpp"

namespace auralis::app {

namespace {

/// The engine's fine histogram (4 buckets per octave) folded onto one bucket
/// per octave, 1 us .. 131 ms: the folding is exact because every exported
/// bound is also an internal bucket edge.
obs::HistogramSnapshot callbackSnapshot(const engine::CallbackHistogram& h) {
  obs::HistogramSnapshot s;
  constexpr int kStep = 4;
  for (int k = 0; k < engine::CallbackHistogram::kBuckets; k += kStep)
    s.bounds.push_back(engine::CallbackHistogram::upperEdgeSeconds(k));
  s.counts.assign(s.bounds.size() + 1, 0);
  for (int k = 0; k <= engine::CallbackHistogram::kBuckets; ++k) {
    const auto slot = static_cast<std::size_t>((k + kStep - 1) / kStep);
    s.counts[std::min(slot, s.bounds.size())] += h.count(k);
  }
  s.sum = h.sumSeconds();
  return s;
}

}  // namespace

void registerEngineMetrics(obs::Registry& r, const engine::Engine& e) {
  const auto& m = e.metrics();
  r.histogramFn("auralis_audio_callback_seconds", "Time the audio callback took per block", {},
                [&m] { return callbackSnapshot(m.callback); });
  r.counterFn("auralis_audio_deadline_misses_total", "Blocks that took longer than their period",
              {}, [&m] { return static_cast<double>(m.deadlineMisses.load()); });
  r.counterFn("auralis_audio_underruns_total", "Device buffers that ran dry", {},
              [&m] { return static_cast<double>(m.underruns.load()); });
  r.counterFn("auralis_audio_blocks_total", "Blocks rendered", {},
              [&m] { return static_cast<double>(m.blocks.load()); });
  r.counterFn("auralis_audio_nan_blocks_total",
              "Blocks with a non-finite sample, replaced by silence", {},
              [&m] { return static_cast<double>(m.nanEvents.load()); });
  r.counterFn("auralis_audio_late_notes_total", "Notes that reached the engine after their start",
              {}, [&m] { return static_cast<double>(m.lateNotes.load()); });
  r.counterFn("auralis_audio_dropped_notes_total", "Notes dropped: scheduler full or no instrument",
              {}, [&m] { return static_cast<double>(m.droppedNotes.load()); });
  r.gaugeFn("auralis_audio_active_voices", "Voices sounding", {},
            [&m] { return static_cast<double>(m.activeVoices.load()); });
  r.gaugeFn("auralis_limiter_gain_reduction_db", "Limiter gain reduction in the last block", {},
            [&m] { return static_cast<double>(m.limiterGainReductionDb.load()); });
  for (std::size_t i = 0; i < engine::kTapCount; ++i) {
    const auto id = static_cast<engine::TapId>(i);
    r.counterFn("auralis_tap_drops_total",
                "Blocks a side-chain tap dropped because its reader fell behind",
                {{"tap", engine::tapName(id)}},
                [&e, id] { return static_cast<double>(e.tap(id).drops()); });
  }
}

void registerServerMetrics(obs::Registry& r, const net::Server& server,
                           const stream::Broadcaster* broadcaster) {
  r.gaugeFn("auralis_ws_clients", "Connected WebSocket clients", {},
            [&server] { return static_cast<double>(server.clients()); });
  r.counterFn("auralis_ws_dropped_clients_total", "WebSocket clients closed for falling behind", {},
              [&server] { return static_cast<double>(server.droppedClients()); });
  r.counterFn("auralis_ws_rejected_clients_total", "Connections refused over the client limit", {},
              [&server] { return static_cast<double>(server.rejectedClients()); });
  r.counterFn(
      "auralis_stream_skips_total", "Times a listener skipped ahead to the live edge", {},
      [broadcaster] { return broadcaster ? static_cast<double>(broadcaster->skips()) : 0.0; });
}

}  // namespace auralis::app
