// Registers every figure the running server exports (GET /metrics and
// /api/v1/metrics). Each is read from its owner's atomics at scrape time.
#pragma once

#include "app/loudness_control.hpp"
#include "engine/engine.hpp"
#include "ensemble/ensemble_runner.hpp"
#include "net/server.hpp"
#include "obs/metrics.hpp"
#include "stream/broadcaster.hpp"

namespace auralis::app {

void registerEngineMetrics(obs::Registry& registry, const engine::Engine& engine);
/// auralis_ensemble_bars_total, auralis_ensemble_late_wakes_total (the planner fell
/// behind the playhead and skipped ahead) and auralis_ensemble_dropped_notes_total.
void registerEnsembleMetrics(obs::Registry& registry, const ensemble::EnsembleRunner& runner);
void registerServerMetrics(obs::Registry& registry, const net::Server& server,
                           const stream::Broadcaster* broadcaster);
/// auralis_client_underruns_total, auralis_client_buffer_seconds and
/// auralis_client_tier{tier}, from the pages' client_report messages. Main thread.
void registerClientReportMetrics(obs::Registry& registry, const net::ClientReportStats& stats);
/// auralis_ws_bytes_sent_total, auralis_ws_frames_sent_total{codec} (counted as
/// the server completes each write) and auralis_stream_encode_seconds{codec}
/// (the Broadcaster's encoder time per chunk; absent without a broadcaster).
/// Main thread.
void registerSendMetrics(obs::Registry& registry, const net::SendStats& sent,
                         const stream::Broadcaster* broadcaster);
/// auralis_loudness_lufs{window}, auralis_loudness_trim_db, auralis_true_peak_dbtp
/// from the loudness side-chain (app/loudness_control.hpp). Main thread.
void registerLoudnessMetrics(obs::Registry& registry, const LoudnessFigures& figures);
/// Contract metrics whose feature is not wired yet (OSC, DMX), at zero; skips a
/// name that is already registered. Main thread, after every other registration.
void registerPlaceholderMetrics(obs::Registry& registry);

}  // namespace auralis::app
