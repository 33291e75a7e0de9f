// `auralis analyze FILE [--format jsonl|csv]`: the live analysis, run offline
// on an audio file. Decodes with libsndfile (WAV, FLAC, Ogg, ...), mixes to
// mono, resamples to 48 kHz with libsamplerate when the file's rate is neither
// 44.1 nor 48 kHz, runs the Analyzer and prints one event per line, in time
// order: onsets, beats, pitch (every hop while voiced), then the whole file's
// tempo, key and integrated loudness (docs/protocol.md, "auralis analyze").
#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/loudness_meter.hpp"
#include "app/commands.hpp"
#include "core/result.hpp"

namespace auralis::app {

namespace {

struct Decoded {
  std::vector<float> mono;
  double sampleRate = 0.0;
  double lufs = 0.0;  // integrated, -inf for silence
};

Result<Decoded> decode(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr)
    return makeError("unreadable", "cannot read " + path + ": " + sf_strerror(nullptr));
  Decoded out;
  out.sampleRate = info.samplerate;
  const int channels = info.channels;
  std::unique_ptr<analysis::LoudnessMeter> loudness;
  try {
    if (channels <= 8)
      loudness = std::make_unique<analysis::LoudnessMeter>(info.samplerate, channels);
  } catch (const std::exception&) {
    // A rate libebur128 refuses: no loudness line, the rest still works.
  }
  constexpr sf_count_t kChunk = 4096;
  std::vector<float> buffer(static_cast<std::size_t>(kChunk * channels));
  if (info.frames > 0) out.mono.reserve(static_cast<std::size_t>(info.frames));
  for (;;) {
    const sf_count_t got = sf_readf_float(file, buffer.data(), kChunk);
    if (got <= 0) break;
    if (loudness) loudness->addInterleaved(buffer.data(), static_cast<std::size_t>(got));
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0.0F;
      for (int c = 0; c < channels; ++c) sum += buffer[static_cast<std::size_t>(i * channels + c)];
      out.mono.push_back(sum / static_cast<float>(channels));
    }
  }
  sf_close(file);
  out.lufs = loudness ? loudness->integratedLufs() : -std::numeric_limits<double>::infinity();
  return out;
}

Status resampleTo(Decoded& d, double rate) {
  if (d.mono.empty()) {
    d.sampleRate = rate;
    return Ok{};
  }
  const double ratio = rate / d.sampleRate;
  std::vector<float> out(
      static_cast<std::size_t>(std::ceil(static_cast<double>(d.mono.size()) * ratio)) + 16);
  SRC_DATA data{};
  data.data_in = d.mono.data();
  data.input_frames = static_cast<long>(d.mono.size());
  data.data_out = out.data();
  data.output_frames = static_cast<long>(out.size());
  data.src_ratio = ratio;
  if (const int e = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1); e != 0)
    return makeError("internal", std::string("resampling failed: ") + src_strerror(e));
  out.resize(static_cast<std::size_t>(data.output_frames_gen));
  d.mono = std::move(out);
  d.sampleRate = rate;
  return Ok{};
}

double round4(double v) {
  return std::round(v * 1e4) / 1e4;
}

}  // namespace

int runAnalyze(const AnalyzeOptions& options) {
  auto decoded = decode(options.file);
  if (!decoded) {
    std::cerr << "auralis: " << decoded.error().message << "\n";
    return 1;
  }
  Decoded& d = decoded.value();
  if (d.sampleRate != 44100.0 && d.sampleRate != 48000.0)
    if (auto r = resampleTo(d, 48000.0); !r) {
      std::cerr << "auralis: " << r.error().message << "\n";
      return 1;
    }

  analysis::AnalyzerConfig config;
  config.sampleRate = d.sampleRate;
  analysis::Analyzer analyzer;
  analyzer.prepare(config);
  std::vector<analysis::AnalysisEvent> events;
  std::vector<float> bpms;
  constexpr std::size_t kBlock = 1024;
  for (std::size_t i = 0; i < d.mono.size(); i += kBlock) {
    const std::size_t n = std::min(kBlock, d.mono.size() - i);
    analyzer.process({d.mono.data() + i, n}, static_cast<std::int64_t>(i));
    for (const auto& e : analyzer.events())
      if (e.type == analysis::AnalysisEventType::Onset ||
          e.type == analysis::AnalysisEventType::Beat ||
          e.type == analysis::AnalysisEventType::Pitch)
        events.push_back(e);
    if (analyzer.features().bpm > 0.0F) bpms.push_back(analyzer.features().bpm);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.samplePos < b.samplePos; });

  const bool csv = options.format == "csv";
  if (csv) std::cout << "type,t,value,confidence\n";
  auto emit = [&](const nlohmann::json& j, const std::string& csvValue, double t,
                  double confidence) {
    if (!csv) {
      std::cout << j.dump() << '\n';
      return;
    }
    std::cout << j["type"].get<std::string>() << ',';
    if (t >= 0.0) std::cout << round4(t);
    std::cout << ',' << csvValue << ',';
    if (confidence >= 0.0) std::cout << round4(confidence);
    std::cout << '\n';
  };
  for (const auto& e : events) {
    const double t = round4(static_cast<double>(e.samplePos) / d.sampleRate);
    nlohmann::json j = {{"type", analysis::analysisEventName(e.type)}, {"t", t}};
    std::string value;
    double confidence = -1.0;
    if (e.type == analysis::AnalysisEventType::Pitch) {
      j["hz"] = std::round(static_cast<double>(e.value) * 100.0) / 100.0;
      confidence = round4(static_cast<double>(e.confidence));
      j["confidence"] = confidence;
      value = j["hz"].dump();
    }
    emit(j, value, t, confidence);
  }
  if (!bpms.empty()) {
    // The tempo the tracker held for most of the file: the median of its estimates.
    std::nth_element(bpms.begin(), bpms.begin() + static_cast<std::ptrdiff_t>(bpms.size() / 2),
                     bpms.end());
    const double bpm = std::round(static_cast<double>(bpms[bpms.size() / 2]) * 100.0) / 100.0;
    emit({{"type", "tempo"}, {"bpm", bpm}}, nlohmann::json(bpm).dump(), -1.0, -1.0);
  }
  const auto key = analyzer.keyEstimator().estimate();
  if (key.key >= 0) {
    const double confidence = round4(static_cast<double>(key.confidence));
    emit({{"type", "key"}, {"key", analysis::keyName(key.key)}, {"confidence", confidence}},
         analysis::keyName(key.key), -1.0, confidence);
  }
  if (std::isfinite(d.lufs)) {
    const double lufs = std::round(d.lufs * 100.0) / 100.0;
    emit({{"type", "loudness"}, {"lufs", lufs}}, nlohmann::json(lufs).dump(), -1.0, -1.0);
  }
  std::cout.flush();
  return std::cout.good() ? 0 : 1;
}

}  // namespace auralis::app
