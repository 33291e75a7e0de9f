// Lighting scenes (JSON from files and the scene routes): the scene validator,
// its file form round trip, and one rendered frame of the accepted scene.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "fuzz_require.hpp"
#include "lighting/scene.hpp"

using namespace auralis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  auto scene = lighting::parseScene(j);
  if (!scene) return 0;
  auto again = lighting::parseScene(lighting::sceneToJson(scene.value()));
  fuzz::require(again.ok(), "a written scene parses again");
  fuzz::require(again.value().rules.size() == scene.value().rules.size(), "rules round trip");
  static const lighting::Patch patch = lighting::defaultPatch(1);
  auto renderer = std::make_unique<lighting::SceneRenderer>(patch, scene.value());
  auto frame = std::make_unique<lighting::DmxFrame>();
  lighting::LightingFeatures features{};
  renderer->render(features, 0.025, *frame);
  renderer->render(features, 0.025, *frame);
  return 0;
}
