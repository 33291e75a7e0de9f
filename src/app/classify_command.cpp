// `auralis classify FILE [--features]`: the sound classifier on a file, one JSON
// line per analysis hop — the same features and model the live side-chain runs.
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/sound_classifier.hpp"
#include "analysis/sound_features.hpp"
#include "app/commands.hpp"
#include "io/audio_file_reader.hpp"

namespace auralis::app {

int runClassify(const ClassifyOptions& options) {
  auto reader = io::AudioFileReader::open(options.file);
  if (!reader) {
    std::cerr << "auralis: " << reader.error().message << "\n";
    return 1;
  }
  analysis::SoundFeatures features(reader.value().sampleRate());
  analysis::SoundClassifier classifier;
  const double rate = reader.value().sampleRate();
  const auto hop =
      static_cast<std::size_t>(features.hopSeconds() * rate / 4.0);  // < one hop per push
  std::vector<float> block(std::max<std::size_t>(hop, 64));
  std::int64_t position = 0;
  std::array<int, analysis::kSoundLabelCount> counts{};
  while (const auto got = reader.value().readMono(block)) {
    position += static_cast<std::int64_t>(got);
    const auto f = features.push(std::span(block.data(), got));
    if (!f) continue;
    const double t1 = static_cast<double>(position) / rate;
    nlohmann::json line = {{"t0", t1 - features.windowSeconds()}, {"t1", t1}};
    if (options.features) {
      line["type"] = "features";
      line["features"] = std::vector<float>(f->begin(), f->end());
    } else {
      const auto c = classifier.classify(*f);
      ++counts[static_cast<std::size_t>(c.label)];
      line["type"] = "classification";
      line["label"] = analysis::soundLabelName(c.label);
      line["confidence"] = c.confidence;
    }
    std::cout << line.dump() << "\n";
  }
  if (!options.features) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < counts.size(); ++i)
      if (counts[i] > counts[best]) best = i;
    int total = 0;
    for (const int c : counts) total += c;
    if (total == 0) {
      std::cerr << "auralis: " << options.file << " is shorter than one classifier window ("
                << features.windowSeconds() << " s)\n";
      return 1;
    }
    std::cout << nlohmann::json{{"type", "summary"},
                                {"label",
                                 analysis::soundLabelName(static_cast<analysis::SoundLabel>(best))},
                                {"share", static_cast<double>(counts[best]) / total},
                                {"windows", total}}
                     .dump()
              << "\n";
  }
  return 0;
}

}  // namespace auralis::app
