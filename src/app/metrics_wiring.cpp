#include "app/metrics_wiring.hpp"

#include "control/messages.hpp"

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

void registerEnsembleMetrics(obs::Registry& r, const ensemble::EnsembleRunner& runner) {
  r.counterFn("auralis_ensemble_bars_total", "Bars the ensemble has planned", {},
              [&runner] { return static_cast<double>(runner.barCount()); });
  r.counterFn("auralis_ensemble_late_wakes_total",
              "Times the planner woke behind the playhead and skipped ahead", {},
              [&runner] { return static_cast<double>(runner.lateWakes()); });
  r.counterFn("auralis_ensemble_dropped_notes_total",
              "Planned notes the engine's note queue had no room for", {},
              [&runner] { return static_cast<double>(runner.droppedNotes()); });
}

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

void registerLoudnessMetrics(obs::Registry& r, const LoudnessFigures& f) {
  const std::pair<const char*, const std::atomic<double>*> windows[] = {
      {"momentary", &f.momentaryLufs},
      {"short", &f.shortTermLufs},
      {"integrated", &f.integratedLufs}};
  for (const auto& [window, value] : windows)
    r.gaugeFn("auralis_loudness_lufs", "Master loudness (EBU R128; -100 for silence)",
              {{"window", window}}, [value] { return value->load(std::memory_order_relaxed); });
  r.gaugeFn("auralis_loudness_trim_db", "Gain trim of the loudness normalisation loop", {},
            [&f] { return f.trimDb.load(std::memory_order_relaxed); });
  r.gaugeFn("auralis_true_peak_dbtp", "Highest master true peak so far (dBTP)", {},
            [&f] { return f.truePeakDbtp.load(std::memory_order_relaxed); });
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
  r.counterFn("auralis_ws_fanout_sends_total",
              "Audio messages the one-pass fan-out wrote to listeners that keep up", {},
              [&server] { return static_cast<double>(server.fanOutSends()); });
  r.gaugeFn("auralis_ws_fanout_io_uring",
            "1 when the fan-out writes each batch through io_uring, 0 with one send() per listener",
            {}, [&server] { return server.fanOutUsesIoUring() ? 1.0 : 0.0; });
  r.counterFn("auralis_ws_fanout_handbacks_total",
              "Times a listener's socket was full and its session took delivery back", {},
              [&server] { return static_cast<double>(server.fanOutHandbacks()); });
  registerClientReportMetrics(r, server.clientReports());
  registerSendMetrics(r, server.sendStats(), broadcaster);
}

void registerSendMetrics(obs::Registry& r, const net::SendStats& sent,
                         const stream::Broadcaster* broadcaster) {
  r.counterFn("auralis_ws_bytes_sent_total", "WebSocket message bytes written to clients", {},
              [&sent] { return static_cast<double>(sent.bytes.load()); });
  const std::pair<const char*, const std::atomic<std::uint64_t>*> frames[] = {
      {"pcm16", &sent.pcm16Frames}, {"opus", &sent.opusFrames}};
  for (const auto& [codec, count] : frames)
    r.counterFn("auralis_ws_frames_sent_total", "Audio frames written to WebSocket clients",
                {{"codec", codec}}, [count] { return static_cast<double>(count->load()); });
  if (broadcaster == nullptr) return;
  for (const auto codec : {stream::Codec::Pcm16, stream::Codec::Opus}) {
    if (!broadcaster->hasCodec(codec)) continue;
    const stream::EncodeStats& st = broadcaster->encodeStats(codec);
    r.histogramFn("auralis_stream_encode_seconds", "Encoder time per stream chunk",
                  {{"codec", codec == stream::Codec::Opus ? "opus" : "pcm16"}}, [&st] {
                    obs::HistogramSnapshot h;
                    h.bounds.assign(stream::EncodeStats::kBounds.begin(),
                                    stream::EncodeStats::kBounds.end());
                    for (const auto& c : st.counts) h.counts.push_back(c.load());
                    h.sum = static_cast<double>(st.sumNanos.load()) / 1e9;
                    return h;
                  });
  }
}

void registerClientReportMetrics(obs::Registry& r, const net::ClientReportStats& stats) {
  r.counterFn("auralis_client_underruns_total",
              "Playback underruns the web clients reported (sum of increments)", {},
              [&stats] { return static_cast<double>(stats.underruns.load()); });
  r.histogramFn("auralis_client_buffer_seconds", "Playback buffer depths the web clients reported",
                {}, [&stats] {
                  obs::HistogramSnapshot h;
                  h.bounds.assign(net::ClientReportStats::kBufferBounds.begin(),
                                  net::ClientReportStats::kBufferBounds.end());
                  for (const auto& c : stats.bufferCounts) h.counts.push_back(c.load());
                  h.sum = static_cast<double>(stats.bufferSumMicros.load()) / 1e6;
                  return h;
                });
  const auto& tiers = control::clientTiers();
  for (std::size_t i = 0; i < tiers.size() && i < stats.tiers.size(); ++i) {
    r.gaugeFn("auralis_client_tier", "Web clients currently playing in each buffering tier",
              {{"tier", tiers[i]}},
              [&stats, i] { return static_cast<double>(stats.tiers[i].load()); });
  }
}

void registerPlaceholderMetrics(obs::Registry& r) {
  // CONTRACT.md lists these; until the OSC and DMX features register their own,
  // they are exported at zero so dashboards and alerts can be built now.
  const std::string text = r.prometheusText();
  if (text.find("# TYPE auralis_osc_malformed_total ") == std::string::npos) {
    r.counterFn("auralis_osc_malformed_total", "Malformed OSC packets dropped", {},
                [] { return 0.0; });
  }
  if (text.find("# TYPE auralis_dmx_frame_interval_seconds ") == std::string::npos) {
    r.histogramFn("auralis_dmx_frame_interval_seconds", "Time between DMX frames sent", {}, [] {
      obs::HistogramSnapshot h;
      h.bounds = {0.005, 0.01, 0.02, 0.025, 0.03, 0.05, 0.1, 0.25};
      h.counts.assign(h.bounds.size() + 1, 0);
      return h;
    });
  }
}

}  // namespace auralis::app
